"""A list export run as a job (``jobs.list_export``): the list as its starter saw it (their scope,
their search and order), written to a file row by row, with the rows done as its progress."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g
from flask_login import login_user

from models import AppUser, db
from services.errors import Invalid
from views.list_export import csv_lines, pdf_body, write_xlsx


def _counted(rows: Iterable[list[Any]], progress: Any) -> Iterator[list[Any]]:
    for done, row in enumerate(rows, start=1):
        yield row
        progress(done, f"第 {done} 行")


def export_list(
    view_name: str, args: list[list[str]], user_id: int | None, suffix: str, folder: Path, progress: Any
) -> tuple[Path, str, int]:
    """Write the list to a file in ``folder``; returns it, the name to download it under and its rows."""
    view = next((v for v in current_app.appbuilder.baseviews if type(v).__name__ == view_name), None)
    user = db.session.get(AppUser, user_id) if user_id else None
    if view is None or not hasattr(view, "export_parts"):
        raise Invalid("该列表已不存在（考核标准修订后），未导出")
    if user is None:
        raise Invalid("发起导出的账号已不存在，未导出")
    with current_app.test_request_context("/", query_string=urlencode([tuple(pair) for pair in args])):
        g.user = user
        login_user(user)  # the list's filters and scope read the request's user
        headings, count, rows = view.export_parts()
        progress.start(count)
        rows = _counted(rows, progress)
        title, target = str(view.list_title), folder / f"list.{suffix}"
        if suffix == "csv":
            with target.open("w", encoding="utf-8", newline="") as out:
                for text in csv_lines(headings, rows):
                    out.write(text)
        elif suffix == "xlsx":
            write_xlsx(target, title, headings, rows)
        else:
            target.write_bytes(pdf_body(title, headings, rows, subtitle=view.print_subtitle()))
    return target, f"{title}.{suffix}", count


def install(app: Flask) -> None:
    app.extensions["list_export"] = export_list
