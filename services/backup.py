"""A consistent copy of the database, the evidence files and the criteria pack, with a manifest that
says what the copy holds (``flask --app app backup DIR``, and before a destructive schema change).

It needs no running platform and no valid pack: the database URL, the evidence folder and the pack
folder are all it reads, so a backup can be taken whatever state the pack is in.

The database is copied first and the evidence directory afterwards. Evidence files are named by
their content hash and written before the row that points at them is committed, and removing an
attachment keeps its file, so every attachment in the database copy finds its file in the
evidence copy (files uploaded meanwhile are merely extra). The manifest lists any that do not.

- SQLite: the online backup API (``sqlite3.Connection.backup``), safe while the platform runs;
  the copy is checked with ``PRAGMA integrity_check``.
- PostgreSQL: ``pg_dump --format=custom`` inside an exported snapshot, so the counts and the
  evidence check in the manifest describe exactly the dumped data. Without pg_dump on PATH the
  command says how to run it and exits with status 1.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from storage import FileStore, evidence_store

SQLITE_FILE = "platform.sqlite3"
PG_FILE = "platform.dump"
MANIFEST = "manifest.json"
PAGES_PER_STEP = 256


class BackupFailed(Exception):
    """Shown to the operator in Chinese; the command exits with status 1."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BackupSource:
    """What a backup copies: the database, the evidence files (a folder or a bucket) and the criteria
    pack folder."""

    database_url: str
    evidence: FileStore
    pack_dir: Path
    platform: str = ""

    @classmethod
    def from_config(cls, config: Any) -> BackupSource:
        """From the platform's configuration (an app's ``config``, or ``settings.default_config()``)."""
        return cls(
            config["SQLALCHEMY_DATABASE_URI"],
            evidence_store(config),
            Path(config["CRITERIA_PACK"]).resolve(),
            config.get("APP_NAME", ""),
        )


@dataclass
class DatabaseCopy:
    file: str | None
    backend: str
    revision: str | None
    counts: dict[str, int]
    hashes: set[str]
    check: str
    instructions: str = ""


@dataclass
class EvidenceCopy:
    files: int = 0
    size: int = 0
    missing: list[str] = field(default_factory=list)


def _stamp(now: datetime.datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# -- SQLite -------------------------------------------------------------------------------------


def _sqlite_facts(connection: sqlite3.Connection) -> tuple[str | None, dict[str, int], set[str]]:
    tables = [
        row[0]
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    ]
    counts = {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone() if "alembic_version" in tables else None
    hashes = {row[0] for row in connection.execute("SELECT content_hash FROM attachment")} if "attachment" in tables else set()
    return (revision[0] if revision else None), counts, hashes


def backup_sqlite(engine: Engine, target: Path, echo: Callable[[str], None]) -> DatabaseCopy:
    source_path = engine.url.database
    if not source_path or source_path == ":memory:" or not Path(source_path).exists():
        raise BackupFailed(f"找不到 SQLite 数据库文件：{source_path or '（未设置）'}，未备份任何内容。")
    destination = target / SQLITE_FILE
    echo(f"正在备份数据库（SQLite 在线备份）：{source_path}")
    source = sqlite3.connect(f"file:{Path(source_path).resolve()}?mode=ro", uri=True)
    copy = sqlite3.connect(destination)
    shown: list[int] = []

    def progress(_status: int, remaining: int, total: int) -> None:
        percent = 100 * (total - remaining) // total if total else 100
        if not shown or percent - shown[-1] >= 10 or remaining == 0:
            shown.append(percent)
            echo(f"  数据库已复制 {percent}%")

    try:
        with copy:
            source.backup(copy, pages=PAGES_PER_STEP, progress=progress)
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        revision, counts, hashes = _sqlite_facts(copy)
    finally:
        copy.close()
        source.close()
    if check != "ok":
        raise BackupFailed(f"数据库副本完整性检查未通过：{check}。请检查原数据库后重新备份。")
    return DatabaseCopy(SQLITE_FILE, "sqlite", revision, counts, hashes, "完整性检查通过")


# -- PostgreSQL ---------------------------------------------------------------------------------


def pg_dump_instructions(engine: Engine, target: Path) -> str:
    url = engine.url
    parts = [f"--host={url.host or '127.0.0.1'}", f"--port={url.port or 5432}"]
    if url.username:
        parts.append(f"--username={url.username}")
    return f"pg_dump --format=custom --no-owner {' '.join(parts)} --dbname={url.database} --file={target / PG_FILE}"


def _pg_facts(connection: Connection) -> tuple[str | None, dict[str, int], set[str]]:
    tables = sorted(inspect(connection).get_table_names())
    counts = {table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one() for table in tables}
    revision = (
        connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none() if "alembic_version" in tables else None
    )
    hashes = {row[0] for row in connection.execute(text("SELECT content_hash FROM attachment"))} if "attachment" in tables else set()
    return revision, counts, hashes


def backup_postgresql(engine: Engine, target: Path, echo: Callable[[str], None]) -> DatabaseCopy:
    url = engine.url
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        # One snapshot for the dump and for the counts and evidence list of the manifest.
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        revision, counts, hashes = _pg_facts(connection)
        program = shutil.which("pg_dump")
        instructions = pg_dump_instructions(engine, target)
        if program is None:
            return DatabaseCopy(None, "postgresql", revision, counts, hashes, "找不到 pg_dump", instructions)
        echo(f"正在备份数据库（pg_dump 自定义格式）：{url.database}@{url.host or '127.0.0.1'}")
        environment = dict(os.environ)
        if url.password:
            environment["PGPASSWORD"] = str(url.password)  # never on the command line, where ps shows it
        libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        done = subprocess.run(
            [program, "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target / PG_FILE}", f"--dbname={libpq}"],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            return DatabaseCopy(None, "postgresql", revision, counts, hashes, f"pg_dump 失败：{done.stderr.strip()}", instructions)
    return DatabaseCopy(PG_FILE, "postgresql", revision, counts, hashes, "pg_dump 完成")


# -- files --------------------------------------------------------------------------------------


def _evidence_files(source: Path) -> list[Path]:
    if not source.is_dir():
        return []
    return sorted(p for p in source.rglob("*.pdf") if p.is_file())


def copy_evidence(source: FileStore, target: Path, wanted: Iterable[str], echo: Callable[[str], None]) -> EvidenceCopy:
    """Every evidence file of the store (a folder or a bucket) into the folder ``target``, under the
    same keys, so the copy is laid out as a local evidence folder."""
    keys = sorted(key for key in source.keys() if key.endswith(".pdf"))
    echo(f"正在复制证明材料：{len(keys)} 个文件（{source.where}）")
    result = EvidenceCopy()
    step = max(1, len(keys) // 10)
    for number, key in enumerate(keys, 1):
        stream = source.open(key)
        if stream is None:
            continue  # removed since it was listed: no row names it any more
        destination = target / key
        destination.parent.mkdir(parents=True, exist_ok=True)
        with stream, destination.open("wb") as copy:
            shutil.copyfileobj(stream, copy, 1 << 20)
        result.files += 1
        result.size += destination.stat().st_size
        if number % step == 0 or number == len(keys):
            echo(f"  证明材料已复制 {number}/{len(keys)}")
    copied = {p.stem for p in _evidence_files(target)}
    result.missing = sorted(set(wanted) - copied)
    return result


def copy_criteria(pack_path: Path, target: Path) -> None:
    shutil.copytree(pack_path, target / pack_path.name)


# -- the whole backup ---------------------------------------------------------------------------


def describe_url(engine: Engine) -> str:
    return make_url(str(engine.url)).render_as_string(hide_password=True)


def _criteria(source: BackupSource, engine: Engine) -> dict[str, Any]:
    """What the manifest says of the pack: read from its folder when it loads, and the newest stored
    version of it (a pack that does not load is copied all the same, and the manifest says why)."""
    from criteria import CriteriaError, load_pack

    code = source.pack_dir.name
    found: dict[str, Any] = {"pack": code, "directory": f"criteria/{code}"}
    try:
        pack = load_pack(source.pack_dir)
    except CriteriaError as error:
        found["problems"] = len(error.problems)
    else:
        found.update(
            name=pack.name,
            version=pack.version,
            content_hash=pack.content_hash,
            kinds={c: kind.version_label for c, kind in pack.kinds.items()},
        )
    with engine.connect() as connection:
        if inspect(connection).has_table("criteria_version"):
            found["stored_version"] = connection.execute(
                text("SELECT max(number) FROM criteria_version WHERE pack_code = :code"), {"code": code}
            ).scalar()
        if inspect(connection).has_table("assessment"):
            found["records"] = dict(connection.execute(text("SELECT kind, count(*) FROM assessment GROUP BY kind")).all())
    return found


def manifest_of(
    source: BackupSource, engine: Engine, started: datetime.datetime, database: DatabaseCopy, evidence: EvidenceCopy, folder: Path
) -> dict[str, Any]:
    db_file = folder / database.file if database.file else None
    return {
        "platform": source.platform,
        "created_at": started.isoformat(timespec="seconds"),
        "database": {
            "backend": database.backend,
            "source": describe_url(engine),
            "file": database.file,
            "sha256": _sha256(db_file) if db_file else None,
            "size": db_file.stat().st_size if db_file else None,
            "alembic_revision": database.revision,
            "check": database.check,
            "instructions": database.instructions or None,
        },
        "counts": database.counts,
        "evidence": {"directory": "evidence", "files": evidence.files, "bytes": evidence.size, "missing": evidence.missing},
        "criteria": _criteria(source, engine),
        "restore": "见 README“备份与恢复”",
    }


def run_backup(source: BackupSource, directory: Path, echo: Callable[[str], None]) -> tuple[Path, dict[str, Any]]:
    """Write one backup folder under ``directory``; returns it and its manifest."""
    started = datetime.datetime.now()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        folder = directory / f"backup-{_stamp(started)}"
        suffix = 1
        while folder.exists():
            suffix += 1
            folder = directory / f"backup-{_stamp(started)}-{suffix}"
        folder.mkdir()
    except OSError as error:
        raise BackupFailed(f"无法在“{directory}”中创建备份目录：{error.strerror or error}") from None
    echo(f"备份目录：{folder}")
    engine = create_engine(source.database_url, poolclass=NullPool)
    try:
        if engine.dialect.name == "sqlite":
            database = backup_sqlite(engine, folder, echo)
        elif engine.dialect.name == "postgresql":
            database = backup_postgresql(engine, folder, echo)
        else:
            raise BackupFailed(f"不支持备份 {engine.dialect.name} 数据库，只支持 SQLite 和 PostgreSQL。")
        evidence = copy_evidence(source.evidence, folder / "evidence", database.hashes, echo)
        echo("正在复制考核标准（criteria）")
        copy_criteria(source.pack_dir, folder / "criteria")
        manifest = manifest_of(source, engine, started, database, evidence, folder)
    finally:
        engine.dispose()
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder, manifest


def backup_before_change(source: BackupSource, directory: Path, echo: Callable[[str], None]) -> Path:
    """A complete backup (database included) before a destructive schema change, or BackupFailed."""
    folder, manifest = run_backup(source, directory, echo)
    if not manifest["database"]["file"]:
        raise BackupFailed(
            f"数据库未能备份（{manifest['database']['check']}），未做任何结构变更。请先手动备份：{manifest['database']['instructions']}"
        )
    return folder


SUMMARY_TABLES = {
    "enterprise": "企业",
    "project": "项目",
    "attachment": "附件",
    "review_history": "审核记录",
    "audit_log": "审计日志",
    "ab_user": "用户",
}


def summary(folder: Path, manifest: dict[str, Any]) -> list[str]:
    counts = manifest["counts"]
    database = manifest["database"]
    criteria = manifest["criteria"]
    held = criteria.get("records") or {}
    lines = [f"备份目录：{folder}"]
    if database["file"]:
        lines.append(f"数据库：{database['file']}（{_mb(database['size'])}，{database['check']}，迁移版本 {database['alembic_revision']}）")
    else:
        lines.append(f"数据库：{database['check']}")
    lines.append("记录：" + "、".join(f"{label} {counts[t]}" for t, label in SUMMARY_TABLES.items() if t in counts))
    if held:
        lines.append("考核：" + "、".join(f"{code} {count}" for code, count in sorted(held.items())))
    evidence = manifest["evidence"]
    lines.append(f"证明材料：{evidence['files']} 个文件（{_mb(evidence['bytes'])}）")
    if evidence["missing"]:
        lines.append(f"注意：有 {len(evidence['missing'])} 个附件的文件在证明材料目录中不存在（清单见 manifest.json）")
    stored = f"，已记录至第 {criteria['stored_version']} 版" if criteria.get("stored_version") else ""
    if "problems" in criteria:
        lines.append(f"考核标准：{criteria['pack']}（目录已复制；其文件有 {criteria['problems']} 处校验问题{stored}）")
    else:
        lines.append(f"考核标准：{criteria['name']}（{criteria['pack']}，版本 {criteria['version']}{stored}）")
    lines.append("恢复方法见 README“备份与恢复”。")
    return lines
