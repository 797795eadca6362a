"""提报 from the project list: open the create form of a project assessment with the project chosen.

The link shows only to roles that fill a project kind (filled_by in the criteria). The route checks
the role again and reaches the project through the scoped data layer, then sends the user to the
kind's add form with the project preselected (Flask-AppBuilder's relation filter ``_flt_N_project``
hides the project field and fills it in on save, so the project cannot be changed there).
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask import abort, current_app, flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.filters import FilterRelationOneToManyEqual
from flask_appbuilder.widgets import ListWidget

from criteria.pack import Kind, Pack
from models import Project
from views.scoped_data import ScopedInterface
from workflow.records import actor_of


def project_kinds_filled_by(user: Any, pack: Pack) -> list[Kind]:
    """The project kinds the user's roles fill (their 提报 links)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    roles = actor_of(user, pack).roles
    return [kind for kind in pack.kinds.values() if kind.subject == "project" and kind.filled_by in roles]


class ProjectListWidget(ListWidget):
    """The registry's project list, with a 提报 button per row for the roles that fill a project kind."""

    template = "project_list_widget.html"


class ProjectRowLinks:
    """Mixin of the project screen: hands the 提报 links of the current user to the list widget."""

    list_widget = ProjectListWidget

    def _get_list_widget(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        widgets = super()._get_list_widget(*args, **kwargs)
        kinds = project_kinds_filled_by(g.user, current_app.extensions["criteria_pack"])
        widgets["list"].template_args["report_links"] = [
            {"kind": kind.code, "label": "提报" if len(kinds) == 1 else f"提报{kind.short_name}", "title": f"提报{kind.name}"}
            for kind in kinds
        ]
        return widgets


def _relation_filter_index(view: Any, column: str) -> int:
    """Position of the 'equal' relation filter of ``column`` among the view's URL filters."""
    filters = view._filters._all_filters.get(column, [])
    return next(index for index, found in enumerate(filters) if isinstance(found, FilterRelationOneToManyEqual))


class ProjectIntakeView(BaseView):
    route_base = "/intake"
    class_permission_name = "AssessmentWorkflow"  # every role reaches it; the handler checks filled_by
    method_permission_name: ClassVar[dict[str, str]] = {"open": "access"}

    @expose("/<kind_code>/<int:project_id>")
    @has_access
    def open(self, kind_code: str, project_id: int) -> Any:
        pack: Pack = current_app.extensions["criteria_pack"]
        kind = pack.kinds.get(kind_code)
        if kind is None or kind.subject != "project":
            abort(404)
        if kind not in project_kinds_filled_by(g.user, pack):
            flash(f"只有{pack.role(kind.filled_by).label}可以提报{kind.short_name}", "danger")
            return redirect(url_for("ProjectView.list"))
        project = ScopedInterface(Project).get(project_id)
        if project is None:
            abort(404)
        view_name = f"{current_app.extensions['kind_models'][kind.code].assessment.__name__}View"
        view = next(v for v in current_app.appbuilder.baseviews if type(v).__name__ == view_name)
        flash(
            f"提报{kind.short_name}：{project.name}（施工许可证号 {project.permit_no}，施工企业 {project.enterprise}，"
            f"项目经理 {project.project_manager or '未登记'}）。工程项目和施工企业来自项目登记，不能修改。",
            "info",
        )
        return redirect(url_for(f"{view_name}.add", **{f"_flt_{_relation_filter_index(view, 'project')}_project": project.id}))
