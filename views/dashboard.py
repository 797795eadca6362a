"""等次分布: how the final grades of a period spread over the districts, as server-drawn SVG bars
(no chart library and no network: FAB's Google-Charts loader does not work on a closed network)."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from flask import request
from flask_appbuilder import BaseView, expose, has_access
from sqlalchemy import func

from models import District, FinalGradeRecord, db
from models.criteria_versions import active_pack
from views.scoped_data import ScopedInterface

COLOURS = {"green": "#5cb85c", "blue": "#337ab7", "yellow": "#f0ad4e", "red": "#d9534f"}


def distribution(grade_code: str, period: str) -> dict[str, dict[str, int]]:
    """{district name: {band code: count}} inside the user's scope."""
    query = (
        db.session.query(District.name, FinalGradeRecord.band, func.count(FinalGradeRecord.id))
        .join(District, FinalGradeRecord.district_id == District.id)
        .filter(FinalGradeRecord.grade_code == grade_code, FinalGradeRecord.period == period)
    )
    query = ScopedInterface(FinalGradeRecord)._scoped(query)
    found: dict[str, dict[str, int]] = {}
    for district, band, count in query.group_by(District.name, FinalGradeRecord.band):
        found.setdefault(district, {})[band] = count
    return found


class GradeDashboardView(BaseView):
    route_base = "/grades"
    default_view = "dashboard"
    class_permission_name = "GradeDashboard"
    method_permission_name: ClassVar[dict[str, str]] = {"dashboard": "access"}

    @expose("/dashboard")
    @has_access
    def dashboard(self) -> Any:
        pack = active_pack()
        finals = pack.final_grades
        code = request.args.get("grade", finals[-1].code)
        spec = next((f for f in finals if f.code == code), finals[-1])
        period = request.args.get("period", str(datetime.date.today().year))
        bands = pack.scales[spec.scale].bands
        data = distribution(spec.code, period)
        districts = [d.name for d in pack.districts if d.name in data]
        largest = max([sum(v.values()) for v in data.values()] or [1])
        return self.render_template(
            "dashboard.html",
            finals=finals,
            spec=spec,
            period=period,
            bands=bands,
            data=data,
            districts=districts,
            largest=largest,
            colours=COLOURS,
        )
