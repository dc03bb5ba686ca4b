"""CISO Assistant interoperability: import its framework libraries, export ours as its libraries.

- :mod:`.library`: a library (YAML in any encoding, or its .xlsx workbook) -> a catalogue that keeps
  ref ids, full descriptions, annotations (as guidance), URNs and translations for the way back.
- :mod:`.workbook`: the library workbook read as ``convert_library_v2.py`` reads it.
- :mod:`.export`: catalogues, the hub objectives and crosswalks -> CISO Assistant library YAML.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from itscm_audit.catalog import Catalogue
from itscm_audit.ciso_assistant.export import (
    export_libraries,
    framework_library,
    library_yaml,
    mapping_library,
)
from itscm_audit.ciso_assistant.library import ImportedLibrary, catalogue_from_library, import_library
from itscm_audit.fsio import write_text_atomic

__all__ = ["ImportedLibrary", "catalogue_from_library", "catalogue_yaml", "export_libraries", "framework_library",
           "import_library", "library_yaml", "mapping_library", "write_catalogue"]


def catalogue_yaml(cat: Catalogue) -> str:
    """The catalogue as itscm-audit YAML (defaults left out, so the file stays readable)."""
    data = cat.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def write_catalogue(cat: Catalogue, out: Path) -> Path:
    """Write the catalogue YAML to ``out`` (temporary name in the same folder, then rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, catalogue_yaml(cat))
    return out
