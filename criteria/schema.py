"""Marshmallow schemas for each file of a criteria pack (the shape of one file at a time).

Rules that span several entries or files (sums, references, band coverage) are in ``checks.py``.
"""

from __future__ import annotations

from marshmallow import ValidationError, validates_schema

from criteria.fields import (
    Code,
    FileName,
    Flag,
    Integer,
    Items,
    Nested,
    Number,
    OneOfSchemas,
    Strict,
    Text,
    at_least,
    between,
    greater_than,
    not_empty_list,
    one_of,
)
from criteria.methods import method_schemas
from criteria.rules import NEUTRAL_TERMS
from criteria.schema_print import KindPrintSchema, PrintSchema
from criteria.schema_workflow import RectificationSchema, WorkflowSchema

FIELD_TYPES = ("string", "text", "integer", "decimal", "date", "boolean", "phone", "choice", "project")
# How an administrator reads a header field's type (structural steps, the version diff).
FIELD_TYPE_LABELS = {
    "string": "文本",
    "text": "长文本",
    "integer": "整数",
    "decimal": "小数",
    "date": "日期",
    "boolean": "是/否",
    "phone": "电话号码",
    "choice": "选项",
    "project": "工程项目",
}
SCOPES = ("all", "district", "enterprise")
SUBJECTS = ("enterprise", "project")


class Versioned(Strict):
    version = Text(required=True)


# ---- pack.yaml ----------------------------------------------------------------------------------


class TermsSchema(Strict):
    district = Text(required=True)
    supervisor = Text(required=True)
    non_local = Text(required=True)


class PackSchema(Versioned):
    code = Code(required=True)
    extends = Code()  # the pack this one was started from (a folder takes the files it lacks from it)
    name = Text(required=True)
    region = Text(required=True)
    districts = FileName(required=True)
    roles = FileName(required=True)
    grading = FileName(required=True)
    kinds = Items(FileName(), required=True, validate=not_empty_list())
    terms = Nested(TermsSchema, load_default=lambda: dict(NEUTRAL_TERMS))
    printing = Nested(PrintSchema, data_key="print")  # how printed forms identify themselves


# ---- districts.yaml, roles.yaml -----------------------------------------------------------------


class DistrictSchema(Strict):
    code = Code(required=True)
    name = Text(required=True)
    division_code = Text()
    city_reviewed = Flag(load_default=False)


class DistrictsSchema(Versioned):
    districts = Items(Nested(DistrictSchema), required=True, validate=not_empty_list())


class RoleSchema(Strict):
    code = Code(required=True)
    label = Text(required=True)
    scope = Text(required=True, validate=one_of(*SCOPES))
    admin = Flag(load_default=False)
    registry = Text(load_default="none", validate=one_of("none", "read", "write"))
    adjusts_grades = Flag(load_default=False)  # records dynamic adjustments of final grades
    self_registration = Flag(load_default=False)  # the role an enterprise's self-registered account gets
    approves_registrations = Flag(load_default=False)  # approves self-registrations of its district(s)
    reads_id_numbers = Flag(load_default=False)  # sees whole 身份证号 (others see them masked)


class RolesSchema(Versioned):
    roles = Items(Nested(RoleSchema), required=True, validate=not_empty_list())


# ---- grading.yaml -------------------------------------------------------------------------------


class RoundingSchema(Strict):
    places = Integer(required=True, validate=between(0, 6))
    mode = Text(required=True, validate=one_of("half_up", "half_even", "down", "up"))
    compare_on = Text(required=True, validate=one_of("rounded", "raw"))


class BandSchema(Strict):
    code = Code(required=True)
    label = Text(required=True)
    colour = Text()
    min = Number(required=True)
    max = Number(required=True)

    @validates_schema
    def _ordered(self, data: dict, **kwargs: object) -> None:
        if "min" in data and "max" in data and data["min"] >= data["max"]:
            raise ValidationError("must be greater than min", field_name="max")


class ScaleSchema(Strict):
    code = Code(required=True)
    name = Text(required=True)
    min = Number(required=True)
    max = Number(required=True)
    bands = Items(Nested(BandSchema), required=True, validate=not_empty_list())


class ClampSchema(Strict):
    min = Number(required=True)
    max = Number(required=True)


class SourceSchema(Strict):
    kind = Code(required=True)
    pick = Text(load_default="latest", validate=one_of("latest", "mean"))


class PartSchema(Strict):
    final_grade = Code()
    kind = Code()
    weight = Number(required=True, validate=greater_than(0))
    aggregate = Text(validate=one_of("mean"))
    required = Flag(load_default=False)

    @validates_schema
    def _one_part(self, data: dict, **kwargs: object) -> None:
        if ("final_grade" in data) == ("kind" in data):
            raise ValidationError("exactly one of final_grade and kind is required", field_name="final_grade")
        if "kind" in data and "aggregate" in data:
            raise ValidationError("only a final_grade part is aggregated", field_name="aggregate")


class CompositeSchema(Strict):
    parts = Items(Nested(PartSchema), required=True, validate=not_empty_list())
    weights_total = Number(required=True, validate=greater_than(0))
    when_part_missing = Text(load_default="reweight", validate=one_of("reweight", "zero"))
    add_daily_net = Flag(load_default=False)
    clamp = Nested(ClampSchema)


class VetoSourceSchema(Strict):
    kind_vetoes = Flag(load_default=False)
    catalogue = Items(Code(), load_default=list)


class CapSchema(Strict):
    condition = Text(required=True, validate=one_of("grade_in_band", "projects_in_band_at_least"))
    final_grade = Code()
    kind = Code()
    band = Code(required=True)
    count = Integer(validate=at_least(1))
    at_most = Code(required=True)

    @validates_schema
    def _count(self, data: dict, **kwargs: object) -> None:
        if data.get("condition") == "projects_in_band_at_least" and "count" not in data:
            raise ValidationError("is required for projects_in_band_at_least", field_name="count")
        if ("final_grade" in data) == ("kind" in data):
            raise ValidationError("exactly one of final_grade and kind is required", field_name="final_grade")
        if "kind" in data and data.get("condition") != "projects_in_band_at_least":
            raise ValidationError("a kind is only counted by projects_in_band_at_least", field_name="kind")


class FinalGradeSchema(Strict):
    code = Code(required=True)
    name = Text(required=True)
    scale = Code(required=True)
    subject = Text(load_default="enterprise", validate=one_of(*SUBJECTS))
    source = Nested(SourceSchema)
    composite = Nested(CompositeSchema)
    add_daily_net = Flag(load_default=False)
    clamp = Nested(ClampSchema)
    zero_subtable_band = Code()
    vetoes = Nested(VetoSourceSchema, load_default=dict)
    veto_band = Code()
    caps = Items(Nested(CapSchema), load_default=list)
    rated_by = Code()

    @validates_schema
    def _one_source(self, data: dict, **kwargs: object) -> None:
        if ("source" in data) == ("composite" in data):
            raise ValidationError("exactly one of source and composite is required", field_name="source")
        if "rated_by" in data and "source" not in data:
            raise ValidationError("a grade rated by the reviewer needs the source that suggests it", field_name="rated_by")


class ReasonSchema(Strict):
    code = Code(required=True)
    label = Text(required=True)
    grades = Items(Code(), load_default=list)  # the final grades it may be recorded on (none listed: every one)


class PromoteSchema(Strict):
    label = Text(required=True)
    once_per_period = Flag(load_default=True)
    blocked_by_veto = Flag(load_default=True)
    reasons = Items(Nested(ReasonSchema), required=True, validate=not_empty_list())


class DirectFailSchema(Strict):
    label = Text(required=True)
    reasons = Items(Nested(ReasonSchema), required=True, validate=not_empty_list())


class AdjustmentsSchema(Strict):
    promote = Nested(PromoteSchema, required=True)
    direct_fail = Nested(DirectFailSchema, required=True)


class GradingSchema(Versioned):
    rounding = Nested(RoundingSchema, required=True)
    scales = Items(Nested(ScaleSchema), required=True, validate=not_empty_list())
    final_grades = Items(Nested(FinalGradeSchema), required=True, validate=not_empty_list())
    adjustments = Nested(AdjustmentsSchema, required=True)


# ---- kind files ---------------------------------------------------------------------------------


class ChoiceSchema(Strict):
    code = Code(required=True)
    label = Text(required=True)


class HeaderFieldSchema(Strict):
    code = Code(required=True)
    label = Text(required=True)
    type = Text(required=True, validate=one_of(*FIELD_TYPES))
    required = Flag(load_default=False)
    max_length = Integer(validate=between(1, 4000))
    choices = Items(Nested(ChoiceSchema), validate=not_empty_list())
    choices_from = Text(validate=one_of("catalogue", "districts"))
    help = Text()

    @validates_schema
    def _type_options(self, data: dict, **kwargs: object) -> None:
        kind = data.get("type")
        if "max_length" in data and kind != "string":
            raise ValidationError("only a string field takes max_length", field_name="max_length")
        has_choices = "choices" in data or "choices_from" in data
        if kind == "choice" and ("choices" in data) == ("choices_from" in data):
            raise ValidationError("a choice field needs exactly one of choices and choices_from", field_name="choices")
        if kind != "choice" and has_choices:
            raise ValidationError("only a choice field takes choices", field_name="choices")


class ItemSchema(Strict):
    code = Code(required=True)
    name = Text(required=True)
    max = Number(required=True, validate=greater_than(0))
    standard = Text(required=True)
    evidence = Items(Text(), load_default=list)
    subtables = Items(Code(), validate=not_empty_list())
    combine = Text(validate=one_of("mean"))


class RecordEvidenceSchema(Strict):
    """A file about the whole assessment (for example the signed, scanned form)."""

    code = Code(required=True)
    name = Text(required=True)
    required = Flag(load_default=False)  # submitting needs at least one such file


class VetoSchema(Strict):
    code = Code(required=True)
    name = Text(required=True)
    grade = Code(required=True)
    expires_field = Code()


class LineSchema(Strict):
    name = Text(required=True)
    max = Number(required=True, validate=greater_than(0))
    guaranteed = Flag(load_default=False)
    standard = Text()  # 扣分标准, printed on the blank sheet


class SubtableSchema(Strict):
    code = Code(required=True)
    name = Text(required=True)
    lines = Items(Nested(LineSchema), load_default=list)


class RepeatVetoSchema(Strict):
    times = Integer(required=True, validate=at_least(2))
    within_months = Integer(required=True, validate=at_least(1))
    grade = Code(required=True)
    name = Text(required=True)


class EntrySchema(Strict):
    code = Code(required=True)
    kind = Text(required=True, validate=one_of("bonus", "deduction", "veto"))
    name = Text(required=True)
    description = Text()
    points = Number()
    applies_to = Items(Text(validate=one_of(*SUBJECTS)), required=True, validate=not_empty_list())
    group = Code()
    grade = Code()
    repeat_veto = Nested(RepeatVetoSchema)

    @validates_schema
    def _points(self, data: dict, **kwargs: object) -> None:
        kind, points = data.get("kind"), data.get("points")
        if kind == "veto" and "repeat_veto" in data:
            raise ValidationError("a veto entry is a veto already", field_name="repeat_veto")
        if kind == "veto":
            if points is not None:
                raise ValidationError("a veto carries no points", field_name="points")
            if "grade" not in data:
                raise ValidationError("is required for a veto", field_name="grade")
        elif points is None:
            raise ValidationError("is required", field_name="points")
        elif kind == "bonus" and points <= 0:
            raise ValidationError("a bonus must be greater than 0", field_name="points")
        elif kind == "deduction" and points >= 0:
            raise ValidationError("a deduction must be less than 0", field_name="points")


class MaterialSchema(Strict):
    """One PDF of the materials checklist, kept per enterprise and period."""

    code = Code(required=True)
    name = Text(required=True)
    required = Flag(load_default=True)  # submitting needs at least one file
    rectification = Flag(load_default=False)  # 整改材料: only once a rectification round is opened
    help = Text()


class PersonnelListSchema(Strict):
    """One personnel list (企业主要负责人, ...): people of the enterprise with their certificate."""

    code = Code(required=True)
    name = Text(required=True)
    certificate = Text(required=True)  # the certificate the people of this list hold
    position_label = Text(required=True)  # what the free-text position column is called (职务, 工种, ...)
    min_count = Integer(load_default=0, validate=at_least(0))  # submitting needs this many people


class KindSchema(Versioned):
    code = Code(required=True)
    name = Text(required=True)
    short_name = Text(required=True)
    subject = Text(required=True, validate=one_of(*SUBJECTS))
    filled_by = Code(required=True)
    reviewed_by = Items(Code(), required=True, validate=not_empty_list())
    basis = Items(Text(), load_default=list)
    grade_scale = Code()
    total = Number(validate=greater_than(0))
    header_fields = Items(Nested(HeaderFieldSchema), load_default=list)
    items = Items(Nested(ItemSchema), load_default=list)
    record_evidence = Items(Nested(RecordEvidenceSchema), load_default=list)
    vetoes = Items(Nested(VetoSchema), load_default=list)
    scoring = OneOfSchemas("method", method_schemas, required=True)  # each method's block: scoring/methods
    subtables = Items(Nested(SubtableSchema), load_default=list)
    catalogue = Items(Nested(EntrySchema), load_default=list)
    materials = Items(Nested(MaterialSchema), load_default=list)
    personnel = Items(Nested(PersonnelListSchema), load_default=list)
    dossier_from = Code()  # show and share the materials and personnel lists another kind declares
    rectification = Nested(RectificationSchema)
    one_per_period = Flag(load_default=False)  # one record per subject and period
    workflow = Nested(WorkflowSchema, required=True)
    printing = Nested(KindPrintSchema, data_key="print")  # the printed form's layout (criteria.print_layout)
