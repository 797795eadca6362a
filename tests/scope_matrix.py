"""The data-scope matrix: for every URL rule of the app, who may use it and on which records.

``tests/test_scope_matrix.py`` calls every registered rule as every role, on a record inside the
role's scope and on one outside it, and fails naming the rule when a rule has no entry here. A new
screen, API or page therefore ships only with a line below that states its scope decision.

Roles, in column order: anonymous, enterprise user (enterprise_01), supervisor (supervisor_shinan),
district authority (district_authority_shinan), city station, admin. Levels: ``-`` no access,
``R`` read, ``W`` read and the writes the resource offers. What a level means per rule:

- a role without the level the rule needs is refused: 403 when logged in, the login page (or 401
  from the API) when anonymous, and nothing changes;
- a role with it reaches records inside its scope, and a record outside its scope answers 404 on
  every method (for the city station and the admin the other enterprise is inside their scope);
- a list, export or picker never shows the out-of-scope enterprise's name, credit code or permits.
"""

from __future__ import annotations

from typing import Any

ROLES = ("anonymous", "enterprise", "supervisor", "district", "city", "admin")
LOGINS = {
    "enterprise": "enterprise_01",
    "supervisor": "supervisor_shinan",
    "district": "district_authority_shinan",
    "city": "city_station",
    "admin": "admin",
}

# Screens (ModelView) and REST APIs generated per core table, by resource name (views.all_resources):
# levels per role, and which of add / edit / delete / the named actions the resource offers at all.
# The kinds' resources follow from the pack (kind_rows below).
#  name                         anon ent sup dis city adm   writes
CORE_RESOURCES: dict[str, tuple[str, str]] = {
    "District": ("-   R   R   R   R    R", ""),
    "Enterprise": ("-   R   R   W   W    W", "add edit delete"),
    "Project": ("-   R   R   W   W    W", "add edit delete"),
    "Person": ("-   R   R   W   W    W", "add edit delete"),
    "Attachment": ("-   R   R   R   R    R", ""),
    "ReviewHistory": ("-   R   R   R   R    R", ""),
    "AuditLog": ("-   -   -   -   -    R", ""),
    "EnterpriseRegistration": ("-   -   -   R   -    R", ""),  # 注册审核: decided on its own page
    "FinalGradeDirector": ("-   R   R   R   R    R", ""),
    "FinalGradeLicence": ("-   R   R   R   R    R", ""),
    "FinalGradeEnterprise": ("-   R   R   R   R    R", ""),
    "FinalGradeProject": ("-   R   R   R   R    R", ""),
    "GradeAdjustment": ("-   R   R   R   W    W", "add revoke"),  # revoked, never deleted
}

# The pack roles of the matrix's columns (roles.yaml codes); the admin reaches everything.
PACK_ROLES = {"enterprise": "enterprise", "supervisor": "supervisor", "district": "district_authority", "city": "city_station"}


def kind_level(kind: Any, role: str) -> str:
    """A kind's records: W for the role that fills it, R for the roles that review it, the admin W."""
    if role == "admin":
        return "W"
    code = PACK_ROLES.get(role)
    return "W" if code == kind.filled_by else "R" if code in kind.reviewed_by else "-"


def kind_rows(pack: Any) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Every kind's resources (derived from its filled_by / reviewed_by in the pack, not written here)
    and, by kind code, the resource whose level decides the 办理 page, its POST routes, evidence files
    and printed forms (W fills or reviews, R reads)."""
    from models.assessments import class_name
    from models.record_scores import final_states
    from views.assessments import review_states

    rows: dict[str, tuple[str, str]] = {}
    main: dict[str, str] = {}
    for code, kind in pack.kinds.items():
        name = f"{class_name(code)}Assessment"
        full = " ".join(kind_level(kind, role) for role in ROLES)
        read = full.replace("W", "R")
        rows[name] = (full, "add edit delete delete_selected")
        if kind.items:
            rows[f"{name}Item"] = (full, "edit")
        if review_states(kind):
            rows[f"{name}Pending"] = (read, "")
        if final_states(kind):
            rows[f"{name}Records"] = (read, "")
        main[code] = name
    return rows, main


# Rules that are not generated per table. Audience levels, columns as above.
AUDIENCES = {
    "public": "R   R   R   R   R    R",  # no record data behind it (or, /verify, only what the printed form says)
    "personal": "-   R   R   R   R    R",  # about the logged-in user only, or scoped like every list
    "admin": "-   -   -   -   -    W",  # accounts and roles
    "push": "-   -   -   -   W    W",  # registry push: registry write over every district
    "approver": "-   -   -   W   -    W",  # self-registrations: approves_registrations (roles.yaml) and the admin
    "adjuster": "-   -   -   -   W    W",  # 考核年度: the roles that adjust grades (roles.yaml) and the admin
    "officials": "-   -   W   W   W    W",  # 任务: the roles that review over districts (not enterprises)
    "nobody": "-   -   -   -   -    -",  # registered by Flask-AppBuilder, granted to no role
}

# (endpoint regex, door, who). ``who`` is an audience, ``kind`` (the kind in the URL), or
# ``{res}`` (the resource named by the endpoint). The door says how the test calls the rule.
# Static files (endpoints ``static`` and ``appbuilder.static``) are excluded: package assets only.
ENTRIES: list[tuple[str, str, str]] = [
    # generated screens: list, show, add, edit, delete, exports, actions, file-field download
    (r"^(?P<res>\w+)View\.(list|export|export_pdf|export_xlsx)$", "view_list", "{res}"),
    (r"^(?P<res>\w+)View\.show$", "view_show", "{res}"),
    (r"^(?P<res>\w+)View\.add$", "view_add", "{res}"),
    (r"^(?P<res>\w+)View\.edit$", "view_edit", "{res}"),
    (r"^(?P<res>\w+)View\.delete$", "view_delete", "{res}"),
    (r"^(?P<res>\w+)View\.action$", "view_action", "{res}"),
    (r"^(?P<res>\w+)View\.action_post$", "view_action_post", "{res}"),
    (r"^(?P<res>(?!App)\w+)View\.download$", "download", "nobody"),  # no table has a file field: 404
    # generated REST APIs
    (r"^(?P<res>\w+)Api\.(get_list|info)$", "api_list", "{res}"),
    (r"^(?P<res>\w+)Api\.get$", "api_get", "{res}"),
    (r"^(?P<res>\w+)Api\.post$", "api_post", "{res}"),
    (r"^(?P<res>\w+)Api\.put$", "api_put", "{res}"),
    (r"^(?P<res>\w+)Api\.delete$", "api_delete", "{res}"),
    # 办理 page, its writes, evidence files, printed forms, 提报 from the project list
    (r"^AssessmentWorkflowView\.page$", "record_get", "kind"),
    (r"^AssessmentWorkflowView\.(scores|preview|review|transition|upload|veto|withdraw_veto)$", "record_post", "kind"),
    (r"^AssessmentWorkflowView\.file$", "file_get", "kind"),
    (r"^AssessmentWorkflowView\.remove$", "file_delete", "kind"),
    # the same workflow over REST: the record's state, its writes, deleting an evidence file
    (r"^WorkflowApi\.record$", "record_get", "kind"),
    (r"^WorkflowApi\.(entries|review|transition|upload)$", "record_post", "kind"),
    (r"^WorkflowApi\.remove$", "api_file_delete", "kind"),
    (r"^VetoApi\.(record|withdraw)$", "record_post", "kind"),  # the 办理 page's 否决事项 over REST
    (r"^ReportView\.form$", "record_get", "kind"),
    # materials checklist and personnel lists of the kinds that show them (other kinds: 404)
    (r"^DossierView\.(material|material_remove|person|person_remove)$", "record_post", "kind"),
    (r"^DossierApi\.(material|material_remove|person|person_remove)$", "record_post", "kind"),  # the same over REST
    (r"^DossierView\.file$", "dossier_file", "kind"),
    (r"^ProjectIntakeView\.open$", "intake", "kind"),
    # public pages: login, language, back link, the verification of printed forms
    (
        r"^((AuthDBView|LoginView)\.(login|logout)|LoginView\.captcha_refresh|LocaleView\.index|UtilView\.back"
        r"|RegistrationView\.register)$",
        "public_get",
        "public",
    ),  # 企业注册: the form (a logged-in user goes home)
    (r"^HomeView\.index$", "plain_get", "personal"),  # 首页待办; a visitor is sent to the login form
    (r"^VerifyView\.show$", "verify", "public"),
    (r"^TokenApi\.(login|refresh|captcha)$", "token", "public"),  # the token login, its refresh and captcha
    # every logged-in user: own account, menu, the grade dashboard (scoped); the API documentation
    (r"^AppUserView\.userinfo$", "plain_get", "personal"),
    (r"^(ResetMyPasswordView|UserInfoEditView)\.this_form_(get|post)$", "own_form", "personal"),
    (r"^(OpenApi\.get|SwaggerView\.show)$", "docs", "admin"),  # API documentation: no records
    (r"^MenuApi\.get_menu_data$", "plain_get", "admin"),  # FAB's menu for React front ends; unused here
    (r"^GradeDashboardView\.dashboard$", "plain_get", "personal"),
    # accounts, roles and groups: the admin only
    (r"^(AppUserView|AppRoleView|AppGroupView|AccountOpeningView)\.\w+$", "account", "admin"),  # 开通账号 included
    (r"^ResetPasswordView\.this_form_(get|post)$", "account", "admin"),
    # 注册审核: the decision page of one self-registration, approve and reject
    (r"^RegistrationReviewView\.page$", "registration_get", "approver"),
    (r"^RegistrationReviewView\.(approve|reject)$", "registration_post", "approver"),
    # 考核年度: open, preview and recompute, close, reopen, publish periods
    (r"^PeriodsView\.(index|recompute|open|close|reopen|publish)$", "periods", "adjuster"),
    # 任务: the jobs a user started (another user's job: 404), printing a period's forms, importing a
    # registry file (the roles that may push the registry)
    (r"^JobsView\.index$", "plain_get", "officials"),
    (r"^JobsView\.(job_status|result)$", "job_get", "officials"),
    (r"^JobsView\.print_forms$", "job_start", "officials"),
    (r"^JobsView\.import_registry$", "job_start", "push"),
    # the permit platform's registry push
    (r"^RegistryApi\.push_projects$", "push", "push"),
    # the criteria editor (Flask-Admin at /criteria-admin/): files, versions, schema changes; every
    # view, its index included, is the admin's alone (others: 403, anonymous: the login page)
    (r"^criteria_(admin|files|forms|versions|packs|schema)\.\w+$", "criteria_admin", "admin"),
]

# Package assets only (CSS, JavaScript, fonts): FAB's and Flask-Admin's static folders.
EXCLUDED = {"static", "appbuilder.static", "criteria_admin.static"}


def resources(pack: Any) -> dict[str, tuple[str, str]]:
    """Every resource's row: the core tables above and the kinds of ``pack``."""
    return {**CORE_RESOURCES, **kind_rows(pack)[0]}


def kind_resources(pack: Any) -> dict[str, str]:
    return kind_rows(pack)[1]


def levels(row: str) -> dict[str, str]:
    """'- R W ...' -> {role: level}."""
    cells = row.split()
    if len(cells) != len(ROLES):
        raise ValueError(f"a matrix row needs {len(ROLES)} levels: {row!r}")
    return dict(zip(ROLES, cells, strict=True))
