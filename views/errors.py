"""Errors as each door expects them: JSON with a Chinese message for the REST API, a page otherwise.
Nothing a client sends is answered with a server error page naming what went wrong inside."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, flash, redirect, render_template, request
from flask_appbuilder.utils.base import get_safe_redirect
from flask_wtf.csrf import CSRFError

from models.criteria_versions import VersionUnloadable

log = logging.getLogger(__name__)


def install(app: Flask) -> None:
    def refusal(status: int, message: str, template: str = "refused.html", **page: Any) -> Any:
        """An error as the door expects it: JSON with the message for the REST API, else a page."""
        if request.path.startswith("/api/"):
            return {"message": message}, status
        return render_template(
            template, message=message, base_template=app.appbuilder.base_template, appbuilder=app.appbuilder, **page
        ), status

    @app.errorhandler(400)
    def _bad_request(error: Exception) -> Any:
        said = getattr(error, "description", None)
        own = isinstance(said, str) and not said.isascii()  # the platform's own (Chinese) reason
        return refusal(400, said if own else "请求的格式不正确，未做任何修改；请检查填写的内容后重试。")

    @app.errorhandler(404)
    def _not_found(_error: Exception) -> Any:
        return refusal(404, "未找到该记录，或它不在您的数据范围内", "not_found.html")

    @app.errorhandler(405)
    def _not_allowed(_error: Exception) -> Any:
        return refusal(405, "该地址不支持此操作方式。")

    @app.errorhandler(CSRFError)
    def _csrf_refused(_error: Exception) -> Any:
        return refusal(400, "页面已过期或来源不明（缺少有效的安全令牌），未做任何修改；请刷新页面后重新提交。")

    @app.errorhandler(403)
    def _forbidden(_error: Exception) -> Any:
        return refusal(403, "无权执行此操作", "forbidden.html")

    @app.errorhandler(429)
    def _too_many(_error: Exception) -> Any:
        return refusal(429, "请求过于频繁，请稍后再试。")

    @app.errorhandler(VersionUnloadable)
    def _version_unloadable(error: VersionUnloadable) -> Any:
        log.error("%s", error)
        return refusal(500, str(error), title="考核标准版本无法载入")

    @app.errorhandler(413)
    def _too_large(_error: Exception) -> Any:
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        message = f"文件过大：单个文件不能超过 {limit} MB，未上传任何内容。"
        if request.path.startswith("/api/"):
            return {"message": message}, 413
        flash(message, "danger")
        return redirect(get_safe_redirect(request.referrer or "/"))
