"""Project-registry intake: the exports of the city's construction-permit platform (CSV, XLSX, JSON).

``open_registry(path)`` checks a file and iterates its rows; ``import_rows(session, pack, rows)``
upserts them (enterprises by 统一社会信用代码, projects by 施工许可证号) and reports per row.
Plain SQLAlchemy: no Flask here.
"""

from registry.importer import ImportReport, Rejection, import_rows
from registry.reader import COLUMNS, RegistryFile, RegistryFileError, open_registry, read_rows

__all__ = ["COLUMNS", "ImportReport", "RegistryFile", "RegistryFileError", "Rejection", "import_rows", "open_registry", "read_rows"]
