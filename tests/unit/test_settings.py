from pathlib import Path

import pytest

from server.settings import load_settings


def test_default_database_is_sqlite_in_data_dir():
    settings = load_settings({})
    assert settings.is_sqlite
    assert settings.sqlite_path == Path("data/jijiao.db")


def test_absolute_sqlite_path():
    assert load_settings({"JIJIAO_DATABASE_URL": "sqlite:////tmp/x.db"}).sqlite_path == Path("/tmp/x.db")


def test_postgres_scheme_alias_is_normalised():
    settings = load_settings({"JIJIAO_DATABASE_URL": "postgres://u@h/db"})
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.database_kind == "postgresql"


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ValueError):
        load_settings({"JIJIAO_DATABASE_URL": "mysql://x"})


def test_sms_settings_default_to_the_log_gateway_and_read_the_environment():
    from server.settings import load_settings

    default = load_settings({})
    assert (default.sms_backend, default.sms_code_ttl_minutes, default.sms_cooldown_seconds,
            default.sms_daily_limit, default.sms_max_attempts) == ("log", 5, 60, 10, 5)
    custom = load_settings({"JIJIAO_SMS_BACKEND": "HTTP", "JIJIAO_SMS_HTTP_URL": "https://sms.example/send",
                            "JIJIAO_SMS_HTTP_TOKEN": "secret", "JIJIAO_SMS_CODE_TTL_MINUTES": "10"})
    assert (custom.sms_backend, custom.sms_http_url, custom.sms_http_token, custom.sms_code_ttl_minutes) == (
        "http", "https://sms.example/send", "secret", 10)
