"""Read a registry export (CSV, XLSX, JSON) into (row number, record) pairs.

A record maps the field names below to text (``None`` for an empty cell or a missing key). Row
numbers are what a person sees: the spreadsheet row for CSV and XLSX (the header is row 1), the
1-based record index for JSON. Problems with the file itself raise ``RegistryFileError``; a JSON
element that is not a usable record is passed on with a ``PROBLEM`` entry so that row alone fails.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import json
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

Record = dict[str, str | None]
Row = tuple[int, Record]

# field -> (Chinese label, accepted column names); names compare after _normalise().
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "permit_no": ("施工许可证号", ("施工许可证号", "permit_no")),
    "name": ("项目名称", ("项目名称", "name")),
    "enterprise_name": ("施工单位", ("施工单位", "enterprise_name")),
    "credit_code": ("统一社会信用代码", ("统一社会信用代码", "credit_code")),
    "project_manager": ("项目经理", ("项目经理", "project_manager")),
    "district": ("所在区（市）", ("所在区（市）", "所在区", "district")),
    "building_area": ("建筑面积", ("建筑面积", "building_area")),
    "address": ("项目地址", ("项目地址", "address")),
    "enterprise_district": ("企业注册区", ("企业注册区", "enterprise_district")),
    "is_local": ("本地企业", ("本地企业", "is_local")),
}
REQUIRED_COLUMNS = ("permit_no", "name", "enterprise_name", "credit_code", "district")
LABELS = {field: label for field, (label, _) in COLUMNS.items()}
PROBLEM = "_problem"  # set on a record the reader could not read; its value says why
ENCODINGS = ("utf-8-sig", "gb18030")
CHUNK = 1 << 16


class RegistryFileError(Exception):
    """The file as a whole cannot be read (format, encoding, columns); the message is for users."""


def _normalise(name: str) -> str:
    """Full-width brackets and letters folded, spaces dropped, lower case: '所在区(市)' == '所在区（市）'."""
    return "".join(unicodedata.normalize("NFKC", name).split()).lower().replace("-", "_")


ALIASES = {_normalise(alias): field for field, (_, names) in COLUMNS.items() for alias in names}


def _text(value: Any) -> str | None:
    """A cell or JSON value as stripped text; None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = value.isoformat()
    if isinstance(value, Decimal):
        value = format(value, "f")
    text = str(value).strip()
    return text or None


def _map_header(names: list[Any]) -> dict[str, int]:
    """field -> column position; refuses duplicates and missing required columns."""
    positions: dict[str, int] = {}
    for position, name in enumerate(names):
        field = ALIASES.get(_normalise(str(name))) if name is not None else None
        if field is None:
            continue
        if field in positions:
            raise RegistryFileError(f"表头中有两列都对应“{LABELS[field]}”：第 {positions[field] + 1} 列和第 {position + 1} 列")
        positions[field] = position
    _require(positions)
    return positions


def _require(present: dict[str, Any] | set[str]) -> None:
    missing = [f"{LABELS[f]}（{f}）" for f in REQUIRED_COLUMNS if f not in present]
    if missing:
        raise RegistryFileError(f"缺少必需的列：{'、'.join(missing)}")


def _record(values: tuple[Any, ...] | list[Any], positions: dict[str, int]) -> Record | None:
    """The row's fields, or None when every cell is empty (a blank row is skipped)."""
    cells = [_text(v) for v in values]
    if not any(cells):
        return None
    return {field: cells[p] if p < len(cells) else None for field, p in positions.items()}


def _detect_encoding(path: Path) -> tuple[str, int]:
    """The first encoding in ENCODINGS that decodes the whole file, and its number of line breaks."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    if b"\x00" in chunk:
                        raise RegistryFileError("文件含有空字符，不是 UTF-8 或 GB18030 文本（UTF-16 文件请另存为“CSV UTF-8”）")
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, lines
    raise RegistryFileError("无法识别文件编码：请保存为 UTF-8 或 GB18030（GBK）编码")


@dataclass
class RegistryFile:
    """An opened, checked registry export; iterate it for its rows."""

    path: Path
    format: str
    total: int | None  # data rows expected (an estimate for CSV), for a progress bar
    _rows: Callable[[], Iterator[Row]]

    def __iter__(self) -> Iterator[Row]:
        return self._rows()


def _open_csv(path: Path) -> RegistryFile:
    encoding, lines = _detect_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        first = handle.readline()
    if not first.strip():
        raise RegistryFileError("文件为空：第 1 行应为表头")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    positions = _map_header(next(csv.reader([first], delimiter=delimiter)))

    def rows() -> Iterator[Row]:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            number = 1
            try:
                next(reader)
                for number, values in enumerate(reader, start=2):
                    record = _record(values, positions)
                    if record is not None:
                        yield number, record
            except csv.Error as error:
                raise RegistryFileError(f"第 {number + 1} 行附近无法解析：{error}") from error

    return RegistryFile(path, "csv", max(lines - 1, 0), rows)


# An XLSX is a ZIP archive: what it unpacks to is checked before anything is unpacked (a small file
# whose shared-strings part inflates to gigabytes would otherwise exhaust the memory).
MAX_UNPACKED = 256 * 1024 * 1024
MAX_RATIO = 200


def _unpacked_problem(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return None  # openpyxl names the damage
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNPACKED:
        return f"XLSX 文件解压后过大（{total // (1024 * 1024)} MB，上限 {MAX_UNPACKED // (1024 * 1024)} MB），未读取；请拆分后导入"
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > MAX_RATIO and entry.file_size > 1024 * 1024:
            return f"XLSX 文件中的“{entry.filename[:60]}”压缩比异常（解压后放大 {entry.file_size // entry.compress_size} 倍），未读取"
    return None


def _workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    problem = _unpacked_problem(path)
    if problem:
        raise RegistryFileError(problem)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise RegistryFileError(f"无法读取 XLSX 文件（文件损坏或不是 XLSX 格式）：{error}") from error


def _open_xlsx(path: Path) -> RegistryFile:
    book = _workbook(path)
    try:
        sheet = book.worksheets[0]
        total = sheet.max_row - 1 if sheet.max_row else None
        sheet.reset_dimensions()  # a wrong <dimension> in the file must not cut rows off
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    finally:
        book.close()
    if not header or not any(_text(v) for v in header):
        raise RegistryFileError("第一个工作表的第 1 行应为表头，但它是空的")
    positions = _map_header(list(header))

    def rows() -> Iterator[Row]:
        book = _workbook(path)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()
            for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
                record = _record(values, positions)
                if record is not None:
                    yield number, record
        finally:
            book.close()

    return RegistryFile(path, "xlsx", total, rows)


def _json_record(item: Any) -> Record:
    if not isinstance(item, dict):
        return {PROBLEM: '该记录不是对象（应为 {"字段": 值, ...}）'}
    record: Record = {}
    for key, value in item.items():
        field = ALIASES.get(_normalise(str(key)))
        if field is None or record.get(field) is not None:
            continue
        if isinstance(value, (dict, list)):
            return {PROBLEM: f"字段“{key}”的值应为文字或数字"}
        record[field] = _text(value)
    return record


def json_items(data: Any) -> list[Any]:
    """The records of parsed registry JSON (an array, or an object with a ``records`` array),
    after checking that the required fields appear; raises RegistryFileError."""
    items = data.get("records") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise RegistryFileError("JSON 应为记录数组，或包含 records 数组的对象")
    if items:
        keys = {_normalise(str(key)) for item in items if isinstance(item, dict) for key in item}
        _require({ALIASES[key] for key in keys if key in ALIASES})
    return items


def json_rows(items: list[Any]) -> Iterator[Row]:
    """(record number, record) of the items returned by ``json_items``; numbers start at 1."""
    for number, item in enumerate(items, start=1):
        yield number, _json_record(item)


def _open_json(path: Path) -> RegistryFile:
    encoding, _ = _detect_encoding(path)
    try:
        data = json.loads(path.read_text(encoding=encoding))
    except json.JSONDecodeError as error:
        raise RegistryFileError(f"JSON 格式错误：第 {error.lineno} 行第 {error.colno} 列：{error.msg}") from error
    items = json_items(data)
    return RegistryFile(path, "json", len(items), lambda: json_rows(items))


OPENERS = {".csv": _open_csv, ".txt": _open_csv, ".xlsx": _open_xlsx, ".json": _open_json}


def open_registry(path: str | Path) -> RegistryFile:
    """Check the file's format, encoding and columns now; rows are read when it is iterated."""
    path = Path(path)
    opener = OPENERS.get(path.suffix.lower())
    if opener is None:
        hint = "；.xls 请另存为 .xlsx" if path.suffix.lower() == ".xls" else ""
        raise RegistryFileError(f"不支持的文件格式“{path.suffix or '（无扩展名）'}”：请使用 CSV、XLSX 或 JSON{hint}")
    if not path.is_file():
        raise RegistryFileError(f"找不到文件：{path}")
    return opener(path)


def read_rows(path: str | Path) -> Iterator[Row]:
    """The rows of ``path`` as (row number, record); raises RegistryFileError before the first row."""
    return iter(open_registry(path))
