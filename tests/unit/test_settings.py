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
