"""身份证号 shown whole only to the roles the pack says need them (``reads_id_numbers`` in roles.yaml);
every other role, on every screen and in every API answer, sees the first 6 and last 4 characters."""

from __future__ import annotations

from typing import Any

from flask import current_app, g

from reports.values import is_id_number, masked_id_number


def reads_id_numbers() -> bool:
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    pack = current_app.extensions["criteria_pack"]
    return any(role is not None and role.reads_id_numbers for role in (pack.role_by_label(r.name) for r in user.roles))


def shown_id_number(value: Any) -> str:
    """A template filter and a column formatter: the number as this user may see it."""
    text = "" if value is None else str(value)
    return text if reads_id_numbers() else masked_id_number(text)


class MaskedApi:
    """A REST API mixin: the id-number columns of a read answer, masked for roles that do not read them."""

    def _mask(self, row: dict[str, Any]) -> None:
        for column, value in row.items():
            if is_id_number(column) and isinstance(value, str):
                row[column] = shown_id_number(value)

    def pre_get(self, data: dict[str, Any]) -> None:
        self._mask(data.get("result", {}))

    def pre_get_list(self, data: dict[str, Any]) -> None:
        for row in data.get("result", []):
            self._mask(row)
