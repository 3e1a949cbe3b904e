"""Every migration has an ID of its own: Piccolo records applied migrations by ID, so a second file
with an ID already applied is silently skipped (0071's unique index was, once)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[2] / "server" / "migrations"


def test_no_two_migrations_share_an_id():
    ids = {}
    for path in sorted(MIGRATIONS.glob("jijiao_*.py")):
        match = re.search(r'^ID = "([^"]+)"', path.read_text(encoding="utf-8"), re.M)
        assert match, f"{path.name} has no ID"
        ids[path.name] = match.group(1)
    shared = {i for i, n in Counter(ids.values()).items() if n > 1}
    assert not shared, {name: i for name, i in ids.items() if i in shared}
