"""Configuration from the environment, with defaults that run on a fresh machine."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VAR = Path(os.environ.get("PLATFORM_VAR_DIR", ROOT / "var"))
INSTANCE = Path(os.environ.get("PLATFORM_INSTANCE_DIR", ROOT / "instance"))
SECRET_KEY_FILE = INSTANCE / "secret_key"  # written by scripts/start.sh on the first run, never committed
MIN_SECRET_KEY_BYTES = 32


def production() -> bool:
    return os.environ.get("PLATFORM_ENV", "development") == "production"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def default_pack() -> str:
    """The criteria pack folder the platform runs (``CRITERIA_PACK``)."""
    return os.environ.get("CRITERIA_PACK") or str(ROOT / "criteria" / "qingdao")


def secret_key() -> str | None:
    """``SECRET_KEY`` from the environment, else the instance folder's key file (None: neither)."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if SECRET_KEY_FILE.is_file():
        return SECRET_KEY_FILE.read_text(encoding="utf-8").strip() or None
    return None


def default_config() -> dict:
    """Settings read when the app is created; ``create_app(overrides)`` may replace any of them."""
    VAR.mkdir(parents=True, exist_ok=True)
    return {
        "SECRET_KEY": secret_key(),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or f"sqlite:///{VAR / 'platform.db'}",
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "EVIDENCE_DIR": os.environ.get("EVIDENCE_DIR") or str(VAR / "evidence"),
        # Where evidence and job files live (storage.config): empty for EVIDENCE_DIR and JOB_FILES_DIR on
        # this host, or s3://bucket/prefix for a bucket every host reaches (S3_* below).
        "FILE_STORAGE": os.environ.get("FILE_STORAGE") or "",
        "JOB_FILES_DIR": os.environ.get("JOB_FILES_DIR") or str(VAR / "jobs"),
        # The job queue (jobs.queue): empty for a SQLite file on this host (JOB_QUEUE_FILE), or
        # redis://host:6379/1 for one queue every host's workers take from. A running job whose worker
        # has not reported for JOB_STALE_SECONDS is queued again, at most JOB_MAX_ATTEMPTS times.
        "JOB_QUEUE": os.environ.get("JOB_QUEUE") or "",
        "JOB_QUEUE_FILE": os.environ.get("JOB_QUEUE_FILE") or str(VAR / "job-queue.sqlite3"),
        "JOB_QUEUE_NAME": os.environ.get("JOB_QUEUE_NAME") or "platform-jobs",  # its keys in Redis
        "JOB_STALE_SECONDS": float(os.environ.get("JOB_STALE_SECONDS") or 60),
        "JOB_MAX_ATTEMPTS": _int("JOB_MAX_ATTEMPTS", 3),
        # A list's pager counts its rows up to this many (then shows “10000+”): an exact count reads
        # every row of the list, which at a province's size costs more than the page. 0: exact.
        "LIST_COUNT_LIMIT": _int("LIST_COUNT_LIMIT", 10000),
        # A count that reached the limit is kept this many seconds for the same query (0: never):
        # it stays “10000+” until mass deletion, and a count under the limit is never kept.
        "LIST_COUNT_KEEP_SECONDS": float(os.environ.get("LIST_COUNT_KEEP_SECONDS") or 30),
        # Processes a period's full recompute plans its passes in (forked, from 2,000 enterprises;
        # 1: in the process that asks). Each takes a core while it runs.
        "RECOMPUTE_PROCESSES": _int("RECOMPUTE_PROCESSES", min(os.cpu_count() or 1, 4)),
        # A list export longer than this many rows runs as a job (任务) instead of in the request.
        "EXPORT_SYNC_ROWS": _int("EXPORT_SYNC_ROWS", 2000),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL") or "",
        "S3_REGION": os.environ.get("S3_REGION") or "",
        "S3_ACCESS_KEY_ID": os.environ.get("S3_ACCESS_KEY_ID") or "",
        "S3_SECRET_ACCESS_KEY": os.environ.get("S3_SECRET_ACCESS_KEY") or "",
        # Uploads larger than this are refused before the body is read (PDF evidence, 20 MB by default).
        "MAX_CONTENT_LENGTH": int(os.environ.get("EVIDENCE_MAX_MB", "20")) * 1024 * 1024 + 64 * 1024,
        # Pages an evidence PDF may have (a larger one is refused before it is parsed in full).
        "EVIDENCE_MAX_PAGES": _int("EVIDENCE_MAX_PAGES", 500),
        # How long the 办理 page waits after the last keystroke before it saves the fill-in table.
        "AUTOSAVE_DELAY_MS": _int("AUTOSAVE_DELAY_MS", 1500),
        # Where printed verification codes point (the address people reach the platform at).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000",
        # The certificate that signs settled forms (PKCS#12; scripts/start.sh makes a self-signed one
        # for development) and its passphrase. Without the file, forms print unsigned.
        "FORM_SIGNING_P12": os.environ.get("FORM_SIGNING_P12") or str(INSTANCE / "form-signing.p12"),
        "FORM_SIGNING_PASSPHRASE": os.environ.get("FORM_SIGNING_PASSPHRASE") or "",
        "CRITERIA_PACK": default_pack(),
        # How often a serving process looks for a revision of the guide that changes its screens (a
        # negative value: never; such a process follows the guide's structure only when restarted).
        "GUIDE_CHECK_SECONDS": float(os.environ.get("GUIDE_CHECK_SECONDS") or 3),
        # A serving process reports itself in platform_worker (criteria apply --force waits for none);
        # an app created for tests (TESTING) never does.
        "WORKER_HEARTBEAT": _flag("WORKER_HEARTBEAT", True),
        # Where a forced (destructive) criteria schema change writes its backup first.
        "BACKUP_DIR": os.environ.get("BACKUP_DIR") or str(VAR / "backups"),
        "APP_NAME": "建筑施工安全生产考核平台",
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": {"zh": {"flag": "cn", "name": "简体中文"}},
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "AUTH_TYPE": 1,  # AUTH_DB: accounts and password hashes in the database
        "AUTH_ROLE_PUBLIC": "匿名访客",
        "FAB_CREATE_DB": False,  # the schema comes from Alembic migrations, never from create_all
        "FAB_API_SWAGGER_UI": True,
        # Permissions derive from the pack's roles; their raw technical names are not a screen for users.
        "FAB_ADD_SECURITY_PERMISSION_VIEW": False,
        "FAB_ADD_SECURITY_VIEW_MENU_VIEW": False,
        "FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW": False,
        "FAB_SECURITY_MANAGER_CLASS": "views.security.AppSecurityManager",
        "FAB_INDEX_VIEW": "views.home.HomeView",
        "WTF_CSRF_ENABLED": True,
        # Session cookie: not readable by scripts, not sent on cross-site posts, HTTPS-only in
        # production; a session idle for PERMANENT_SESSION_LIFETIME seconds has to log in again.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production(),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_IDLE_SECONDS", "1800")),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "PLATFORM_PRODUCTION": production(),
        "WTF_CSRF_TIME_LIMIT": None,
        # Login hardening (accounts/): an image captcha on the login form, lockout after repeated
        # failures, a password policy wherever a password is set.
        "LOGIN_CAPTCHA": _flag("LOGIN_CAPTCHA", True),
        "LOGIN_CAPTCHA_TTL_SECONDS": _int("LOGIN_CAPTCHA_TTL_SECONDS", 300),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_FAILURE_WINDOW_MINUTES": _int("LOGIN_FAILURE_WINDOW_MINUTES", 15),
        "LOGIN_LOCK_MINUTES": _int("LOGIN_LOCK_MINUTES", 15),
        # Failures of one name from one client after which each further attempt must wait (1, 2, 4 ... s).
        "LOGIN_DELAY_AFTER": _int("LOGIN_DELAY_AFTER", 3),
        # Rate limits on the password doors (views.throttling), per client address and per account
        # name; counters in memory by default, in Redis (redis://host:6379/0) for several workers or hosts.
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT") or "20 per minute;100 per hour",
        "ACCOUNT_RATE_LIMIT": os.environ.get("ACCOUNT_RATE_LIMIT") or "10 per minute;50 per hour",
        "VERIFY_RATE_LIMIT": os.environ.get("VERIFY_RATE_LIMIT") or "10 per minute;60 per hour",
        # Reverse proxies in front of the platform whose X-Forwarded-For is trusted for the client address.
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "PASSWORD_MIN_LENGTH": _int("PASSWORD_MIN_LENGTH", 8),
        # Character classes a password must contain: any of lower, upper, digit, symbol.
        "PASSWORD_REQUIRED_CLASSES": os.environ.get("PASSWORD_REQUIRED_CLASSES") or "lower,upper,digit,symbol",
        "FAB_PASSWORD_COMPLEXITY_ENABLED": True,
    }
