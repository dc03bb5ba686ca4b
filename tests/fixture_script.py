"""The fixture generators under ``scripts/``, loaded once for every import test module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fx = _load("make_import_fixtures")
"""One generated fixture per failure mode (scripts/make_import_fixtures.py)."""
shapes = _load("make_foreign_fixtures")
"""One generated register per shape other organisations keep (scripts/make_foreign_fixtures.py)."""
