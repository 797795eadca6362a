"""Role permissions derived from the pack: who may read or write which generated screen.

The pack's roles become Flask-AppBuilder built-in roles (``FAB_ROLES``), so permissions follow
the criteria on every start and are never edited by hand. The admin role is left to FAB, which
grants it every permission.
"""

from __future__ import annotations

import re
from typing import Any

from criteria.pack import Pack, Role
from views.factory import Resource

PERSONAL = [
    # the account screens are AppUserView (views/security.py): every user reads and edits their own
    ["^AppUserView$", "^(can_userinfo|resetmypassword|userinfoedit)$"],
    ["^ResetMyPasswordView$", "^can_this_form_(get|post)$"],
    ["^UserInfoEditView$", "^can_this_form_(get|post)$"],
    ["^AssessmentWorkflow$", "^can_access$"],  # the workflow decides, per record, what each role may do
    ["^GradeDashboard$", "^can_access$"],  # scoped like every list
    ["^等次分布$", "^menu_access$"],
]
# 注册审核 (views/registration_review.py): the decision page of a self-registration.
APPROVE_REGISTRATIONS = [["^RegistrationReview$", "^can_access$"]]
# 考核年度 (views/periods.py): open, recompute, close and publish periods; the roles that adjust grades.
RUN_PERIODS = [["^PeriodsView$", "^can_(index|open|close|reopen|publish|recompute)$"]]
PERIODS_MENU = "考核年度"
# 任务 (views/jobs.py): the jobs the user started and their results; printing a period's forms for
# the roles that review records over districts; importing a registry file for those who may push it.
JOBS = [["^JobsView$", "^can_(index|job_status|result)$"]]
PRINT_JOBS = [["^JobsView$", "^can_print_forms$"]]
IMPORT_JOBS = [["^JobsView$", "^can_import_registry$"]]
JOBS_MENU = "任务"
# POST /api/v1/registry/projects (views/registry_api.py): the permit platform's pushed records.
REGISTRY_PUSH = [["^RegistryPush$", "^can_post$"]]


def may_push_registry(role: Role) -> bool:
    """Registry write access over every district (the city station); the admin has it anyway."""
    return role.admin or (role.registry == "write" and role.scope == "all")


def may_import_registry(user: Any, pack: Pack) -> bool:
    """Whether one of the user's roles may import a registry file (the roles that may push it)."""
    roles = [pack.role_by_label(role.name) for role in getattr(user, "roles", ())]
    return any(role is not None and may_push_registry(role) for role in roles)


def access(role: Role, resource: Resource, pack: Pack) -> str:
    """'none', 'read' or 'write' for ``role`` on ``resource``."""
    what = resource.access[0]
    if what == "lookup" or what == "records":
        return "read"
    if what == "adjustments":
        return "write" if role.adjusts_grades else "read"
    if what == "registry":
        return role.registry
    if what == "registrations":
        return "read" if role.approves_registrations else "none"
    if what == "kind":
        kind = resource.kind or pack.kinds[resource.access[1]]
        if role.code == kind.filled_by:
            return "write"
        return "read" if role.code in kind.reviewed_by else "none"
    return "none"


def _exactly(*names: str) -> str:
    return "^(" + "|".join(re.escape(n) for n in names) + ")$"


def role_definitions(pack: Pack, resources: list[Resource]) -> dict[str, list[list[str]]]:
    definitions: dict[str, list[list[str]]] = {}
    for role in pack.roles:
        if role.admin:
            continue
        rules = [list(rule) for rule in PERSONAL]
        menus: set[str] = set()
        if may_push_registry(role):
            rules += [list(rule) for rule in REGISTRY_PUSH + IMPORT_JOBS]
        if role.scope != "enterprise" or role.adjusts_grades or may_push_registry(role):
            rules += [list(rule) for rule in JOBS]
            menus.add(JOBS_MENU)
        if role.scope != "enterprise":
            rules += [list(rule) for rule in PRINT_JOBS]
        if role.approves_registrations:
            rules += [list(rule) for rule in APPROVE_REGISTRATIONS]
        if role.adjusts_grades:
            rules += [list(rule) for rule in RUN_PERIODS]
            menus.add(PERIODS_MENU)
        for resource in resources:
            level = access(role, resource, pack)
            if level == "none":
                continue
            write = level == "write"
            rules.append([_exactly(resource.view_name), _exactly(*resource.view_permissions(write))])
            rules.append([_exactly(resource.api_name), _exactly(*resource.api_permissions(write))])
            if resource.menu:
                menus.update({resource.title, resource.category})
        if menus:
            rules.append([_exactly(*sorted(menus)), "^menu_access$"])
        definitions[role.label] = rules
    return definitions
