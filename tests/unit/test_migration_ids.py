"""Piccolo orders migrations by their ID and knows them by it: two files with one ID means one never runs."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[2] / "server" / "migrations"


def _ids() -> dict[str, str]:
    """{file name: ID}."""
    return {path.name: re.search(r'^ID = "([^"]+)"$', path.read_text(encoding="utf-8"), re.MULTILINE).group(1)
            for path in MIGRATIONS.glob("jijiao_*.py")}


def test_every_migration_has_an_id_of_its_own():
    ids = Counter(_ids().values())
    assert [migration_id for migration_id, n in ids.items() if n > 1] == []


def test_the_initial_schema_runs_first():
    # A migration with an ID from before the squash (2026-12-06T10:00) would run on an empty database.
    ids = _ids()
    assert min(ids, key=ids.__getitem__) == "jijiao_0100_initial.py"
