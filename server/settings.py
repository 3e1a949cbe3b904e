"""The one place that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    data_dir: Path
    # Public base URL used inside QR codes and certificates; empty means
    # "derive it from the request".
    base_url: str = ""
    # Cookies get the Secure flag when the site is served over HTTPS.
    secure_cookies: bool = False
    session_ttl_hours: int = 12
    # Idle lifetime of a "保持登录" session (a phone used for a weekly lecture).
    remember_days: int = 30
    # Login throttling: failures counted in the database within a window,
    # so several processes share one count.
    login_window_minutes: int = 15
    login_max_failures_per_user: int = 5
    # High on purpose: a hospital's staff share one NAT address, and the
    # per-username limit is what stops guessing.
    login_max_failures_per_ip: int = 100
    # After this many failures the login form needs an image captcha (0: never);
    # the address count is higher for the same NAT reason as above.
    login_captcha_after_failures: int = 3
    login_captcha_after_ip_failures: int = 20
    # Production mode never writes SMS codes to logs.
    production: bool = False
    # SMS: "log" appends to $JIJIAO_DATA_DIR/sms-outbox.jsonl (refused in
    # production mode); "http" POSTs JSON to sms_http_url with a bearer token.
    sms_backend: str = "log"
    sms_http_url: str = ""
    sms_http_token: str = ""
    sms_code_ttl_minutes: int = 5
    sms_cooldown_seconds: int = 60
    sms_daily_limit: int = 10
    sms_max_attempts: int = 5
    # SMS pumping (someone making us send texts to numbers they don't own): an
    # address past the captcha count must solve the image captcha for each
    # further code, and gets at most the per-address budget an hour; the whole
    # site sends at most the global budget an hour (a log alert when reached).
    sms_captcha_after_per_ip: int = 5
    sms_per_ip_per_hour: int = 50
    sms_global_per_hour: int = 1000
    # Wrong check-in codes (and claims) from one address within the window: a
    # lecture hall behind one NAT address scanning stale codes stays far below.
    wrong_codes_per_ip: int = 100
    wrong_codes_window_minutes: int = 10
    # Strict-Transport-Security max-age on every answer when > 0 (serve over HTTPS first).
    hsts_seconds: int = 0
    # Seed 001 §5.2: a personal entry approved by the unit counts from the next day.
    personal_credit_next_day: bool = True
    # PostgreSQL connections per app process. `jijiao serve --workers N` divides a
    # budget of 60 among the workers (PostgreSQL's default max_connections is 100)
    # unless this is set; a check-in holds one for a single statement, so 20 already
    # keeps a 2-core database busy.
    pg_pool_size: int = 20
    # Redis for the live attendance signals between processes (optional; PostgreSQL's
    # LISTEN/NOTIFY does it otherwise).
    redis_url: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path:
        """File path of a ``sqlite:///path`` URL (relative paths stay relative)."""
        # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute.db
        return Path(self.database_url[len("sqlite:///") :])

    @property
    def database_kind(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    data_dir = Path(env.get("JIJIAO_DATA_DIR", "./data"))
    database_url = env.get("JIJIAO_DATABASE_URL") or f"sqlite:///{data_dir / 'jijiao.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if not (database_url.startswith("sqlite:///") or database_url.startswith("postgresql://")):
        raise ValueError(
            "JIJIAO_DATABASE_URL must be sqlite:///path or postgresql://user:pass@host:port/db"
        )
    remember_days = int(env.get("JIJIAO_REMEMBER_DAYS", "30"))
    if remember_days < 30:
        # The contract: "保持登录" keeps a session for at least 30 days of use.
        raise ValueError("JIJIAO_REMEMBER_DAYS must be at least 30")
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        base_url=env.get("JIJIAO_BASE_URL", "").rstrip("/"),
        secure_cookies=_bool(env.get("JIJIAO_SECURE_COOKIES")),
        session_ttl_hours=int(env.get("JIJIAO_SESSION_TTL_HOURS", "12")),
        remember_days=remember_days,
        personal_credit_next_day=_bool(env.get("JIJIAO_PERSONAL_CREDIT_NEXT_DAY"), True),
        pg_pool_size=int(env.get("JIJIAO_PG_POOL_SIZE", "20")),
        redis_url=env.get("JIJIAO_REDIS_URL", "").strip(),
        login_window_minutes=int(env.get("JIJIAO_LOGIN_WINDOW_MINUTES", "15")),
        login_max_failures_per_user=int(env.get("JIJIAO_LOGIN_MAX_FAILURES_PER_USER", "5")),
        login_max_failures_per_ip=int(env.get("JIJIAO_LOGIN_MAX_FAILURES_PER_IP", "100")),
        login_captcha_after_failures=int(env.get("JIJIAO_LOGIN_CAPTCHA_AFTER_FAILURES", "3")),
        login_captcha_after_ip_failures=int(env.get("JIJIAO_LOGIN_CAPTCHA_AFTER_IP_FAILURES", "20")),
        production=_bool(env.get("JIJIAO_PRODUCTION")),
        sms_backend=env.get("JIJIAO_SMS_BACKEND", "log").strip().lower() or "log",
        sms_http_url=env.get("JIJIAO_SMS_HTTP_URL", ""),
        sms_http_token=env.get("JIJIAO_SMS_HTTP_TOKEN", ""),
        sms_code_ttl_minutes=int(env.get("JIJIAO_SMS_CODE_TTL_MINUTES", "5")),
        sms_cooldown_seconds=int(env.get("JIJIAO_SMS_COOLDOWN_SECONDS", "60")),
        sms_daily_limit=int(env.get("JIJIAO_SMS_DAILY_LIMIT", "10")),
        sms_max_attempts=int(env.get("JIJIAO_SMS_MAX_ATTEMPTS", "5")),
        sms_captcha_after_per_ip=int(env.get("JIJIAO_SMS_CAPTCHA_AFTER_PER_IP", "5")),
        sms_per_ip_per_hour=int(env.get("JIJIAO_SMS_PER_IP_PER_HOUR", "50")),
        sms_global_per_hour=int(env.get("JIJIAO_SMS_GLOBAL_PER_HOUR", "1000")),
        wrong_codes_per_ip=int(env.get("JIJIAO_WRONG_CODES_PER_IP", "100")),
        wrong_codes_window_minutes=int(env.get("JIJIAO_WRONG_CODES_WINDOW_MINUTES", "10")),
        hsts_seconds=int(env.get("JIJIAO_HSTS_SECONDS", "0")),
    )
