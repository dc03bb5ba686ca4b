"""Import a CISO Assistant framework library (YAML) as an itscm-audit catalogue.

CISO Assistant (intuitem) publishes framework libraries with a ``urn``, library metadata and
``objects.framework.requirement_nodes`` (``urn``, ``ref_id``, ``name``, ``description``,
``assessable``, ``depth``, ``parent_urn``). Only the format is read here: a workspace can bring a
library it already uses and then map its requirements to the hub objectives with its own crosswalk.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from itscm_audit.catalog import Catalogue, read_yaml
from itscm_audit.errors import CatalogError
from itscm_audit.fsio import write_text_atomic

_ID_CHARS = re.compile(r"[^a-z0-9_.-]+")
MAX_SUMMARY = 300


def _urn_tail(urn: str) -> str:
    return urn.rsplit(":", 1)[-1]


def _framework_id(urn: str) -> str:
    fid = _ID_CHARS.sub("-", _urn_tail(urn).lower()).strip("-._")
    return fid or "ciso-assistant-framework"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def catalogue_from_library(data: Any, path: Path) -> Catalogue:
    """Convert a parsed CISO Assistant library to a :class:`Catalogue`; errors name file and node."""
    where = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("objects"), dict):
        raise CatalogError("not a CISO Assistant library: no 'objects' mapping", location=where)
    fw = data["objects"].get("framework")
    if isinstance(fw, list) and len(fw) == 1:  # some libraries list the framework
        fw = fw[0]
    if not isinstance(fw, dict):
        raise CatalogError("CISO Assistant library has no 'objects.framework'", location=where,
                           hint="only framework libraries can be imported (not risk matrices or threat lists)")
    nodes = fw.get("requirement_nodes")
    if not isinstance(nodes, list) or not nodes:
        raise CatalogError("CISO Assistant framework has no 'requirement_nodes'", location=where)
    fw_urn = str(fw.get("urn") or data.get("urn") or path.stem)
    ids_by_urn: dict[str, str] = {}
    requirements: list[dict[str, Any]] = []
    for index, node in enumerate(nodes):
        if not isinstance(node, dict) or not node.get("urn"):
            raise CatalogError(f"requirement node #{index + 1} has no 'urn'", location=where)
        urn = str(node["urn"])
        if urn in ids_by_urn:
            raise CatalogError(f"duplicate requirement node (entry {urn})", location=where)
        rid = _text(node.get("ref_id")) or _urn_tail(urn)
        if rid in ids_by_urn.values():
            rid = _urn_tail(urn)  # ref_id repeated in the library: fall back to the urn
        ids_by_urn[urn] = rid
        parent_urn = node.get("parent_urn")
        title = _text(node.get("name")) or _text(node.get("ref_id")) or rid
        description = _text(node.get("description"))
        requirements.append({
            "id": rid, "parent": parent_urn, "title": title,
            "summary": description[:MAX_SUMMARY] if description else None,
            "heading": node.get("assessable") is False,
        })
    for req in requirements:
        if req["parent"] is not None:
            parent = ids_by_urn.get(str(req["parent"]))
            if parent is None:
                raise CatalogError(f"requirement node has unknown parent_urn {req['parent']!r} (entry {req['id']})",
                                   location=where)
            req["parent"] = parent
    meta = {
        "id": _framework_id(fw_urn),
        "title": _text(fw.get("name")) or _text(data.get("name")) or _framework_id(fw_urn),
        "version": str(data.get("version", "1")),
        "publisher": _text(data.get("provider")) or _text(data.get("packager")) or "unknown",
        "jurisdiction": "unspecified",
        "kind": "standard",
        "source": f"CISO Assistant library {data.get('urn', fw_urn)}",
        "licence_note": _text(data.get("copyright")) or "See the copyright of the imported library.",
    }
    from itscm_audit.catalog import _validate

    return _validate(Catalogue, {"framework": meta, "requirements": requirements}, path)  # type: ignore[no-any-return]


def import_library(path: Path) -> Catalogue:
    """Read a CISO Assistant framework library file."""
    return catalogue_from_library(read_yaml(path), path)


def catalogue_yaml(cat: Catalogue) -> str:
    """The catalogue as itscm-audit YAML (defaults left out, so the file stays readable)."""
    data = cat.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def write_catalogue(cat: Catalogue, out: Path) -> Path:
    """Write the catalogue YAML to ``out`` (temporary name in the same folder, then rename)."""
    write_text_atomic(out, catalogue_yaml(cat))
    return out
