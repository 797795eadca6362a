"""Web layer: generated screens and REST APIs, data scope, role permissions."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder

from criteria.pack import Kind, Pack
from models import KindModels
from views.account_opening import AccountOpeningView
from views.assessments import CATEGORY, kind_resources
from views.dashboard import GradeDashboardView
from views.dossier import DossierView
from views.dossier_api import DossierApi
from views.evaluation import CATEGORY as EVALUATION
from views.evaluation import adjustment_resource, grade_resources
from views.factory import Resource, build_api, build_view
from views.intake import ProjectIntakeView
from views.jobs import JobsView
from views.periods import PeriodsView
from views.permissions import JOBS_MENU, PERIODS_MENU
from views.registration import RegistrationView
from views.registration_review import RegistrationReviewView, registration_resource
from views.registry import BASIC, RECORDS, core_resources
from views.registry_api import RegistryApi
from views.reports import ReportView, VerifyView
from views.veto_api import VetoApi
from views.workflow import AssessmentWorkflowView
from views.workflow_api import WorkflowApi

MENU_ORDER = [BASIC, CATEGORY, EVALUATION, RECORDS]


def all_resources(pack: Pack, models: dict[str, KindModels], layout: dict[str, Kind] | None = None) -> list[Resource]:
    """Every table's resource, in menu order (a stable sort keeps item rows before their kind).
    ``layout``: every kind of every stored version (``models.guide``); one ``pack`` no longer declares
    is retired (listed and shown, no new records)."""
    resources = core_resources(pack)
    if pack.registration_role is not None:
        resources.append(registration_resource(pack))
    for code, kind in pack.kinds.items():
        resources += kind_resources(kind, models[code], pack, (layout or {}).get(code))
    for code, kind in (layout or {}).items():
        if code not in pack.kinds:
            resources += kind_resources(kind, models[code], pack, retired=True)
    resources += [*grade_resources(pack), adjustment_resource(pack)]
    return sorted(resources, key=lambda r: MENU_ORDER.index(r.category))


def register(appbuilder: AppBuilder, resources: list[Resource]) -> None:
    """Add every resource's view (with its menu entry) and API to the app."""
    views: dict[str, type] = {}
    for resource in resources:
        if resource.related:
            resource.related = [views[r] if isinstance(r, str) else r for r in resource.related]
        view = build_view(resource)
        views[resource.view_name] = view
        if resource.menu:
            appbuilder.add_view(view, resource.title, label=resource.title, category=resource.category, category_label=resource.category)
        else:
            appbuilder.add_view_no_menu(view)
        if resource.api:
            appbuilder.add_api(build_api(resource))
    appbuilder.add_view_no_menu(AssessmentWorkflowView)
    appbuilder.add_api(WorkflowApi)
    appbuilder.add_api(VetoApi)
    appbuilder.add_api(DossierApi)
    appbuilder.add_view_no_menu(DossierView)
    appbuilder.add_view_no_menu(ProjectIntakeView)
    appbuilder.add_api(RegistryApi)
    appbuilder.add_view_no_menu(ReportView)
    appbuilder.add_view_no_menu(VerifyView)
    if current_app.extensions["criteria_pack"].registration_role is not None:
        appbuilder.add_view_no_menu(RegistrationView)
        appbuilder.add_view_no_menu(RegistrationReviewView)
    appbuilder.add_view(GradeDashboardView, "等次分布", label="等次分布", category=EVALUATION, category_label=EVALUATION)
    appbuilder.add_view(PeriodsView, PERIODS_MENU, label=PERIODS_MENU, category=EVALUATION, category_label=EVALUATION)
    appbuilder.add_view(JobsView, JOBS_MENU, label=JOBS_MENU, icon="fa-tasks")
    appbuilder.add_view(AccountOpeningView, "开通账号", label="开通账号", category="Security")  # under 系统管理: the admin's
