"""Every URL rule, every role, a record inside and outside the role's scope (see tests/scope_matrix.py).

One test per role walks all rules of ``app.url_map`` on its own copy of the demo database, collects
every deviation from the matrix and reports them together, each naming the rule. Writes on records
the role may not touch are real attempts (valid CSRF token, plausible data) and the rows of the
enterprise they aim at are compared before and after. Permitted writes use harmless data (a stale
lock version, an incomplete form) so the walk does not disturb itself; permitted deletes run last.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Column, inspect, select

from cli.demo_records import final_state
from models import (
    AppUser,
    Attachment,
    CriteriaVersion,
    Enterprise,
    EnterpriseMaterial,
    EnterpriseRegistration,
    FormVerification,
    GradeAdjustment,
    Person,
    Project,
    ReviewHistory,
    assessment_table,
    db,
)
from models.credit_code import check_character
from models.evidence import store
from models.jobs import DONE, Job
from storage import evidence_store, job_store
from tests import scope_matrix as matrix
from tests.support import TOKEN, login
from tests.test_criteria_editor import url_of
from tests.workflow_support import PDF, one_page_pdf
from views.assessments import review_states
from workflow.rules import editable

ATTACK = "越权修改"


# -- the records the walk uses ---------------------------------------------------------------------


@dataclass
class World:
    inside: int  # enterprise of enterprise_01 (市南区); inside every scoped role's scope
    outside: int  # an enterprise of another district with no project in 市南区
    home_district: int
    outside_district: int
    markers: list[str]  # what identifies the outside enterprise: name, credit code, permit numbers
    attachments: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, side) -> id
    codes: dict[str, str] = field(default_factory=dict)  # side -> verification code
    projects: dict[str, int] = field(default_factory=dict)  # side -> project id
    picked: dict[tuple[str, str], int | None] = field(default_factory=dict)
    dossier: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)  # (kind, side) -> (record, hash)
    registrations: dict[str, int] = field(default_factory=dict)  # side -> pending self-registration id
    # A project located in 市南区 whose contractor is registered in another district: its project
    # assessments are scoped by the project's district (side "cross": inside for 市南区's supervisor).
    crossing: dict[str, int] = field(default_factory=dict)  # project kind -> record id
    crossing_owner: int = 0
    job: int = 0  # a finished job of the city station, its ZIP in the job store


def _clone(model: type, item_model: type, source: Any, **changes: Any) -> Any:
    """A copy of ``source`` with ``changes``; its scope district is fixed anew from its subject."""
    skip = ("id", "district_id")
    columns = {a.key: getattr(source, a.key) for a in inspect(model).column_attrs if a.key not in skip and isinstance(a.expression, Column)}
    record = model(**{**columns, **changes})
    for row in source.items:
        values = {c.key: getattr(row, c.key) for c in item_model.__table__.columns if c.key not in ("id", "assessment_id")}
        record.items.append(item_model(**values))
    db.session.add(record)
    return record


def build_world(app: Flask) -> World:
    """Complete the demo data: for both enterprises a record of every kind in every listed state,
    people, evidence, history, an adjustment, verification codes, and their final grades."""
    from grading import recompute

    pack = app.extensions["criteria_pack"]
    models = app.extensions["kind_models"]
    with app.app_context():
        inside = db.session.query(AppUser).filter_by(username=matrix.LOGINS["enterprise"]).one().enterprise
        home = inside.district_id
        outside = next(
            e
            for e in db.session.query(Enterprise).order_by(Enterprise.id)
            if e.district_id != home
            and e.id != inside.id
            and not db.session.query(Project).filter_by(enterprise_id=e.id, district_id=home).count()
            and db.session.query(Project).filter_by(enterprise_id=e.id).count()
            and all(db.session.query(m.assessment).filter_by(enterprise_id=e.id).count() for m in models.values())
        )
        sides = {"in": inside, "out": outside}
        projects = {
            "in": db.session.query(Project).filter_by(enterprise_id=inside.id, district_id=home).first(),
            "out": db.session.query(Project).filter_by(enterprise_id=outside.id).first(),
        }
        for code, kind_models in models.items():
            kind = pack.kinds[code]
            final = final_state(kind)
            template = db.session.query(kind_models.assessment).filter_by(state=final).first()
            for side, enterprise in sides.items():
                states = dict.fromkeys((kind.workflow.initial, *review_states(kind)[:1], final))
                for number, state in enumerate(states):
                    project_id = projects[side].id if kind.subject == "project" else None
                    key = {"enterprise_id": enterprise.id, "state": state}
                    if kind.subject == "project":
                        key["project_id"] = project_id
                    # a kind with one record per subject and period gets a year of its own for each state
                    period = str(int(template.period) - number) if kind.one_per_period else template.period
                    if not db.session.query(kind_models.assessment).filter_by(**key).count():
                        taken = (
                            db.session.query(kind_models.assessment).filter_by(enterprise_id=enterprise.id, period=period).first()
                            if kind.one_per_period
                            else None
                        )
                        if taken is not None:  # the demo's own record of that year takes the state
                            taken.state = state
                        else:
                            _clone(kind_models.assessment, kind_models.item, template, **key, lock_version=1, period=period)
        db.session.flush()
        world = World(
            inside.id,
            outside.id,
            home,
            outside.district_id,
            [outside.name, outside.credit_code, *(p.permit_no for p in db.session.query(Project).filter_by(enterprise_id=outside.id))],
        )
        world.projects = {side: p.id for side, p in projects.items()}
        content, _ = store(evidence_store(app.config), PDF)
        for side, enterprise in sides.items():
            db.session.add(Person(enterprise_id=enterprise.id, name=f"{side}安全员", role="专职安全员"))
            for code in ("general", "project"):
                kind_models = models[code]
                key = {"enterprise_id": enterprise.id, "state": "draft"}
                if code == "project":
                    key["project_id"] = projects[side].id
                record = db.session.query(kind_models.assessment).filter_by(**key).first()
                attachment = Attachment(
                    assessment_id=record.id,
                    item_code=pack.kinds[code].items[0].code,
                    file_name=f"{side}证明.pdf",
                    content_hash=content,
                    size=len(PDF),
                    media_type="application/pdf",
                )
                db.session.add(attachment)
                db.session.add(
                    ReviewHistory(
                        assessment_id=record.id,
                        action="submit",
                        from_state="draft",
                        to_state="submitted",
                    )
                )
                db.session.flush()
                world.attachments[(code, side)] = attachment.id
            general = db.session.query(models["general"].assessment).filter_by(enterprise_id=enterprise.id).first()
            world.codes[side] = f"MATRIX{side.upper()}"
            db.session.add(FormVerification(code=world.codes[side], assessment_id=general.id))
        for side, enterprise in sides.items():
            for code in sorted(pack.dossier_kinds):
                record = (
                    db.session.query(models[code].assessment)
                    .filter_by(enterprise_id=enterprise.id, state=pack.kinds[code].workflow.initial)
                    .first()
                )
                content = one_page_pdf(f"material {side}")
                content_hash, _ = store(evidence_store(app.config), content)
                if not db.session.query(EnterpriseMaterial).filter_by(enterprise_id=enterprise.id, period=record.period).count():
                    db.session.add(
                        EnterpriseMaterial(
                            enterprise_id=enterprise.id,
                            period=record.period,
                            material_code=pack.dossier_kind(pack.kinds[code]).materials[0].code,
                            file_name=f"{side}材料.pdf",
                            content_hash=content_hash,
                            size=len(content),
                            media_type="application/pdf",
                        )
                    )
                world.dossier[(code, side)] = (record.id, content_hash)
        district_of = {"in": home, "out": outside.district_id}
        for side, district in district_of.items():
            body = f"91370202MA3MR{'0001' if side == 'in' else '0002'}"
            code = body + check_character(body)
            application = EnterpriseRegistration(
                enterprise_name=f"{side}矩阵申请企业",
                credit_code=code,
                district_id=district,
                contact_person="申请人",
                mobile="13800000000",
                username=f"matrix_{side}",
                password_hash="x",
                state="pending",
                pending_credit_code=code,
                pending_username=f"matrix_{side}",
            )
            db.session.add(application)
            db.session.flush()
            world.registrations[side] = application.id
        world.markers.append("out矩阵申请企业")
        third = next(e for e in db.session.query(Enterprise).order_by(Enterprise.id) if e.district_id not in (home, outside.district_id))
        crossing = Project(name="跨区矩阵项目", permit_no="MATRIX-CROSS-1", enterprise_id=third.id, district_id=home)
        db.session.add(crossing)
        db.session.flush()
        world.crossing_owner = third.id
        cross_hash, _ = store(evidence_store(app.config), PDF)
        for code, kind_models in models.items():
            kind = pack.kinds[code]
            if kind.subject != "project":
                continue
            template = db.session.query(kind_models.assessment).filter_by(state=kind.workflow.initial).first()
            record = _clone(
                kind_models.assessment,
                kind_models.item,
                template,
                enterprise_id=third.id,
                project_id=crossing.id,
                lock_version=1,
                period=template.period,
            )
            db.session.flush()
            attachment = Attachment(
                assessment_id=record.id,
                item_code=kind.items[0].code if kind.items else None,
                file_name="跨区证明.pdf",
                content_hash=cross_hash,
                size=len(PDF),
                media_type="application/pdf",
            )
            db.session.add(attachment)
            db.session.add(ReviewHistory(assessment_id=record.id, action="submit", from_state="draft", to_state="submitted"))
            db.session.flush()
            world.crossing[code] = record.id
            world.attachments[(code, "cross")] = attachment.id
        db.session.commit()
        recompute(db.session, pack, models, str(template.period))
        station = db.session.query(AppUser).filter_by(username=matrix.LOGINS["city"]).one()
        job = Job(kind="print_forms", title="矩阵测试的打印任务", params={}, started_by=station.id, state=DONE)
        job.result_key, job.result_name = "matrix/forms.zip", "矩阵测试.zip"
        db.session.add(job)
        db.session.flush()
        job_store(app.config).put("matrix/forms.zip", b"PK\x05\x06" + b"\x00" * 18)
        world.job = job.id
        adjustment = pack.adjustments["promote"]["reasons"][0]["code"]
        for enterprise in sides.values():
            db.session.add(
                GradeAdjustment(
                    enterprise_id=enterprise.id,
                    period=str(template.period),
                    final_grade=pack.final_grades[0].code,
                    direction="promote",
                    reason_code=adjustment,
                    note="矩阵测试",
                )
            )
        db.session.commit()
    return world


# -- which record a rule is called with ------------------------------------------------------------


def _walk(row: Any, path: str) -> Any:
    for part in path.split("."):
        row = getattr(row, part)
    return row


def _owner(row: Any) -> tuple[int | None, int | None]:
    """(enterprise id, district id) of a row, along the paths the data scope uses."""
    via = getattr(type(row), "scope_via", None) or ("assessment" if getattr(type(row), "scope_assessment", None) else None)
    if via:
        return _owner(getattr(row, via))
    enterprise = getattr(type(row), "scope_enterprise", None)
    district = getattr(type(row), "scope_district", None)
    return (_walk(row, enterprise) if enterprise else None, _walk(row, district) if district else None)


def pick(app: Flask, world: World, view: Any, side: str, kinds: frozenset[str] = frozenset()) -> int | None:
    """A row the view lists (its base filters) that belongs to the inside or the outside enterprise;
    evidence and history rows of a kind in ``kinds`` and draft records (deletable) come first."""
    key = (type(view).__name__, side, kinds)
    if key not in world.picked:
        world.picked[key] = _pick(app, world, view, side, kinds)
    return world.picked[key]


def _pick(app: Flask, world: World, view: Any, side: str, kinds: frozenset[str]) -> int | None:
    def order(row: Any) -> tuple[bool, bool, int]:
        parent = getattr(row, "assessment", None)
        return (getattr(parent, "kind", None) not in kinds, getattr(row, "state", "draft") != "draft", row.id)

    with app.app_context():
        _, rows = view.datamodel.query(view._base_filters, page_size=10_000)
        for row in sorted(rows, key=order):
            enterprise, district = _owner(row)
            if enterprise is None and district is not None:  # a district's rows (self-registrations)
                if district == (world.home_district if side == "in" else world.outside_district):
                    return row.id
                continue
            if enterprise is None and district is None:
                if side == "in":  # public or admin-only tables: any row
                    return row.id
                continue
            if side == "in" and enterprise == world.inside and district == world.home_district:
                return row.id
            if side == "out" and enterprise == world.outside:
                return row.id
    return None


# -- what came back --------------------------------------------------------------------------------


def readable(answer: Any) -> str:
    """The text a person would read in the answer (PDF text, spreadsheet cells, or the body)."""
    if answer.mimetype == "application/pdf" and answer.data.startswith(b"%PDF") and len(answer.data) > 200:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(answer.data)).pages)
    if "spreadsheetml" in answer.mimetype:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(answer.data)).active
        return "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.values)
    return answer.get_data(as_text=True)


def to_login(answer: Any) -> bool:
    return answer.status_code == 302 and "/login" in answer.headers.get("Location", "")


# Registry records that are refused deletion while assessments refer to them (views/registry.py).
KEPT_WITH_ASSESSMENTS = ("Enterprise", "Project")


def outcome(answer: Any) -> str:
    """ok | refused | login | missing | error."""
    status = answer.status_code
    if status >= 500:
        return "error"
    if status == 404:
        return "missing"
    if status == 401 or to_login(answer):
        return "login"
    if status in (403, 405):
        return "refused"
    return "ok"


# -- the walk --------------------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    url: str
    expect: str  # ok | denied (refused, or login when anonymous) | missing
    data: dict[str, Any] | None = None
    json: Any = None
    enterprise: int | None = None  # rows of this enterprise must not change unless expect == ok
    last: bool = False  # a permitted delete (or the logout): after everything else
    target: tuple[type, int] | None = None  # the row a permitted delete removes
    watch: Any = None  # () -> rows that must not change unless expect == ok (besides the enterprise's)


def expected(level: str, needed: str, side: str, role: str) -> str:
    """What the role gets: ``needed`` is R, W, or X (a write the resource does not offer to anyone)."""
    if level == "-" or needed == "X" or (needed == "W" and level != "W"):
        return "denied"
    if side == "out" and role not in ("city", "admin"):
        return "missing"
    return "ok"


def fingerprint(app: Flask, enterprise_id: int) -> list[Any]:
    """Every stored row that belongs to the enterprise (its assessments' item rows included)."""
    found: list[Any] = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name == "enterprise":
                query = select(table).where(table.c.id == enterprise_id)
            elif "enterprise_id" in table.c and table.name != "ab_user":
                query = select(table).where(table.c.enterprise_id == enterprise_id)
            elif "assessment_id" in table.c:
                parent = next(iter(table.c.assessment_id.foreign_keys)).column.table
                query = select(table).where(table.c.assessment_id.in_(select(parent.c.id).where(parent.c.enterprise_id == enterprise_id)))
            else:
                continue
            found.append((table.name, [tuple(r) for r in db.session.execute(query.order_by(*table.primary_key))]))
        core = assessment_table
        for header in app.extensions["assessment_layout"].metadata.sorted_tables:  # the kinds' header fields
            owned = select(header).where(header.c.id.in_(select(core.c.id).where(core.c.enterprise_id == enterprise_id)))
            found.append((header.name, [tuple(r) for r in db.session.execute(owned.order_by(header.c.id))]))
    return found


class Walk:
    def __init__(self, app: Flask, client: FlaskClient, role: str, world: World):
        self.app, self.client, self.role, self.world = app, client, role, world
        self.views = {type(v).__name__: v for v in app.appbuilder.baseviews}
        self.token = (
            TOKEN.search(client.get("/login/").get_data(as_text=True)).group(1)
            if role == "anonymous"
            else client.environ_base["HTTP_X_CSRFTOKEN"]
        )
        client.environ_base["HTTP_X_CSRFTOKEN"] = self.token
        self.problems: list[str] = []
        self.cached: dict[int, list[Any]] = {}
        self.pack = app.extensions["criteria_pack"]
        self.resources = matrix.resources(self.pack)
        self.kind_resources = matrix.kind_resources(self.pack)
        self.kinds = frozenset(k for k, res in self.kind_resources.items() if role != "anonymous" and self.level("{res}", res) != "-")

    # levels
    def level(self, who: str, res: str | None) -> str:
        if who == "{res}":
            return matrix.levels(self.resources[res][0])[self.role]
        return matrix.levels(matrix.AUDIENCES[who])[self.role]

    def kind_expected(self, kind: str, side: str) -> str:
        """Every logged-in role may open these routes; a kind the role neither fills nor reviews is
        outside its scope (404), like a record of another enterprise."""
        level = self.level("{res}", self.kind_resources[kind])
        if level == "-" and self.role != "anonymous":
            return "missing"
        return expected(level, "R", side, self.role)

    def writes(self, res: str) -> set[str]:
        return set(self.resources[res][1].split())

    def form(self, **values: Any) -> dict[str, Any]:
        return {"csrf_token": self.token, **values}

    # doors: each returns the calls that exercise one rule
    def doors(self, door: str, rule: Any, res: str | None, who: str) -> Iterator[Call]:
        return getattr(self, f"door_{door}")(rule, res, who)

    def _sides(self, view: Any) -> Iterator[tuple[str, int]]:
        for side in ("in", "out"):
            pk = pick(self.app, self.world, view, side, self.kinds)
            if pk is not None:
                yield side, pk
        kind = getattr(view.datamodel.obj, "kind_code", None)
        if kind in self.world.crossing and type(view).__name__ == f"{self.kind_resources[kind]}View":
            yield "cross", self.world.crossing[kind]

    def _owner_of(self, side: str) -> int:
        return {"in": self.world.inside, "out": self.world.outside, "cross": self.world.crossing_owner}[side]

    def door_view_list(self, rule, res, who):
        yield Call("GET", rule.rule, expected(self.level(who, res), "R", "in", self.role))

    def door_view_show(self, rule, res, who):
        view = self.views[f"{res}View"]
        for side, pk in self._sides(view):
            yield Call("GET", f"/{view.route_base.strip('/')}/show/{pk}", expected(self.level(who, res), "R", side, self.role))

    def _write_level(self, res: str, write: str) -> str:
        return "W" if write in self.writes(res) else "X"

    def door_view_add(self, rule, res, who):
        view, level = self.views[f"{res}View"], self.level(who, res)
        need = self._write_level(res, "add")
        yield Call("GET", f"/{view.route_base.strip('/')}/add", expected(level, need, "in", self.role))
        scoped = self.role not in ("city", "admin")
        attack = self.attack_values(view.datamodel.obj)
        if expected(level, need, "in", self.role) == "ok" and not scoped:
            yield Call("POST", f"/{view.route_base.strip('/')}/add", "ok", data=self.form())
        else:  # a create aimed at the other enterprise or district: refused, nothing written
            yield Call(
                "POST",
                f"/{view.route_base.strip('/')}/add",
                "ok" if expected(level, need, "in", self.role) == "ok" else "denied",
                data=self.form(**attack),
                enterprise=self.world.outside,
            )

    def door_view_edit(self, rule, res, who):
        view, level = self.views[f"{res}View"], self.level(who, res)
        need = self._write_level(res, "edit")
        for side, pk in self._sides(view):
            expect = expected(level, need, side, self.role)
            url = f"/{view.route_base.strip('/')}/edit/{pk}"
            yield Call("GET", url, expect)
            if expect == "ok":
                yield Call("POST", url, expect, data=self.form())
            else:
                yield Call("POST", url, expect, data=self.form(**self.attack_values(view.datamodel.obj)), enterprise=self._owner_of(side))

    def door_view_delete(self, rule, res, who):
        view, level = self.views[f"{res}View"], self.level(who, res)
        need = self._write_level(res, "delete")
        for side, pk in self._sides(view):
            expect = expected(level, need, side, self.role)
            yield Call(
                "POST",
                f"/{view.route_base.strip('/')}/delete/{pk}",
                expect,
                data=self.form(),
                enterprise=self._owner_of(side),
                last=expect == "ok",
                target=(view.datamodel.obj, pk),
            )

    def door_view_action(self, rule, res, who):
        view, level = self.views[f"{res}View"], self.level(who, res)
        base = view.route_base.strip("/")
        if not view.actions:  # nothing to run: an unknown action name is not found, for anyone
            pk = pick(self.app, self.world, view, "in") or 1
            yield Call("POST", f"/{base}/action/revoke/{pk}", "missing", data=self.form())
            yield Call("GET", f"/{base}/action/revoke/{pk}", "refused")  # never a change on GET
            return
        for name in view.actions:
            need = self._write_level(res, name)
            for side, pk in self._sides(view):
                expect = expected(level, need, side, self.role)
                yield Call(
                    "POST",
                    f"/{base}/action/{name}/{pk}",
                    expect,
                    data=self.form(),
                    enterprise=self._owner_of(side),
                    last=expect == "ok",
                    target=(view.datamodel.obj, pk),
                )

    def door_view_action_post(self, rule, res, who):
        view, level = self.views[f"{res}View"], self.level(who, res)
        base = view.route_base.strip("/")
        if not view.actions:
            yield Call("POST", f"/{base}/action_post", "missing", data=self.form(action="revoke", rowid="1"))
            return
        for name in view.actions:
            need = self._write_level(res, name)
            for side, pk in self._sides(view):
                expect = expected(level, need, side, self.role)
                yield Call(
                    "POST",
                    f"/{base}/action_post",
                    expect,
                    data=self.form(action=name, rowid=str(pk)),
                    enterprise=self._owner_of(side),
                    last=expect == "ok",
                    target=(view.datamodel.obj, pk),
                )

    def _api(self, res: str) -> Any:
        return next(a for a in self.app.appbuilder.baseviews if type(a).__name__ == f"{res}Api")

    def door_api_list(self, rule, res, who):
        api = self._api(res)
        suffix = "_info" if rule.endpoint.endswith(".info") else "?q=(page_size:100)"
        yield Call("GET", f"/api/v1/{api.resource_name}/{suffix}", expected(self.level(who, res), "R", "in", self.role))

    def door_api_get(self, rule, res, who):
        api = self._api(res)
        for side, pk in self._sides(self.views[f"{res}View"]):
            yield Call("GET", f"/api/v1/{api.resource_name}/{pk}", expected(self.level(who, res), "R", side, self.role))

    def door_api_post(self, rule, res, who):
        api, level = self._api(res), self.level(who, res)
        expect = expected(level, self._write_level(res, "add"), "in", self.role)
        url = f"/api/v1/{api.resource_name}/"
        if expect == "ok" and self.role in ("city", "admin"):
            yield Call("POST", url, "ok", json={"__matrix__": 1})
            return
        attack = {k: v for k, v in self.attack_values(api.datamodel.obj, api=True).items() if k in api.add_columns}
        yield Call("POST", url, "refused" if expect == "ok" else expect, json=attack, enterprise=self.world.outside)

    def door_api_put(self, rule, res, who):
        api, level = self._api(res), self.level(who, res)
        for side, pk in self._sides(self.views[f"{res}View"]):
            expect = expected(level, self._write_level(res, "edit"), side, self.role)
            body = (
                {"__matrix__": 1}
                if expect == "ok"
                else {k: v for k, v in self.attack_values(api.datamodel.obj, api=True).items() if k in (api.edit_columns or [])}
            )
            yield Call("PUT", f"/api/v1/{api.resource_name}/{pk}", expect, json=body, enterprise=self._owner_of(side))

    def door_api_delete(self, rule, res, who):
        api, level = self._api(res), self.level(who, res)
        for side, pk in self._sides(self.views[f"{res}View"]):
            expect = expected(level, self._write_level(res, "delete"), side, self.role)
            if expect == "ok" and res in KEPT_WITH_ASSESSMENTS:
                expect = "refused"  # the world's enterprises and projects have assessments: they are kept
            yield Call(
                "DELETE",
                f"/api/v1/{api.resource_name}/{pk}",
                expect,
                enterprise=self._owner_of(side),
                last=expect == "ok",
                target=(api.datamodel.obj, pk),
            )

    def _records(self, kind: str) -> Iterator[tuple[str, int]]:
        model = self.app.extensions["kind_models"][kind].assessment
        view = self.views[f"{model.__name__}View"]
        yield from self._sides(view)

    def door_record_get(self, rule, res, who):
        for kind in self.kind_resources:
            for side, pk in self._records(kind):
                url = rule.rule.replace("<kind_code>", kind).replace("<int:pk>", str(pk))
                yield Call("GET", url, self.kind_expected(kind, side))

    def door_record_post(self, rule, res, who):
        for kind in self.kind_resources:
            for side, pk in self._records(kind):
                url = rule.rule.replace("<kind_code>", kind).replace("<int:pk>", str(pk)).replace("<int:veto_id>", "1")
                expect = self.kind_expected(kind, side)
                if (
                    rule.endpoint.startswith(("DossierView.", "DossierApi."))
                    and kind not in self.pack.dossier_kinds
                    and self.role != "anonymous"
                ):
                    expect = "missing"  # the kind shows no materials or personnel lists
                item = self.pack.kinds[kind].items[0].code if self.pack.kinds[kind].items else ""
                if expect == "ok" and rule.endpoint.startswith(("WorkflowApi.upload", "DossierApi.")) and not self._fills(pk):
                    expect = "refused"  # the API answers 403 to a role that may not change the record now
                if expect == "ok":  # a stale page: refused by the optimistic lock, nothing saved
                    yield Call("POST", url, "ok", data=self.form(lock_version="-1", code="none"))
                elif url.endswith("/evidence"):
                    yield Call(
                        "POST",
                        url,
                        expect,
                        enterprise=self._owner_of(side),
                        data=self.form(item_code=item, file=(io.BytesIO(PDF), "越权.pdf")),
                    )
                else:
                    version = self._version(kind, pk)
                    yield Call(
                        "POST",
                        url,
                        expect,
                        enterprise=self._owner_of(side),
                        data=self.form(lock_version=version, code="approve", opinion=ATTACK, **{f"decision_{item}": "pass"}),
                    )

    def _version(self, kind: str, pk: int) -> str:
        with self.app.app_context():
            return str(db.session.get(self.app.extensions["kind_models"][kind].assessment, pk).lock_version)

    def door_file_get(self, rule, res, who):
        for (kind, side), pk in self.world.attachments.items():
            yield Call("GET", f"/assessment/file/{pk}", self.kind_expected(kind, side))

    def door_dossier_file(self, rule, res, who):
        for (kind, side), (pk, content_hash) in self.world.dossier.items():
            yield Call("GET", f"/assessment/{kind}/{pk}/dossier/{content_hash}", self.kind_expected(kind, side))
            other = self.world.dossier[(kind, "out" if side == "in" else "in")][1]  # not a file of this record
            yield Call(
                "GET",
                f"/assessment/{kind}/{pk}/dossier/{other}",
                "missing" if self.kind_expected(kind, side) == "ok" else self.kind_expected(kind, side),
            )

    def _registration_rows(self) -> Any:
        with self.app.app_context():
            table = EnterpriseRegistration.__table__
            return (
                [tuple(r) for r in db.session.execute(select(table).order_by(table.c.id))],
                db.session.query(Enterprise).count(),
                db.session.query(AppUser).count(),
            )

    def door_registration_get(self, rule, res, who):
        for side, pk in self.world.registrations.items():
            yield Call("GET", f"/registration/{pk}", expected(self.level(who, res), "R", side, self.role))

    def door_registration_post(self, rule, res, who):
        for side, pk in self.world.registrations.items():
            url = rule.rule.replace("<int:pk>", str(pk))
            expect = expected(self.level(who, res), "W", side, self.role)
            if expect == "ok":  # not confirmed: refused with a message, nothing decided
                yield Call("POST", url, "ok", data=self.form())
            else:
                yield Call("POST", url, expect, data=self.form(confirm="1", reason=ATTACK), watch=self._registration_rows)

    def door_file_delete(self, rule, res, who):
        for (kind, side), pk in self.world.attachments.items():
            expect = self.kind_expected(kind, side)
            yield Call(
                "POST",
                f"/assessment/file/{pk}/delete",
                expect,
                data=self.form(),
                enterprise=self._owner_of(side),
                last=expect == "ok",
                target=(Attachment, pk),
            )

    def _fills(self, record_id: int) -> bool:
        """Whether the role fills the record and the record may still change (else the API answers 403)."""
        with self.app.app_context():
            record = db.session.get(self.app.extensions["assessment_layout"].base, record_id)
            kind = self.pack.kinds[record.kind]
            return matrix.PACK_ROLES.get(self.role) == kind.filled_by and editable(kind, record.state)

    def _record_of(self, attachment: int) -> int:
        with self.app.app_context():
            return db.session.get(Attachment, attachment).assessment_id

    def door_api_file_delete(self, rule, res, who):
        """DELETE over REST: a role that reaches the file but does not fill its record is refused (403)."""
        for (kind, side), pk in self.world.attachments.items():
            expect = self.kind_expected(kind, side)
            if expect == "ok" and not self._fills(self._record_of(pk)):
                expect = "refused"
            url = rule.rule.replace("<int:attachment_id>", str(pk))
            yield Call("DELETE", url, expect, enterprise=self._owner_of(side), last=expect == "ok", target=(Attachment, pk))

    def door_intake(self, rule, res, who):
        for kind in self.kind_resources:
            if self.pack.kinds[kind].subject != "project":
                continue
            filler = (
                self.role != "anonymous"
                and self.pack.kinds[kind].filled_by
                == {
                    "enterprise": "enterprise",
                    "supervisor": "supervisor",
                    "district": "district_authority",
                    "city": "city_station",
                    "admin": "admin",
                }[self.role]
            )
            for side, pk in self.world.projects.items():
                expect = expected("W" if filler else "-", "W", side, self.role)
                # other roles are sent back to the project list with the reason (no 提报 link shows for them)
                yield Call("GET", f"/intake/{kind}/{pk}", "bounce" if expect == "denied" and self.role != "anonymous" else expect)

    def door_public_get(self, rule, res, who):
        url = {"/lang/<string:locale>": "/lang/zh"}.get(rule.rule, rule.rule)
        if rule.endpoint == "LoginView.captcha_refresh":  # there is no captcha when it is switched off
            yield Call("GET", url, "ok" if self.app.config["LOGIN_CAPTCHA"] else "missing")
            return
        yield Call("GET", url, "ok", last=url == "/logout/")

    def door_verify(self, rule, res, who):
        # public by design: a printed form names its enterprise; the page shows what the paper shows
        for code in self.world.codes.values():
            yield Call("GET", f"/verify/{code}", "ok")
        yield Call("GET", "/verify/NOSUCHCODE", "missing")

    def door_token(self, rule, res, who):
        if rule.endpoint.endswith("login"):
            yield Call("POST", rule.rule, "login", json={"username": "admin", "password": "wrong", "provider": "db"})
        elif rule.endpoint.endswith("captcha"):
            yield Call("GET", rule.rule, "missing")  # the login captcha is off in the tests
        else:
            yield Call("POST", rule.rule, "login", json={})

    def _period_rows(self) -> Any:
        with self.app.app_context():
            from models import AssessmentPeriod, FinalGradeRecord

            periods = [tuple(r) for r in db.session.execute(select(AssessmentPeriod.__table__).order_by(AssessmentPeriod.id))]
            return periods, [tuple(r) for r in db.session.execute(select(FinalGradeRecord.__table__).order_by(FinalGradeRecord.id))]

    def door_periods(self, rule, res, who):
        """Pages answer the roles that run periods; every write of another role is refused and changes
        nothing, and the allowed roles' posts name a period that is no year (refused with a message)."""
        if rule.endpoint.endswith("index"):
            yield Call("GET", rule.rule, expected(self.level(who, res), "R", "in", self.role))
            return
        url = rule.rule.replace("<period>", "2026")
        if "GET" in rule.methods and rule.endpoint.endswith("recompute"):
            yield Call("GET", url, expected(self.level(who, res), "R", "in", self.role))
        expect = expected(self.level(who, res), "W", "in", self.role)
        target = url if expect != "ok" else rule.rule.replace("<period>", "abcd")
        yield Call("POST", target, expect, data=self.form(period="abcd", shown="x"), watch=self._period_rows)

    def _job_rows(self) -> Any:
        with self.app.app_context():
            return [tuple(r) for r in db.session.execute(select(Job.__table__).order_by(Job.id))]

    def door_job_get(self, rule, res, who):
        """The city station's finished job (its ZIP in the job store): its starter and the admin reach
        it; every other official is told it does not exist; the rest are refused."""
        expect = expected(self.level(who, res), "R", "in", self.role)
        if expect == "ok" and self.role not in ("city", "admin"):
            expect = "missing"
        yield Call("GET", rule.rule.replace("<int:job_id>", str(self.world.job)), expect)

    def door_job_start(self, rule, res, who):
        """A start the role may not make is refused and queues nothing; an allowed one names nothing
        to print or import (refused with a message on the page)."""
        expect = expected(self.level(who, res), "W", "in", self.role)
        yield Call("POST", rule.rule, expect, data=self.form(kind="nosuchkind", period="", district=""), watch=self._job_rows)

    def door_plain_get(self, rule, res, who):
        url = re.sub(r"<[^>]+>", "matrix.pdf", rule.rule)
        yield Call("GET", url, expected(self.level(who, res), "R", "in", self.role))

    def door_download(self, rule, res, who):
        yield Call("GET", re.sub(r"<[^>]+>", "matrix.pdf", rule.rule), "missing")

    def door_docs(self, rule, res, who):
        yield Call("GET", rule.rule.replace("<version>", "v1"), expected(self.level(who, res), "R", "in", self.role))

    def door_own_form(self, rule, res, who):
        method = "POST" if rule.endpoint.endswith("post") else "GET"
        yield Call(method, rule.rule, expected(self.level(who, res), "R", "in", self.role), data=self.form() if method == "POST" else None)

    def door_account(self, rule, res, who):
        level = self.level(who, res)
        with self.app.app_context():
            user_id = db.session.query(AppUser).filter_by(username=matrix.LOGINS["enterprise"]).one().id
            role_id = db.session.query(AppUser).filter_by(username=matrix.LOGINS["enterprise"]).one().roles[0].id
        pk = {"/roles/": role_id, "/groups/": 999_999}.get(rule.rule[: rule.rule.index("/", 1) + 1], user_id)
        url = rule.rule.replace("<pk>", str(pk)).replace("<string:name>", "none")
        url = url.replace("<string:filename>", "matrix.pdf")
        if "download" in rule.endpoint:
            yield Call("GET", url, "missing")
            return
        if "action" in rule.endpoint:
            yield Call("POST", url, "missing", data=self.form(action="none", rowid=str(user_id)))
            return
        expect = expected(level, "R", "in", self.role)
        if expect == "ok" and pk == 999_999 and "<pk>" in rule.rule:  # no group exists: not found
            expect = "missing"
        if expect == "ok" and rule.rule.startswith("/roles/") and not rule.endpoint.endswith(("list", "show")):
            expect = "refused"  # roles come from roles.yaml: listed, never edited on screen
        if "GET" in rule.methods and "delete" not in rule.endpoint:
            yield Call("GET", url, expect)
        if "POST" in rule.methods and expect != "ok":  # the admin's own account work is not a scope question
            yield Call("POST", url, expect, data=self.form(first_name=ATTACK, username=ATTACK))

    def door_push(self, rule, res, who):
        expect = expected(self.level(who, res), "W", "in", self.role)
        yield Call(
            "POST",
            rule.rule,
            expect,
            data=None,
            json=None
            if expect == "ok"
            else {"records": [{"permit_no": "MATRIX-1", "name": ATTACK, "enterprise_name": ATTACK, "credit_code": "x", "district": "x"}]},
        )

    def door_criteria_admin(self, rule, res, who):
        """GET every page and POST every write of the editor. A role without access is refused and
        changes nothing; the admin's POSTs lack their confirmation or content, so nothing changes
        either (tests/test_criteria_editor.py saves, restores and applies for real)."""
        expect = expected(self.level(who, res), "R", "in", self.role)
        with self.app.app_context():
            version = db.session.scalar(select(CriteriaVersion.id).order_by(CriteriaVersion.id.desc()).limit(1))
        url = url_of(rule, version, self.pack.code)
        if "GET" in rule.methods:
            yield Call("GET", url, expect)
        if "POST" in rule.methods:
            yield Call("POST", url, expect, data=self.form(note=ATTACK, path="general.yaml", name=ATTACK))

    # attack data: the other enterprise / district as foreign keys, changed names
    def attack_values(self, model: type, api: bool = False) -> dict[str, Any]:
        body = "91370202MA3MQ0001"  # 17 characters of a code no demo enterprise has
        permit = f"MATRIX{model.__name__}"
        values: dict[str, Any] = {
            "enterprise": self.world.outside,
            "project": self.world.projects["out"],
            "district": self.world.outside_district,
            "name": ATTACK,
            "period": "2031",
            "credit_code": body + check_character(body),
            "permit_no": permit,
            "self_score": "0",
            "first_name": ATTACK,
            "file_name": ATTACK,
        }
        if not api:
            values = {k: str(v) for k, v in values.items()}
        return values

    # running
    def _rows(self, enterprise: int) -> list[Any]:
        """The enterprise's rows, remembered until a permitted call may have changed them."""
        if enterprise not in self.cached:
            self.cached[enterprise] = fingerprint(self.app, enterprise)
        return self.cached[enterprise]

    def check(self, rule: Any, call: Call) -> None:
        if call.expect == "ok":
            self.cached.clear()
        before = self._rows(call.enterprise) if call.enterprise and call.expect != "ok" else None
        watched = call.watch() if call.watch and call.expect != "ok" else None
        kwargs: dict[str, Any] = {}
        if call.json is not None:
            kwargs["json"] = call.json
        elif call.data is not None:
            kwargs["data"] = call.data
            if any(isinstance(v, tuple) for v in call.data.values()):
                kwargs["content_type"] = "multipart/form-data"
        name = f"{rule.endpoint} {call.method} {call.url}"
        try:
            answer = self.client.open(call.url, method=call.method, **kwargs)
        except Exception as error:  # TESTING propagates what a server would answer with 500
            self.problems.append(f"{name}: server error {type(error).__name__}: {error}")
            return
        finally:
            self.cached.pop(call.enterprise, None)
        got = outcome(answer)
        if call.expect == "bounce":
            got = "bounce" if answer.headers.get("Location", "").endswith("/projectview/list/") else got
        want = {call.expect}
        if call.expect == "denied":  # anonymous: the login page, or 403 where nobody may write
            want = {"refused"} if self.role != "anonymous" else {"login", "refused"}
        if got not in want:
            self.problems.append(f"{name}: expected {call.expect}, got {answer.status_code} {answer.headers.get('Location', '')}".rstrip())
        if self.role not in ("city", "admin") and not rule.endpoint.startswith("VerifyView"):
            text = readable(answer)
            leaked = [m for m in self.world.markers if m in text]
            if leaked:
                self.problems.append(f"{name}: shows the out-of-scope {leaked}")
        if before is not None and self._rows(call.enterprise) != before:
            self.problems.append(f"{name}: changed rows of enterprise {call.enterprise}")
        if watched is not None and call.watch() != watched:
            self.problems.append(f"{name}: changed rows it may not change")

    def _exists(self, model: type, pk: int) -> bool:
        with self.app.app_context():
            return db.session.get(model, pk) is not None

    def run(self, rules: list[tuple[Any, str, str | None, str]]) -> list[str]:
        later = []
        for rule, door, res, who in rules:
            for call in self.doors(door, rule, res, who):
                if call.last:
                    later.append((rule, call))
                else:
                    self.check(rule, call)

        def order(rc: tuple[Any, Call]) -> tuple[bool, bool, bool]:
            parent = rc[1].target is not None and rc[1].target[0] in (Enterprise, Project)
            return rc[1].url == "/logout/", parent, "/api/" in rc[1].url

        for rule, call in sorted(later, key=order):
            if call.target and not self._exists(*call.target):
                call.expect = "missing"  # an earlier door already deleted it (and was checked)
            self.check(rule, call)
        return self.problems


def entry_of(endpoint: str, resources: dict[str, tuple[str, str]]) -> tuple[str, str | None, str] | None:
    """(door, resource, who) of the first matrix entry that covers the endpoint."""
    for pattern, door, who in matrix.ENTRIES:
        found = re.match(pattern, endpoint)
        if not found:
            continue
        res = found.groupdict().get("res")
        if who == "{res}" and res not in resources:
            continue
        return door, res, who
    return None


def rules_of(app: Flask) -> list[tuple[Any, str, str | None, str]]:
    found = []
    resources = matrix.resources(app.extensions["criteria_pack"])
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in matrix.EXCLUDED:
            continue
        entry = entry_of(rule.endpoint, resources)
        if entry is not None:
            found.append((rule, *entry))
    return found


def test_every_rule_has_a_scope_decision(app):
    resources = matrix.resources(app.extensions["criteria_pack"])
    missing = [
        f"{rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in matrix.EXCLUDED and entry_of(rule.endpoint, resources) is None
    ]
    assert not missing, "rules without an entry in tests/scope_matrix.py:\n" + "\n".join(missing)
    unused = [name for name in resources if not any(re.match(rf"^{name}(View|Api)\.", r.endpoint) for r in app.url_map.iter_rules())]
    assert not unused, f"matrix lines for resources the app does not have: {unused}"


def test_an_unknown_rule_is_named(app):
    """The completeness check fails on a route nobody decided about, naming it."""
    app.add_url_rule("/matrix-probe/<int:pk>", "MatrixProbe.show", lambda pk: str(pk))
    with pytest.raises(AssertionError, match=r"/matrix-probe/<int:pk> \(MatrixProbe\.show\)"):
        test_every_rule_has_a_scope_decision(app)


@pytest.mark.parametrize("role", matrix.ROLES)
def test_scope_matrix(backend, app, client, role):
    if backend.name == "postgresql":
        pytest.skip(
            "the walk (about 4,000 requests) runs on SQLite only to keep the suite's time: the scope is "
            "one SQL clause per model, and tests/test_scope_*.py check it on PostgreSQL too"
        )
    world = build_world(app)
    if role != "anonymous":
        login(client, matrix.LOGINS[role])
    problems = Walk(app, client, role, world).run(rules_of(app))
    assert not problems, f"{len(problems)} deviations from the scope matrix for {role}:\n" + "\n".join(problems)
