"""Sample assessment content for the demo data: header values and item rows for any kind of a pack."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from cli import demo_data
from criteria.pack import HeaderField, Kind, Pack
from models import District, Enterprise, EnterpriseRegistration, Person
from models.id_number import check_character as id_check
from models.record_scores import final_states, score_record
from scoring import ScoreResult
from workflow.deadlines import rectification_due
from workflow.rules import status_for


def sample_value(field: HeaderField, kind: Kind, pack: Pack, rng: random.Random) -> Any:
    if field.type == "choice":
        if field.choices_from == "districts":
            return pack.districts[0].code
        if field.choices_from == "catalogue":
            return rng.choice([e.code for e in kind.catalogue])
        return field.choices[0][0]
    if any(veto.expires_field == field.code for veto in kind.vetoes):
        return datetime.date(2029, 3, 15)  # a licence valid beyond the demo period: no expiry veto
    return {
        "string": f"{field.label}示例"[: field.max_length or 200],
        "text": f"{field.label}：示例数据，仅供演示。",
        "integer": 1,
        "decimal": Decimal("12000.00"),
        "date": datetime.date(2026, 3, 15),
        "boolean": False,
        "phone": "0532-88886666",
        "project": None,  # a project of the enterprise is picked on the 办理 page
    }[field.type]


def header(kind: Kind, pack: Pack, rng: random.Random) -> dict[str, Any]:
    return {field.code: sample_value(field, kind, pack, rng) for field in kind.header_fields}


def items(kind: Kind, rng: random.Random, reviewed: bool) -> list[dict[str, Any]]:
    """One row per item: sub-table results (0-100) for a weighted category, else a self score."""
    places = kind.scoring.places
    rows = []
    for item in kind.items:
        row: dict[str, Any] = {
            "item_code": item.code,
            "not_applicable": False,
            "review_status": status_for(kind, "pass" if reviewed else "pending"),
        }
        if item.subtables:
            present = item.subtables[: 1 + rng.randrange(len(item.subtables))][:2]
            row["results"] = {code: rng.randint(70, 98) for code in present}
        else:
            row["self_score"] = Decimal(str(demo_data.sample_score(float(item.max), rng, places)))
            row["assessed_score"] = row["self_score"] if reviewed else None
        rows.append(row)
    return rows


def score_rows(pack: Pack, kind: Kind, rows: list[dict[str, Any]]) -> ScoreResult | None:
    """What ``models.record_scores.settle`` stores for these rows once they are reviewed."""
    blank = {"not_applicable": False, "results": None, "self_score": None, "assessed_score": None}
    record = SimpleNamespace(items=[SimpleNamespace(**{**blank, **row}) for row in rows])
    return score_record(pack, kind, record)


def final_state(kind: Kind) -> str:
    """The first final state in the order the workflow lists them (the approved one)."""
    finals = final_states(kind)
    return next(s.code for s in kind.workflow.states if s.code in finals)


def verdict(pack: Pack, kind: Kind, state: str, opened: datetime.datetime) -> dict[str, Any]:
    """A record's sample verdict in ``state``: an open round (with its deadline) when a return led
    there; for a rated kind, the first band once rated, and in the rectification state the first
    band that opens a round."""
    returned = {t.to for t in kind.workflow.transitions if t.opens_rectification}
    if kind.rectification and state in returned:  # a return opened a round
        return {"rectification_opened": opened, "rectification_due": rectification_due(kind.rectification, opened.date())}
    if not kind.rated:
        return {}
    labels = pack.band_labels(kind)
    if kind.rectification and state == kind.rectification.state and kind.rectification_bands:
        band = kind.rectification_bands[0]
        return {
            "rating": band,
            "grade": labels[band],
            "rectification_opened": opened,
            "rectification_due": rectification_due(kind.rectification, opened.date()),
        }
    if state in final_states(kind):
        return {"rating": kind.rating_bands[0], "grade": labels[kind.rating_bands[0]]}
    return {}


def _id_number(rng: random.Random) -> str:
    body = "370202" + f"{rng.randint(1965, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + f"{rng.randint(0, 999):03d}"
    return body + id_check(body)


VALID_FOR = datetime.timedelta(days=730)  # a sample certificate's remaining validity (about two years)


def sample_people(pack: Pack, enterprise_id: int, today: datetime.date, one_expired: bool) -> list[Person]:
    """One person per personnel list of the pack; with ``one_expired`` the first one's certificate
    expired a month before ``today``."""
    rng = random.Random(demo_data.SEED + 3)
    return [
        Person(
            enterprise_id=enterprise_id,
            list_code=entry.code,
            name=demo_data.MANAGERS[index],
            id_number=_id_number(rng),
            role="电工" if entry.position_label == "工种" else None,
            certificate_no=f"鲁建安{chr(65 + index)}（2024）{rng.randint(100000, 999999)}",
            certificate_valid_until=today + VALID_FOR if index or not one_expired else today - datetime.timedelta(days=30),
        )
        for index, entry in enumerate(pack.personnel_lists)
    ]


def has_people(session: Session, enterprise_id: int) -> bool:
    return session.query(Person).filter_by(enterprise_id=enterprise_id).filter(Person.list_code.isnot(None)).count() > 0


def people(session: Session, pack: Pack, company: Enterprise, today: datetime.date | None = None) -> int:
    """Sample people on the pack's personnel lists for one enterprise (none when it has some), the
    first one's certificate expired a month before ``today``."""
    if not pack.personnel_lists or has_people(session, company.id):
        return 0
    added = sample_people(pack, company.id, today or datetime.date.today(), one_expired=True)
    session.add_all(added)
    session.commit()
    return len(added)


DEMO_APPLICANT = "apply_demo"


def registration(session: Session, pack: Pack, district_codes: list[str]) -> int:
    """One pending self-registration (user name ``apply_demo``) awaiting the first district's approval."""
    if pack.registration_role is None or session.query(EnterpriseRegistration).filter_by(username=DEMO_APPLICANT).count():
        return 0
    district = session.query(District).filter_by(code=district_codes[0]).one()
    code = demo_data.credit_code(random.Random(demo_data.SEED + 4))
    session.add(
        EnterpriseRegistration(
            enterprise_name="青岛示范申请建设有限公司" if pack.region.startswith("青岛") else f"{pack.region[:-1]}示范申请建设有限公司",
            credit_code=code,
            district=district,
            contact_person="刘申请",
            mobile="13800000001",
            username=DEMO_APPLICANT,
            password_hash=generate_password_hash(demo_data.DEMO_PASSWORD),
            state="pending",
            pending_credit_code=code,
            pending_username=DEMO_APPLICANT,
        )
    )
    session.commit()
    return 1
