"""The ``q`` argument of the REST API (Rison): a value the parser cannot read is a 400, not a 500.

Flask-AppBuilder's ``@rison`` catches the parser's own ParserException, but prison raises a bare
ValueError on some numbers (``q=1e+5``: it reads ``1e`` as a float), which escaped as a server error.
"""

from __future__ import annotations

from typing import Any

import prison
from flask import Flask, request


def guard_query(app: Flask) -> None:
    @app.before_request
    def _readable_query() -> Any:
        value = request.args.get("q")
        if not value or not request.path.startswith("/api/"):
            return None
        try:
            prison.loads(value)
        except prison.decoder.ParserException:
            return None  # FAB answers these itself (and tries the value as JSON first)
        except Exception:  # whatever else the parser raises on a malformed value
            return {"message": "查询参数 q 无效：应为 Rison 格式，如 (page:0,page_size:20)"}, 400
        return None
