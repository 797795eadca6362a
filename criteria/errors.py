"""Problems found while loading a criteria pack."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one file: ``file: path: message (line N)``."""

    file: str
    path: str
    message: str
    line: int | None = None
    subject: str | None = None  # what the path points at in the guide's words: 考核项目“安全生产投入”的满分

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        suffix = f" (line {self.line})" if self.line else ""
        return f"{where}{self.message}{suffix}"


class CriteriaError(Exception):
    """A pack failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.path, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))
