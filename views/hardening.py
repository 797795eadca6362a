"""What every answer carries, and how malformed requests are answered (never a server error).

Headers: a content security policy (scripts, styles, images and forms from this origin only; no
framing; no plugins), X-Frame-Options, nosniff, a same-origin referrer, and HSTS in production.
The development server's version banner is replaced (gunicorn sends none).

Malformed input: a JSON body nested deeper than ``MAX_JSON_DEPTH`` is refused before anything
parses it (Python's parser would exhaust its recursion limit), with 400 and a Chinese message, on
every route (the anonymous token login included); so are list arguments Flask-AppBuilder would
fail on (a page or page size that is not a small whole number, a sort column the list does not have).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from werkzeug.serving import WSGIRequestHandler

# FAB's and Flask-Admin's templates use inline scripts and styles, so 'unsafe-inline' stays for those;
# everything else (scripts, styles, fonts, images, frames, form targets) is limited to this origin.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
MAX_JSON_DEPTH = 32
TOO_DEEP = "请求体的 JSON 嵌套层数过多（最多 {depth} 层），未处理"
PAGE_ARGUMENT = re.compile(r"^(page|psize)_(\w+)$")
SORT_ARGUMENT = re.compile(r"^_oc_(\w+)$")
SMALL_NUMBER = re.compile(r"^-?\d{1,7}$")


def json_depth(body: bytes, limit: int) -> int:
    """How deep the JSON text nests (brackets outside strings), stopping once past ``limit``."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def install(app: Flask) -> None:
    production = bool(app.config.get("PLATFORM_PRODUCTION"))

    @app.before_request
    def _json_not_too_deep() -> Any:
        if request.mimetype != "application/json" or request.content_length == 0:
            return None
        if json_depth(request.get_data(cache=True), MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            abort(400, description=TOO_DEEP.format(depth=MAX_JSON_DEPTH))
        return None

    @app.before_request
    def _list_arguments_readable() -> Any:
        if request.method != "GET" or not request.args:
            return None
        views = None
        for key, value in request.args.items():
            if PAGE_ARGUMENT.match(key) and not SMALL_NUMBER.match(value):
                abort(400, description="分页参数无效：页码和每页条数应为整数")
            found = SORT_ARGUMENT.match(key)
            if found:
                views = views or {type(v).__name__: v for v in app.appbuilder.baseviews}
                view = views.get(found.group(1))
                if view is not None and value not in (getattr(view, "order_columns", None) or ()):
                    abort(400, description=f"排序字段“{value[:40]}”无效")
        return None

    @app.after_request
    def _security_headers(response: Any) -> Any:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if production:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def _no_version(_handler: Any) -> str:
    return "platform"


# The development server (flask run, start.sh) names its and Python's versions in every answer and
# the application cannot take the header back; gunicorn sends no version.
WSGIRequestHandler.version_string = _no_version
