"""Revising the guide: the one path by which a new criteria version is recorded (the editor, a
restore, ``criteria import``).

A revision is validated whole, then checked against what is stored: a district that still holds
enterprises is not removed, and a change that would drop or alter stored data (a header field's type)
is refused here and left to the command line. The new tables and columns it needs (a header field,
a kind) are created first, in one transaction of their own (a nullable column no version uses harms
nothing if the version is then refused); the version row comes last, in one transaction. Every
process uses it for its next new record; one whose structure changed reloads (``reloading``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from criteria import CriteriaError, Kind, Pack, load_snapshot
from criteria.fields import CODE_RE
from criteria.problems_zh import problem_zh
from criteria.structure import structure_key
from criteria.yaml_edit import derived_pack_file
from models import CriteriaVersion, District, Enterprise, db
from models.criteria_edits import EditRefused, candidate, revision_lock, store
from models.criteria_versions import PackVersions, VersionUnloadable, latest
from models.guide import layout_kinds
from models.schema_sync import apply_steps, plan
from services.platform_sync import ADDITIVE

CLI_HINT = "请停止平台后在服务器上运行 flask --app app criteria apply --force（执行前自动备份）"


@dataclass(frozen=True)
class Revision:
    version: CriteriaVersion
    pack: Pack
    files: tuple[str, ...]  # the files whose text changed
    schema: list[str] = field(default_factory=list)  # the tables and columns created for it
    structural: bool = False  # screens, menus or permissions change: the workers reload


def _versions() -> PackVersions:
    return current_app.extensions["criteria_versions"]


def stored_packs(code: str) -> list[Pack]:
    """The packs of every stored version of ``code`` that loads, newest first."""
    versions = _versions()
    ids = db.session.scalars(select(CriteriaVersion.id).where(CriteriaVersion.pack_code == code).order_by(CriteriaVersion.number.desc()))
    found = []
    for version_id in ids.all():
        try:
            found.append(versions.pack(db.session, version_id))
        except VersionUnloadable:
            continue
    return found


def needed_kinds(pack: Pack) -> list[Kind]:
    """Every kind and header field ``pack`` and the stored versions of its pack declare: what the
    database keeps for them."""
    return list(layout_kinds([pack, *stored_packs(pack.code)]).values())


def _districts_in_use(old: Pack, new: Pack) -> list[str]:
    """Districts ``new`` drops that still hold enterprises, with the count."""
    dropped = [d for d in old.districts if d.code not in {n.code for n in new.districts}]
    lines = []
    for district in dropped:
        held = db.session.scalar(
            select(func.count())
            .select_from(Enterprise)
            .join(District, Enterprise.district_id == District.id)
            .where(District.code == district.code)
        )
        if held:
            word = new.term("district")
            lines.append(f"{word}“{district.name}”仍有 {held} 家施工企业，不能删除（请先将这些企业调整到其他{word}）")
    return lines


def record(pack: Pack, source: str, note: str, user_id: int | None, base_number: int | None, files: tuple[str, ...] = ()) -> Revision:
    """Store ``pack`` as the newest version of its pack (see the module's description)."""
    if not note.strip():
        raise EditRefused("请填写变更说明（为什么修改、依据什么文件），未保存。")
    db.session.commit()  # nothing of this session holds a lock while the schema changes
    with revision_lock(db.engine, pack.code):
        current = latest(db.session, pack.code)
        current_pack = _versions().pack(db.session, current.id) if current is not None else None
        runs_here = pack.code == _versions().running.code
        problems = _districts_in_use(current_pack, pack) if current_pack is not None and runs_here else []
        if problems:
            raise EditRefused("本次修改未保存：", problems)
        created: list[str] = []
        if runs_here:
            kinds = needed_kinds(pack)
            with db.engine.connect() as connection:
                steps = plan(connection, kinds).steps
            altering = [step.text for step in steps if not isinstance(step.operation, ADDITIVE)]
            if altering:
                raise EditRefused(f"本次修改会删除或改动数据库中已有的数据，在线编辑不执行，未保存。{CLI_HINT}：", altering)
            if steps:
                created = [step.text for step in apply_steps(db.engine, kinds, lambda step: isinstance(step.operation, ADDITIVE))]
        version = store(db.session, pack, source, note, user_id, base_number)
    structural = runs_here and (current_pack is None or structure_key(current_pack) != structure_key(pack) or bool(created))
    return Revision(version, pack, files, created, structural)


def save_files(
    texts: dict[str, str], note: str, user_id: int | None, base_number: int, source: str = "editor", code: str | None = None
) -> Revision:
    """The newest version of pack ``code`` (the running one by default) with ``texts`` (file name ->
    text) put in, stored as the next version."""
    code = code or _versions().running.code
    base = latest(db.session, code)
    if base is None:
        raise EditRefused("数据库中还没有考核标准版本（请先运行 flask --app app platform sync），未保存。")
    found = candidate(base, texts, _versions().running)
    return record(found.pack, source, note, user_id, base_number, found.changed)


def restore(version: CriteriaVersion, note: str, user_id: int | None) -> Revision:
    """An earlier version's state stored as the newest version."""
    base = latest(db.session, version.pack_code)
    found = candidate(base, dict(version.files), _versions().running)
    return record(found.pack, "restore", note.strip() or f"恢复为第 {version.number} 版", user_id, base.number, found.changed)


def pack_codes() -> list[str]:
    """Every pack the database holds versions of (the running one first)."""
    running = _versions().running.code
    codes = db.session.scalars(select(CriteriaVersion.pack_code).distinct()).all()
    return sorted(set(codes), key=lambda code: (code != running, code))


def start_pack(code: str, name: str, region: str, base_code: str, note: str, user_id: int | None) -> Revision:
    """A new city's pack, started from the newest version of ``base_code``: its files with pack.yaml
    naming the new pack (``extends: base_code``), stored complete as version 1 of ``code`` (a later
    edit of the base pack leaves it as it is). Nothing is written to the server's pack folders."""
    code, name, region = code.strip(), name.strip(), region.strip()
    problems = []
    if not CODE_RE.match(code):
        problems.append(f"考核标准代码“{code}”不符合要求：只能用小写字母、数字和下划线，以字母开头（如 yantai）")
    if code in pack_codes():
        problems.append(f"考核标准代码“{code}”已被使用，请换一个")
    if not name or not region:
        problems.append("请填写考核标准名称和适用地区")
    base = latest(db.session, base_code)
    if base is None:
        problems.append(f"数据库中没有考核标准“{base_code}”")
    if problems:
        raise EditRefused("未新建考核标准：", problems)
    files = dict(db.session.get(CriteriaVersion, base.id, options=[undefer(CriteriaVersion.files)]).files)
    files["pack.yaml"] = derived_pack_file(files["pack.yaml"], code, name, region, base_code)
    try:
        pack = load_snapshot(files, code, code, _versions().running.path)
    except CriteriaError as error:
        raise EditRefused("未新建考核标准，校验未通过：", [problem_zh(p) for p in error.problems]) from None
    return record(pack, "start", note, user_id, None, tuple(sorted(files)))
