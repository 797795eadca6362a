"""考核评价: the four final-grade lists with the reasons behind each grade, and the adjustments."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import Select2Widget
from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from criteria.pack import Pack
from grading import recompute_enterprise
from models import Enterprise, FinalGradeRecord, GradeAdjustment, db
from models.aggregate import AssessmentRecord
from models.criteria_versions import active_pack, active_version
from models.periods import frozen
from models.record_scores import final_states
from reports.values import total_text
from scoring import adjust
from views.checks import year_problem
from views.factory import Resource
from views.filters import ASSESSMENT_FILTERS
from views.list_rows import address_of
from views.scope import current_scope, scope_clause
from views.scoped_data import Refused, ScopedInterface

CATEGORY = "考核评价"
GRADE_LABELS = {
    "enterprise": "施工企业",
    "project": "工程项目",
    "is_local": "本地企业",
    "period": "考核年度",
    "score": "得分",
    "computed_label": "计算等次",
    "label": "评定等次",
    "forced": "否决/直接判定",
    "reasons": "评定依据",
    "computed_on": "计算时间",
    "grade_name": "等次类别",
    "id": "动态调整",
    "sources": "来源考核（点击查看）",
    "version_shown": "考核标准版本",
}


def _reasons(lines: Any) -> Markup:
    items = "".join(f"<li>{escape(line)}</li>" for line in (lines or []))
    return Markup(f"<ol class='small'>{items}</ol>")


def _adjust_button(grade_id: int) -> Markup:
    """A grade row's 动态调整 button (for the roles that record adjustments): the adjustment form,
    filled in with the row's enterprise, project, period and grade. The permission and the address
    are found once per request."""
    address = g.get("_adjust_address")
    if address is None:
        allowed = current_app.appbuilder.sm.has_access("can_add", "GradeAdjustmentView")
        address = g._adjust_address = (allowed and address_of("GradeAdjustmentView.add", key="grade")) or False
    return Markup('<a class="btn btn-xs btn-warning" href="{}">动态调整</a>').format(address(grade_id)) if address else Markup("")


def _kinds_read(pack: Pack, code: str) -> frozenset[str]:
    """The kinds a final grade is built from: its parts, the kinds of its caps, its daily points."""
    if not any(spec.code == code for spec in pack.final_grades):
        return frozenset()
    spec = pack.final_grade(code)
    daily = spec.add_daily_net or (spec.composite is not None and spec.composite.add_daily_net)
    return pack.grade_kinds(code) | ({pack.catalogue_kind.code} if daily and pack.catalogue_kind else set())


def assessments_of(grade: Any) -> Markup:
    """The assessments a grade was computed from, each linked to its 办理 page: the approved (or, for
    a rated kind, rated) records of the kinds it reads, of the grade's enterprise (and project, for
    a project grade) in its period."""
    query = db.session.query(AssessmentRecord).filter(
        AssessmentRecord.enterprise_id == grade.enterprise_id, AssessmentRecord.period == grade.period
    )
    within = scope_clause(AssessmentRecord, current_scope())
    if within is not None:
        query = query.filter(within)
    if grade.project_id is not None:
        query = query.filter(AssessmentRecord.project_id == grade.project_id)
    pack = active_pack()
    read = _kinds_read(pack, grade.grade_code)
    lines = []
    for record in query.order_by(AssessmentRecord.kind, AssessmentRecord.id):
        kind = pack.kinds.get(record.kind)
        if kind is None or kind.code not in read:
            continue
        if not (record.rating if kind.rated else record.state in final_states(kind)):
            continue
        url = url_for("AssessmentWorkflowView.page", kind_code=kind.code, pk=record.id)
        result = " ".join(str(part) for part in (total_text(record.total), record.grade) if part not in (None, ""))
        subject = f"（{record.project}）" if record.project_id else ""
        lines.append(Markup('<li><a href="{}">{}{}</a> {}</li>').format(url, kind.name, subject, result))
    return Markup("<ul class='small'>{}</ul>").format(Markup("").join(lines)) if lines else Markup("（无已完成的考核）")


def grade_resources(pack: Pack) -> list[Resource]:
    FinalGradeRecord.sources = property(assessments_of)
    found = []
    for spec in pack.final_grades:
        project = spec.subject == "project"
        subject = ["enterprise", "project"] if project else ["enterprise"]
        found.append(
            Resource(
                name=f"FinalGrade{spec.code.title().replace('_', '')}",
                model=FinalGradeRecord,
                title=f"{spec.name}评价",
                category=CATEGORY,
                access=("records",),
                api=False,
                labels={**GRADE_LABELS, "district": f"所在{pack.term('district')}"},
                list_columns=[*subject, "district", "is_local", "period", "score", "label", "version_shown", "id"],
                list_reads=("criteria_version",),
                show_columns=[
                    *subject,
                    "district",
                    "is_local",
                    "period",
                    "score",
                    "computed_label",
                    "label",
                    "forced",
                    "reasons",
                    "sources",
                    "version_shown",
                    "computed_on",
                ],
                search_columns=["enterprise", "district", "is_local", "period", "label"],
                search_filters=ASSESSMENT_FILTERS,
                formatters={"reasons": _reasons, "id": _adjust_button, "sources": lambda links: links},
                action_columns=("id",),
                order_columns=["is_local", "period", "score", "label"],
                base_order=("score", "desc"),
                fixed_filters=(("grade_code", spec.code),),
                local_tabs=True,
            )
        )
    return found


class AdjustmentHooks:
    """Checks the adjustment rules before saving, and recomputes the grades it changes after."""

    def _pack(self) -> Pack:
        return active_pack()  # final grades of a period follow the criteria in force

    def _recompute(self, item: Any) -> None:
        enterprise = db.session.get(Enterprise, item.enterprise_id)
        version = active_version()
        recompute_enterprise(db.session, version.pack, current_app.extensions["kind_models"], enterprise, item.period, version.id)
        db.session.commit()

    def pre_add(self, item: Any) -> None:
        if frozen(db.session, item.period or ""):
            raise Refused(f"{item.period} 年度已关闭，最终等次已冻结，不能再做动态调整")
        item.enterprise_id = item.enterprise.id if item.enterprise else item.enterprise_id
        project_id = item.project.id if item.project else None
        active = (
            db.session.query(GradeAdjustment)
            .filter_by(enterprise_id=item.enterprise_id, project_id=project_id, period=item.period, final_grade=item.final_grade)
            .filter(GradeAdjustment.revoked_on.is_(None))
            .all()
        )
        row = (
            db.session.query(FinalGradeRecord)
            .filter_by(enterprise_id=item.enterprise_id, project_id=project_id, period=item.period, grade_code=item.final_grade)
            .one_or_none()
        )
        if row is None:
            raise Refused("该对象在该年度还没有计算出的等次，不能调整")
        try:
            adjust.check_new(
                self._pack().adjustments,
                item.direction,
                item.reason_code,
                [adjust.Adjustment(a.direction, a.reason_code) for a in active],
                row.forced,
                (row.grade_code, row.grade_name),
            )
        except adjust.AdjustmentRefused as refused:
            raise Refused(str(refused)) from None

    def post_add(self, item: Any) -> None:
        self._recompute(item)

    def _get_add_widget(self, form: Any, exclude_cols: Any = None, widgets: Any = None) -> Any:
        """Opened from a grade row's 动态调整 button (``?grade=<id>``): the form names that grade
        (a grade outside the user's scope is not found, and the form stays empty)."""
        grade_id = request.args.get("grade", type=int)
        grade = ScopedInterface(FinalGradeRecord).get(grade_id) if request.method == "GET" and grade_id else None
        if grade is not None:
            form.enterprise.data, form.project.data = grade.enterprise, grade.project
            form.period.data, form.final_grade.data = grade.period, grade.grade_code
            usable = reasons_for(self._pack().adjustments, grade.grade_code)
            form.reason_code.choices = [choice for choice in form.reason_code.choices if choice.value in usable]
        return super()._get_add_widget(form=form, exclude_cols=exclude_cols, widgets=widgets)

    def pre_update(self, item: Any) -> None:
        raise Refused("调整记录不能修改；如有错误请撤销后重新录入")

    def pre_delete(self, item: Any) -> None:
        raise Refused("调整记录不能删除；请使用“撤销调整”，撤销本身也会留下记录")

    @action("revoke", "撤销调整", "确定撤销所选调整吗？撤销会留下记录并重新计算等次。", "fa-undo", multiple=False)
    def revoke(self, items: Any) -> Any:
        import datetime

        items = items if isinstance(items, list) else [items]
        for item in items:
            if frozen(db.session, item.period or ""):
                flash(f"{item.period} 年度已关闭，最终等次已冻结，不能撤销调整", "danger")
                return redirect(self.get_redirect())
            if item.revoked_on is None:
                item.revoked_on = datetime.datetime.now()
                item.revoked_by_fk = g.user.id
                db.session.flush()
                self._recompute(item)
        flash("已撤销调整并重新计算等次", "success")
        return redirect(self.get_redirect())


def reasons_for(adjustments: dict[str, Any], grade_code: str) -> set[str]:
    """The reason codes that may be recorded on ``grade_code`` (a reason without ``grades`` on any)."""
    return {
        reason["code"]
        for key in ("promote", "direct_fail")
        for reason in adjustments[key]["reasons"]
        if not reason["grades"] or grade_code in reason["grades"]
    }


def adjustment_resource(pack: Pack) -> Resource:
    adjustments = pack.adjustments
    finals = {f.code: f.name for f in pack.final_grades}
    directions = {key: adjustments[key]["label"] for key in ("promote", "direct_fail")}
    reasons = {r["code"]: f"{adjustments[key]['label']}：{r['label']}" for key in directions for r in adjustments[key]["reasons"]}

    def select(label: str, options: dict[str, str]) -> SelectField:
        return SelectField(label, choices=[SelectChoice(c, t) for c, t in options.items()], widget=Select2Widget())

    return Resource(
        name="GradeAdjustment",
        model=GradeAdjustment,
        title="动态调整",
        category=CATEGORY,
        access=("adjustments",),
        api_resource="grade_adjustment",
        labels={
            "enterprise": "施工企业",
            "project": "工程项目（项目等次时选择）",
            "period": "考核年度",
            "final_grade": "等次类别",
            "direction": "调整方式",
            "reason_code": "调整原因",
            "note": "情况说明",
            "created_on": "录入时间",
            "revoked_on": "撤销时间",
            "revoke_note": "撤销说明",
        },
        list_columns=["created_on", "enterprise", "project", "period", "final_grade", "direction", "reason_code", "revoked_on"],
        show_columns=[
            "created_on",
            "enterprise",
            "project",
            "period",
            "final_grade",
            "direction",
            "reason_code",
            "note",
            "revoked_on",
            "revoke_note",
        ],
        add_columns=["enterprise", "project", "period", "final_grade", "direction", "reason_code", "note"],
        search_columns=["enterprise", "period", "final_grade", "direction"],
        checks={"period": [year_problem]},
        formatters={
            "final_grade": lambda c: finals.get(c, c),
            "direction": lambda c: directions.get(c, c),
            "reason_code": lambda c: reasons.get(c, c),
        },
        form_fields={
            "final_grade": select("等次类别", finals),
            "direction": select("调整方式", directions),
            "reason_code": select("调整原因", reasons),
        },
        base_order=("created_on", "desc"),
        mixin=AdjustmentHooks,
        deletable=False,  # revoked, never deleted: no delete button, and the API answers 403
        extra_permissions=("revoke",),
    )
