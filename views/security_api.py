"""The REST API's login and refresh, with the browser login's protections.

- The login needs the same captcha as the form when LOGIN_CAPTCHA is on (``GET
  /api/v1/security/captcha`` issues one: a token and its image) and goes through the same
  throttling per account name and client; its refusals do not tell whether a name exists.
- Tokens carry the account's session generation (accounts.sessions): logging out, a password change
  or reset and deactivation revoke them.
- A refresh token works once: exchanging it spends it and returns a new access and refresh token.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.api import SecurityApi
from flask_jwt_extended import create_access_token, create_refresh_token, get_jwt, get_jwt_identity, jwt_required

from accounts import captcha, sessions
from views.login import CAPTCHA_WRONG, LOGIN_WRONG, MUST_CHANGE_API

STRING_LIMIT = 256


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) and len(value) <= STRING_LIMIT else None


class TokenApi(SecurityApi):
    def _tokens(self, user: Any, refresh: bool) -> dict[str, str]:
        found = {"access_token": create_access_token(identity=str(user.id), fresh=True, additional_claims=sessions.claims(user))}
        if refresh:
            found["refresh_token"] = create_refresh_token(identity=str(user.id), additional_claims=sessions.claims(user))
        return found

    @expose("/login", methods=["POST"])
    @safe
    def login(self) -> Any:
        """Log in and get an access token (and a refresh token with ``"refresh": true``).
        ---
        post:
          description: >-
            用户名、密码（及开启图片验证码时的 captcha_token 与 captcha）换取访问令牌
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    username: {type: string}
                    password: {type: string}
                    provider: {type: string, enum: [db]}
                    refresh: {type: boolean}
                    captcha_token: {type: string}
                    captcha: {type: string}
          responses:
            200:
              description: 登录成功
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message='请求体应为 JSON 对象：{"username": ..., "password": ..., "provider": "db"}')
        username, password = _text(body, "username"), _text(body, "password")
        if not username or not password or body.get("provider", "db") != "db":
            return self.response_400(message="请填写用户名（username）和密码（password），provider 应为 db")
        if captcha.enabled() and not captcha.consume(_text(body, "captcha_token"), _text(body, "captcha")):
            return self.response(401, message=CAPTCHA_WRONG)
        user, refused = self.appbuilder.sm.authenticate(username, password)
        if refused is not None:
            return self.response(429 if refused.seconds else 401, message=refused.message)
        if user is None:
            return self.response(401, message=LOGIN_WRONG)
        if user.must_change_password:
            return self.response(403, message=MUST_CHANGE_API)
        return self.response(200, **self._tokens(user, body.get("refresh") is True))

    @expose("/refresh", methods=["POST"])
    @jwt_required(refresh=True)
    @safe
    def refresh(self) -> Any:
        """Exchange a refresh token (once) for a new access token and refresh token.
        ---
        post:
          description: >-
            用刷新令牌换取新的访问令牌和刷新令牌；每个刷新令牌只能使用一次
          responses:
            200:
              description: 新的令牌
            401:
              $ref: '#/components/responses/401'
          security:
            - jwt_refresh: []
        """
        user = self.appbuilder.sm.get_user_by_id(get_jwt_identity())
        data = get_jwt()
        if user is None or not user.is_active or not sessions.token_current(user, data):
            return self.response(401, message="令牌已失效，请重新登录")
        if not sessions.spend(self.appbuilder.session, data, user.id):
            return self.response(401, message="该刷新令牌已使用过，请重新登录")
        return self.response(200, **self._tokens(user, True))

    @expose("/captcha", methods=["GET"])
    @safe
    def captcha(self) -> Any:
        """A captcha for the token login: its token and its image (a PNG data URI).
        ---
        get:
          description: >-
            获取一张图片验证码（登录时连同 captcha_token 提交图片中的字符）
          responses:
            200:
              description: 验证码
            404:
              $ref: '#/components/responses/404'
        """
        if not captcha.enabled():
            return self.response_404()
        token, image = captcha.issue()
        return self.response(200, captcha_token=token, image=image)
