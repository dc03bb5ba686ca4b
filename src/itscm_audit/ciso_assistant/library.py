"""A CISO Assistant framework library (YAML, or its .xlsx workbook) as an itscm-audit catalogue.

CISO Assistant (intuitem) publishes framework libraries with a ``urn``, library metadata and
``objects.framework.requirement_nodes`` (``urn``, ``ref_id``, ``name``, ``description``,
``annotation``, ``assessable``, ``depth``, ``parent_urn``, ``translations``...). The import keeps
what is needed to go back: ref ids as requirement ids (the node id from the URN only when the
library gives none, and the notes say so), full descriptions, annotations as guidance, URNs,
translations, and every other field verbatim under ``ciso_assistant``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from itscm_audit.catalog import Catalogue, _validate, read_yaml
from itscm_audit.errors import CatalogError, UsageError

_ID_CHARS = re.compile(r"[^a-z0-9_.-]+")
_FRAMEWORK_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
TITLE_LENGTH = 100
"""A title taken from a description stops at the last whole word within this many characters."""
NODE_FIELDS = ("urn", "ref_id", "name", "description", "annotation", "assessable", "depth", "parent_urn",
               "translations")
"""Node fields the catalogue models itself; every other node field is kept verbatim."""


@dataclass(frozen=True)
class ImportedLibrary:
    """The catalogue read from a CISO Assistant library, and what the reader had to fill in or leave out."""

    catalogue: Catalogue
    notes: tuple[str, ...] = ()


def _urn_tail(urn: str) -> str:
    return urn.rsplit(":", 1)[-1]


def framework_id_for(urn: str, ref_id: str | None = None) -> str:
    """Our framework id for a CISO Assistant framework: the end of its URN (else its ref_id), in lower case."""
    for candidate in (_urn_tail(urn), ref_id or ""):
        fid = _ID_CHARS.sub("-", candidate.lower()).strip("-._")
        if fid:
            return fid
    return "ciso-assistant-framework"


def check_framework_id(framework_id: str) -> str:
    """A framework id given with ``--id``: lower-case letters, digits, ``-``, ``_`` and ``.``."""
    if not _FRAMEWORK_ID.match(framework_id):
        raise UsageError(f"{framework_id!r} is not a framework id",
                         hint="use lower-case letters, digits, '-', '_' or '.', starting with a letter or digit")
    return framework_id


def _text(value: Any) -> str | None:
    """A field as text (YAML may read ``4.1`` as a number), or None when absent or blank."""
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def title_from(description: str) -> str:
    """A short title from a description: its first line, cut at a word boundary."""
    first = " ".join(description.strip().splitlines()[0].split()) if description.strip() else ""
    if len(first) <= TITLE_LENGTH:
        return first
    cut = first[:TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut or first[:TITLE_LENGTH]}…"


def plain(value: Any) -> Any:
    """A value as our YAML will hold it (dates as ISO text), so a catalogue equals its reloaded copy."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _split_translations(value: Any) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, Any]]]:
    """Text translations (name, description, annotation...) and the rest (questions...), kept apart."""
    texts: dict[str, dict[str, str]] = {}
    other: dict[str, dict[str, Any]] = {}
    if not isinstance(value, dict):
        return texts, other
    for locale, fields in value.items():
        if not isinstance(fields, dict):
            continue
        for key, text in fields.items():
            if isinstance(text, str):
                texts.setdefault(str(locale), {})[str(key)] = text
            else:
                other.setdefault(str(locale), {})[str(key)] = plain(text)
    return texts, other


def _the_framework(data: dict[str, Any], where: str) -> dict[str, Any]:
    objects = data["objects"]
    fw: Any = objects.get("framework", objects.get("frameworks"))
    if isinstance(fw, list):
        if len(fw) != 1:
            refs = ", ".join(str(f.get("ref_id") or f.get("urn")) for f in fw if isinstance(f, dict)) or "none"
            raise CatalogError(f"CISO Assistant library holds {len(fw)} frameworks ({refs})", location=where,
                               hint="split the library so that each file holds one framework")
        fw = fw[0]
    if not isinstance(fw, dict):
        kinds = ", ".join(sorted(str(k) for k in objects)) or "nothing"
        hint = ("a mapping library links two frameworks; import the frameworks themselves"
                if any(str(k).startswith("requirement_mapping_set") for k in objects)
                else "only framework libraries can be imported (not risk matrices or threat lists)")
        raise CatalogError(f"CISO Assistant library has no 'objects.framework' (it holds {kinds})",
                           location=where, hint=hint)
    return fw


def _node_ids(nodes: list[Any], where: str) -> tuple[dict[str, str], list[str]]:
    """Node URN (lower case, as CISO Assistant compares them) -> requirement id; plus the notes."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    missing: list[str] = []
    repeated: list[str] = []
    for index, node in enumerate(nodes):
        if not isinstance(node, dict) or not _text(node.get("urn")):
            raise CatalogError(f"requirement node #{index + 1} has no 'urn'", location=where)
        urn = str(node["urn"])
        if urn.lower() in ids:
            raise CatalogError(f"duplicate requirement node (entry {urn})", location=where)
        ref = _text(node.get("ref_id"))
        rid = ref.strip() if ref else None
        if rid is None:
            missing.append(_urn_tail(urn))
        elif rid in used:
            repeated.append(rid)
            rid = None
        if rid is None:
            rid = _urn_tail(urn)
            suffix = 2
            while rid in used:
                rid, suffix = f"{_urn_tail(urn)}-{suffix}", suffix + 1
        used.add(rid)
        ids[urn.lower()] = rid
    notes = []
    if missing:
        shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        notes.append(f"{len(missing)} requirement(s) have no ref_id in the library: their id is the node id "
                     f"from the URN ({shown})")
    if repeated:
        notes.append(f"{len(repeated)} ref_id(s) are repeated in the library ({', '.join(sorted(set(repeated)))}): "
                     "the later nodes use their node id from the URN")
    return ids, notes


def _requirement(node: dict[str, Any], rid: str, ids: dict[str, str], where: str) -> dict[str, Any]:
    urn = str(node["urn"])
    ref = _text(node.get("ref_id"))
    name = _text(node.get("name"))
    description = _text(node.get("description"))
    derived: list[str] = []
    if ref is None or ref.strip() != rid:
        derived.append("id")
    if name is not None:
        title = name.strip()
    else:
        derived.append("title")
        title = title_from(description) if description else (ref or rid).strip()
    parent = None
    if _text(node.get("parent_urn")):
        parent = ids.get(str(node["parent_urn"]).lower())
        if parent is None:
            raise CatalogError(f"requirement node has unknown parent_urn {node['parent_urn']!r} (entry {rid})",
                               location=where)
    texts, other_translations = _split_translations(node.get("translations"))
    extra = {k: plain(v) for k, v in node.items() if k not in NODE_FIELDS}
    if ref is not None and "id" in derived:
        extra["ref_id"] = ref  # a repeated ref_id: kept so the export gives it back
    for key in ("description", "annotation"):
        if key in node and node[key] is not None and _text(node[key]) is None:
            extra[key] = node[key]  # present but blank: kept so the export gives it back
    if name is not None and name != title:
        extra["name"] = name  # spaces around it: kept so the export gives it back
    if other_translations:
        extra["translations"] = other_translations
    out: dict[str, Any] = {"id": rid, "parent": parent, "title": title, "summary": description,
                           "heading": not node.get("assessable", True),
                           "urn": urn, "guidance": _text(node.get("annotation")), "translations": texts,
                           "derived": derived, "ciso_assistant": extra}
    return out


def _updated(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def catalogue_from_library(data: Any, path: Path, framework_id: str | None = None) -> ImportedLibrary:
    """Convert a parsed CISO Assistant library to a catalogue; errors name the file and the node."""
    where = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("objects"), dict):
        raise CatalogError("not a CISO Assistant library: no 'objects' mapping", location=where,
                           hint="expected a framework library (YAML with urn and objects.framework) or its workbook; "
                                "tables of records (assets, risks, controls...) go through 'itscm-audit import'")
    fw = _the_framework(data, where)
    nodes = fw.get("requirement_nodes")
    if not isinstance(nodes, list) or not nodes:
        raise CatalogError("CISO Assistant framework has no 'requirement_nodes'", location=where)
    ids, notes = _node_ids(nodes, where)
    requirements = [_requirement(node, ids[str(node["urn"]).lower()], ids, where) for node in nodes]
    untitled = sum(1 for r in requirements if "title" in r["derived"])
    if untitled:
        notes.append(f"{untitled} requirement(s) have no name in the library: their title is the start of "
                     "their description (the export leaves the name out again)")
    other_objects = sorted(str(k) for k in data["objects"] if k not in ("framework", "frameworks"))
    if other_objects:
        notes.append(f"not imported (not part of a catalogue): {', '.join(other_objects)}")
    fw_urn = str(fw.get("urn") or data.get("urn") or path.stem)
    fid = check_framework_id(framework_id) if framework_id else framework_id_for(fw_urn, _text(fw.get("ref_id")))
    meta = {
        "id": fid,
        "title": (_text(fw.get("name")) or _text(data.get("name")) or fid).strip(),
        "version": str(data.get("version", "1")),
        "publisher": (_text(data.get("provider")) or _text(data.get("packager")) or "unknown").strip(),
        "jurisdiction": "unspecified",
        "kind": "standard",
        "source": f"CISO Assistant library {data.get('urn', fw_urn)}",
        "licence_note": " ".join((_text(data.get("copyright")) or "See the copyright of the imported library.").split()),
        "updated": _updated(data.get("publication_date")),
        "urn": fw_urn,
        "ciso_assistant": {"library": {k: plain(v) for k, v in data.items() if k != "objects"},
                           "framework": {k: plain(v) for k, v in fw.items() if k != "requirement_nodes"}},
    }
    cat = _validate(Catalogue, {"framework": meta, "requirements": requirements}, path)
    return ImportedLibrary(catalogue=cat, notes=tuple(notes))


def import_library(path: Path, framework_id: str | None = None) -> ImportedLibrary:
    """Read a CISO Assistant framework library: YAML in any encoding, or the library's .xlsx workbook."""
    if not path.is_file():
        raise CatalogError("cannot read: no such file", location=str(path))
    with path.open("rb") as handle:
        workbook = handle.read(4) == b"PK\x03\x04"
    if workbook or path.suffix.lower() in (".xlsx", ".xlsm"):
        from itscm_audit.ciso_assistant.workbook import library_from_workbook

        data, notes = library_from_workbook(path)
        imported = catalogue_from_library(data, path, framework_id)
        return ImportedLibrary(imported.catalogue, (*notes, *imported.notes))
    return catalogue_from_library(read_yaml(path), path, framework_id)
