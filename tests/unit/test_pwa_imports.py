"""Every name a PWA module imports is exported by the module it names.

A browser stops at the first missing export and the whole page stays blank (a merge once
dropped `CREDIT_CATEGORY` from labels.js and every trainee page failed to load), so check the
graph statically, in milliseconds, instead of finding out in a browser test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PWA = Path(__file__).resolve().parents[2] / "pwa"
MODULES = sorted(PWA.rglob("*.js"))

_IMPORT = re.compile(r"^import\s*\{([^}]*)\}\s*from\s*'([^']+)';", re.M | re.S)
_EXPORT_DECL = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+(\w+)", re.M)
_EXPORT_LIST = re.compile(r"^export\s*\{([^}]*)\}", re.M | re.S)


def _exports(module: Path) -> set[str]:
    text = module.read_text(encoding="utf-8")
    names = set(_EXPORT_DECL.findall(text))
    for group in _EXPORT_LIST.findall(text):
        names.update(part.split(" as ")[-1].strip() for part in group.split(",") if part.strip())
    return names


def _imports(module: Path) -> list[tuple[str, Path]]:
    found = []
    for group, target in _IMPORT.findall(module.read_text(encoding="utf-8")):
        if not target.startswith("."):
            continue
        for part in group.split(","):
            if part.strip():
                found.append((part.split(" as ")[0].strip(), (module.parent / target).resolve()))
    return found


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PWA)))
def test_every_imported_name_is_exported(module):
    missing = [f"{name} from {target.relative_to(PWA)}" for name, target in _imports(module)
               if not target.exists() or name not in _exports(target)]
    assert not missing, missing


def test_the_check_finds_imports_at_all():
    # A regex that matched nothing would pass every module above.
    assert sum(len(_imports(m)) for m in MODULES) > 100
