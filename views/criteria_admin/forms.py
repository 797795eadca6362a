"""常用修改: forms for the edits an administrator makes most (a kind's items: name, maximum score,
evaluation standard, evidence to hand in; the grade bands; the weights of composite final grades). Each writes the YAML
underneath value by value (``criteria.yaml_edit``: comments and layout kept) and saves it like the
file editor does (``services.guide_revision``), so it is validated whole and recorded as a version."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, current_app, flash, redirect, request
from flask_admin import BaseView, expose
from flask_login import current_user

from criteria.yaml_edit import EditShapeError, set_values
from criteria.yaml_source import parse_yaml
from models import db
from models.criteria_edits import EditRefused
from models.criteria_versions import latest
from services.guide_revision import save_files
from views.criteria_admin.access import AdminOnly
from views.criteria_admin.files import flash_saved

GRADING = "grading.yaml"
Table = tuple[list[dict[str, Any]], dict[str, str]]  # rows of a form, and its fields (field -> "text" | "number" | "lines")


def _number(text: str) -> int | Decimal:
    value = Decimal(text.strip())
    return int(value) if value == value.to_integral_value() else value


def _item_rows(data: dict) -> list[dict[str, Any]]:
    """The path and values of every item of a kind file."""
    return [
        {"path": f"items[{i}]", **{key: item.get(key) for key in ("code", "name", "max", "standard", "evidence")}}
        for i, item in enumerate(data.get("items") or [])
    ]


def _grading_rows(data: dict, kind_names: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The bands of every scale and the parts of every composite final grade (another grade, or a
    kind's total: ``kind_names``), with their paths."""
    bands = [
        {"path": f"scales[{s}].bands[{b}]", "scale": scale.get("name"), **{key: band.get(key) for key in ("label", "min", "max")}}
        for s, scale in enumerate(data.get("scales") or [])
        for b, band in enumerate(scale.get("bands") or [])
    ]
    names = {grade.get("code"): grade.get("name") for grade in data.get("final_grades") or []}
    weights = [
        {
            "path": f"final_grades[{g}].composite.parts[{p}]",
            "grade": grade.get("name"),
            "part": kind_names.get(part["kind"], part["kind"])
            if "kind" in part
            else names.get(part.get("final_grade"), part.get("final_grade")),
            "weight": part.get("weight"),
        }
        for g, grade in enumerate(data.get("final_grades") or [])
        for p, part in enumerate((grade.get("composite") or {}).get("parts") or [])
    ]
    return bands, weights


class CommonEditsView(AdminOnly, BaseView):
    def _newest(self) -> Any:
        found = latest(db.session, current_app.extensions["criteria_pack"].code)
        if found is None:
            abort(404)
        return found

    def _kind_files(self, version: Any) -> dict[str, str]:
        """File name -> kind name, for the kinds of the newest version that have items."""
        pack = current_app.extensions["criteria_versions"].pack(db.session, version.id)
        return {kind.file: kind.name for kind in pack.kinds.values() if kind.items}

    @expose("/")
    def index(self) -> Any:
        version = self._newest()
        return self.render("criteria_admin/forms.html", version=version, kind_files=self._kind_files(version))

    def _save(self, version: Any, name: str, changes: dict[str, Any]) -> tuple[Any, list[str]]:
        """Save ``changes`` (path -> value) to ``name``; (the response, problems to show)."""
        note = request.form.get("note", "")
        if not changes:
            flash("没有需要保存的修改。", "info")
            return None, []
        try:
            text = set_values(version.files[name], changes)
            saved = save_files({name: text}, note, current_user.id, int(request.form.get("base_number") or version.number))
        except EditShapeError as problem:
            flash(f"未保存：{problem}", "error")
            return None, []
        except EditRefused as refused:
            flash(refused.summary, "error")
            return None, refused.problems
        flash_saved(saved, f"已保存 {len(changes)} 处修改到 {name}，记录为考核标准第 {saved.version.number} 版。")
        return redirect(self.get_url(".index")), []

    def _read(self, rows: list[dict[str, Any]], fields: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """The posted values that differ from ``rows`` (path.field -> value) and the fields typed wrong.
        ``fields``: field -> "number", "text" or "lines" (a list, one entry per line)."""
        changes, errors = {}, {}
        for row in rows:
            for field, kind in fields.items():
                name = f"{row['path']}.{field}"
                posted = request.form.get(name)
                if posted is None:
                    continue
                if kind == "lines":
                    entries = [line.strip() for line in posted.splitlines() if line.strip()]
                    if entries != list(row[field] or []):
                        changes[name] = entries
                    continue
                if kind == "number":
                    try:
                        value: Any = _number(posted)
                    except (InvalidOperation, ValueError):
                        errors[name] = "应为数字"
                        continue
                    if row[field] is not None and Decimal(str(row[field])) == value:
                        continue
                else:
                    value = posted.strip()
                    if not value:
                        errors[name] = "不能为空"
                        continue
                    if value == str(row[field] or "").strip():
                        continue
                changes[name] = value
        return changes, errors

    def _form(self, version: Any, name: str, tables: list[Table], template: str, **shown: Any) -> Any:
        """GET: the form; POST: the changed values of ``tables`` ((rows, fields) each) saved to
        ``name``, or the form again with what was typed and what is wrong."""
        problems: list[str] = []
        errors: dict[str, str] = {}
        if request.method == "POST":
            changes: dict[str, Any] = {}
            for rows, fields in tables:
                found, wrong = self._read(rows, fields)
                changes.update(found)
                errors.update(wrong)
            if errors:
                flash("未保存：有填写不正确的项目，见标红处。", "error")
            else:
                answer, problems = self._save(version, name, changes)
                if answer is not None:
                    return answer
        return self.render(template, version=version, posted=request.form, errors=errors, problems=problems, **shown)

    @expose("/items", methods=("GET", "POST"))
    def items(self) -> Any:
        version = self._newest()
        name = request.args.get("path", "")
        kinds = self._kind_files(version)
        if name not in kinds:
            abort(404)
        source, _ = parse_yaml(version.files[name], name)
        rows = _item_rows(source.data if source else {})
        fields = {"name": "text", "max": "number", "standard": "text", "evidence": "lines"}
        return self._form(version, name, [(rows, fields)], "criteria_admin/form_items.html", file=name, kind_name=kinds[name], rows=rows)

    @expose("/grading", methods=("GET", "POST"))
    def grading(self) -> Any:
        version = self._newest()
        source, _ = parse_yaml(version.files[GRADING], GRADING)
        pack = current_app.extensions["criteria_versions"].pack(db.session, version.id)
        bands, weights = _grading_rows(source.data if source else {}, {code: kind.name for code, kind in pack.kinds.items()})
        tables = [(bands, {"label": "text", "min": "number", "max": "number"}), (weights, {"weight": "number"})]
        return self._form(version, GRADING, tables, "criteria_admin/form_grading.html", bands=bands, weights=weights)
