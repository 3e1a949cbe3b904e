"""Piccolo orders migrations by their ID and knows them by it: two files with one ID means one never runs."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[2] / "server" / "migrations"


def test_every_migration_has_an_id_of_its_own():
    ids = Counter(re.search(r'^ID = "([^"]+)"$', path.read_text(encoding="utf-8"), re.MULTILINE).group(1)
                  for path in MIGRATIONS.glob("jijiao_*.py"))
    assert [migration_id for migration_id, n in ids.items() if n > 1] == []
