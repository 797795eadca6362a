"""The personnel lists of an assessment's enterprise: add a person (with a certificate scan), correct
one (a new scan optional) and take one off a list, while the record's filler may change it. People
are kept per enterprise and reused across periods; a submitted record keeps the lists as submitted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from models import Person
from models.evidence import commit_with_file, digest
from models.uniqueness import clash, keys_for
from services.assessment_work import Work, fills
from services.errors import Invalid, Refused
from storage import FileStore
from workflow import dossier
from workflow.people import PersonEntry, read_person

REFUSED = "人员信息有误，未保存：请按各项下方的提示修改"


@dataclass(frozen=True)
class Scan:
    """A certificate scan that passed its checks: just uploaded (``data``), or kept from a refused
    entry and already stored (``data`` None)."""

    name: str
    content_hash: str
    size: int
    data: bytes | None = None

    @classmethod
    def uploaded(cls, data: bytes, name: str) -> Scan:
        return cls(name, digest(data), len(data), data)


def _may_change(work: Work) -> None:
    if not fills(work) or not dossier.can_change(work.kind, work.record.state):  # 整改 included: fix a certificate
        state = work.record.state
        raise Refused(f"当前状态为“{work.kind.state_labels.get(state, state)}”，不能修改人员名单")


def _duplicate(work: Work, entry: PersonEntry, person: Person | None) -> tuple[str, str] | None:
    """(field, message) when the enterprise has this person on the list already (the key
    ``uq_person_list_id_number`` holds it; the registry's person screen says the same)."""
    values = {"enterprise_id": work.record.enterprise_id, "list_code": entry.list_code, "id_number": entry.id_number}
    return clash(work.session, keys_for(Person.__table__, values.get), person.id if person is not None else None)


def _refused(errors: dict[str, str]) -> Invalid:
    return Invalid(REFUSED + (f"；{errors['list_code']}" if "list_code" in errors else ""), errors)


def register_person(
    work: Work, fields: Mapping[str, str], person: Person | None, scan: Scan | None, scan_problem: str | None, files: FileStore
) -> tuple[str, str]:
    """Add a person to a list (``person`` None: a scan is required) or correct ``person``. ``scan_problem``:
    why the posted scan was refused. Returns (message, list code); Invalid names each field's problem."""
    _may_change(work)
    entry, errors = read_person(work.pack.personnel_lists, fields)
    if scan_problem:
        errors["scan"] = scan_problem
    elif scan is None and person is None:
        errors["scan"] = "请上传证书扫描件（PDF）"
    taken = _duplicate(work, entry, person) if not errors else None
    if taken:
        errors[taken[0]] = taken[1]
    if errors:
        raise _refused(errors)
    editing = person is not None
    person = person or Person(enterprise_id=work.record.enterprise_id)
    person.list_code, person.name, person.id_number = entry.list_code, entry.name, entry.id_number
    person.role, person.certificate_no, person.certificate_valid_until = entry.role, entry.certificate_no, entry.valid_until
    if scan is not None:
        person.scan_name, person.scan_hash, person.scan_size = scan.name, scan.content_hash, scan.size
    work.session.add(person)
    try:
        work.guard(person)  # flushes: the database checks the key here
        if scan is not None and scan.data is not None:
            commit_with_file(work.session, files, scan.data)
        else:
            work.session.commit()
    except IntegrityError:  # the same person entered at the same moment, after the check above
        work.session.rollback()
        taken = _duplicate(work, entry, person if editing else None)
        raise _refused({taken[0]: taken[1]} if taken else {"id_number": "与已登记的人员重复"}) from None
    return f"已{'修改' if editing else '登记'}“{entry.name}”", entry.list_code


def remove_person(work: Work, person: Person | None) -> tuple[str, str]:
    """Take ``person`` off its list; returns (message, list code)."""
    _may_change(work)
    if person is None:
        raise Invalid("要移出名单的人员不存在或不属于本企业")
    name, code = person.name, person.list_code
    work.session.delete(person)
    work.session.commit()
    return f"已将“{name}”移出名单（已提交的考核仍保留提交时的名单）", code
