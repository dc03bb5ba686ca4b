"""The fixture generators under ``scripts/``, each loaded once for every test module that uses it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def load(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a module (cached in ``sys.modules``)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fx = load("make_import_fixtures")
"""One generated fixture per failure mode (scripts/make_import_fixtures.py)."""
trust = load("make_trust_fixtures")
shapes = load("make_foreign_fixtures")
"""One generated register per shape other organisations keep (scripts/make_foreign_fixtures.py)."""
onboarding = load("make_onboarding_fixtures")
"""A folder of an organisation's own files for ``init --from`` (scripts/make_onboarding_fixtures.py)."""
