"""Typed refusals of the assessment services. Each carries a Chinese message for the user and, where
the input was wrong, the problems by item; the doors turn them into a flash and the page, or into a
JSON answer with the error's HTTP status."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class Refused(ServiceError):
    """The user may not do this to the record in its current state (role, state, retired kind)."""

    status = 403


class Invalid(ServiceError):
    """The input cannot be stored as it is; ``errors`` names the item (or field) and what was expected."""

    status = 422


class Conflict(ServiceError):
    """Someone else changed the record since the user read it; nothing was saved."""

    status = 409


CONFLICT = "该考核已被他人修改，请刷新页面后重新操作；本次提交未保存。"
