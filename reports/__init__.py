"""PDF renderers for printed assessment forms and lists (ReportLab; no Flask, no SQLAlchemy).

``render_form(FormData(...))`` and ``render_list(title, columns, rows)`` return PDF bytes; the
caller fills the plain dataclasses in ``reports.data``. Every PDF embeds the shipped font as a subset.
"""

from reports.assessment_form import render_form
from reports.data import FormColumn, FormData, FormItem, FormReview, FormSection, FormSignature
from reports.lists import render_list

__all__ = ["FormColumn", "FormData", "FormItem", "FormReview", "FormSection", "FormSignature", "render_form", "render_list"]
