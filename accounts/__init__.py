"""Login hardening: captcha, account lockout, password policy (no screens here; see views/login.py)."""
