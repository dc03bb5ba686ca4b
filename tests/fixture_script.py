"""The fixture generator ``scripts/make_import_fixtures.py``, loaded once for every import test module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    if "make_import_fixtures" in sys.modules:
        return sys.modules["make_import_fixtures"]
    spec = importlib.util.spec_from_file_location("make_import_fixtures", ROOT / "scripts" / "make_import_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_import_fixtures"] = module
    spec.loader.exec_module(module)
    return module


fx = _load()
