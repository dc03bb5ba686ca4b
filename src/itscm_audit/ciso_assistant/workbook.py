"""A CISO Assistant library workbook (.xlsx, "v2" format) read into the library's YAML shape.

CISO Assistant authors libraries in Excel and converts them with ``convert_library_v2.py``:
``library_meta`` (key/value), then one ``<name>_meta`` / ``<name>_content`` pair per object. This
reader follows that converter for frameworks (URNs from ``node_id``, ``ref_id``, the parent and
position, or the name; ``x`` in ``assessable``; ``name[fr]`` columns as translations), so a
workbook and the YAML made from it import alike. The spreadsheet is opened by the importer's
reader, which refuses encrypted, damaged and oversized files with a located message.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from itscm_audit.errors import CatalogError
from itscm_audit.importers.readers import open_source
from itscm_audit.importers.values import text as cell_text

_TRANSLATED = re.compile(r"^(\w+)\[(\w+)\]$")
_URN_UNSAFE = re.compile(r"[^a-z0-9_\-.\[\]():]")
NODE_TEXT_COLUMNS = ("ref_id", "name", "description", "annotation", "typical_evidence")
"""Node columns copied as text, as the converter does."""
UNREAD_COLUMNS = ("threats", "reference_controls", "questions", "answer", "scores_definition_ref")
"""Columns this reader does not turn into node fields (they need other objects of the library)."""


def clean_urn_suffix(value: str) -> str:
    """A URN segment as CISO Assistant makes it: no accents, lower case, spaces as ``-``, others ``_``."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _URN_UNSAFE.sub("_", ascii_text.lower().replace(" ", "-"))


def _value(cell: Any) -> str | None:
    """A cell as the converter reads it: stripped text, or None when empty; whole numbers without ``.0``."""
    if cell is None or cell == "":
        return None
    out = cell_text(cell)
    return out or None


def _whole(value: Any, at: str, what: str) -> int:
    """A whole number from a cell (``3``, ``3.0``, ``"3"``), else a located error."""
    text = _value(value) or ""
    try:
        number = float(text)
    except ValueError:
        raise CatalogError(f"{what} {text!r} is not a whole number", location=at) from None
    if not number.is_integer():
        raise CatalogError(f"{what} {text!r} is not a whole number", location=at)
    return int(number)


def _rows(source: Any, sheet: str) -> list[tuple[int, list[Any]]]:
    return [(n, list(row)) for n, row in source.sheet(sheet).rows]


def _key_values(source: Any, sheet: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _, row in _rows(source, sheet):
        if row and _value(row[0]):
            out[str(_value(row[0])).lower()] = row[1] if len(row) > 1 and row[1] != "" else None
    return out


def _translations(pairs: dict[str, Any]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, value in pairs.items():
        match = _TRANSLATED.match(key)
        text = _value(value)
        if match and text and not text.startswith("="):
            out.setdefault(match.group(2), {})[match.group(1)] = text
    return out


def _table(source: Any, sheet: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    rows = _rows(source, sheet)
    if not rows:
        return [], []
    header = [(_value(c) or "").lower() for c in rows[0][1]]
    body = []
    for number, row in rows[1:]:
        data = {header[i]: row[i] for i in range(min(len(header), len(row))) if header[i]}
        if any(_value(v) for v in data.values()):
            body.append((number, data))
    return header, body


def _library_meta(meta: dict[str, Any], where: str) -> dict[str, Any]:
    if (_value(meta.get("type")) or "").lower() != "library":
        raise CatalogError("sheet library_meta must say type = library", location=f"{where}, sheet library_meta")
    published = meta.get("publication_date")
    library: dict[str, Any] = {"urn": clean_urn_suffix(_value(meta.get("urn")) or ""),
                               "locale": _value(meta.get("locale")) or "en",
                               "ref_id": _value(meta.get("ref_id")), "name": _value(meta.get("name")),
                               "description": _value(meta.get("description")),
                               "copyright": _value(meta.get("copyright")),
                               "version": _whole(meta.get("version"), f"{where}, sheet library_meta", "version")
                               if _value(meta.get("version")) else 1,
                               "publication_date": published.date() if isinstance(published, datetime)
                               else published if isinstance(published, date) else _value(published),
                               "provider": _value(meta.get("provider")), "packager": _value(meta.get("packager"))}
    if not library["urn"]:
        raise CatalogError("sheet library_meta has no urn", location=f"{where}, sheet library_meta")
    translations = _translations(meta)
    if translations:
        library["translations"] = translations
    dependencies = [d for d in re.split(r"[\s,]+", _value(meta.get("dependencies")) or "") if d]
    if dependencies:
        library["dependencies"] = dependencies
    return {k: v for k, v in library.items() if v is not None}


def _scores(source: Any, sheet: str, where: str) -> list[dict[str, Any]]:
    _, body = _table(source, sheet)
    out = []
    for number, data in body:
        entry: dict[str, Any] = {"score": _whole(data.get("score"), f"{where}, sheet {sheet}, row {number}", "score"),
                                 "name": _value(data.get("name")) or "",
                                 "description": _value(data.get("description"))}
        translations = _translations(data)
        if translations:
            entry["translations"] = translations
        out.append(entry)
    return out


def _groups(source: Any, sheet: str, where: str) -> list[dict[str, Any]]:
    _, body = _table(source, sheet)
    out = []
    for _, data in body:
        entry: dict[str, Any] = {"ref_id": _value(data.get("ref_id")) or "", "name": _value(data.get("name")) or "",
                                 "description": _value(data.get("description"))}
        if data.get("default_selected") not in (None, ""):
            entry["default_selected"] = bool(data["default_selected"])
        translations = _translations(data)
        if translations:
            entry["translations"] = translations
        out.append(entry)
    return out


def _nodes(source: Any, sheet: str, base_urn: str, where: str) -> tuple[list[dict[str, Any]], set[str]]:
    """Requirement nodes, with URNs computed as ``convert_library_v2.py`` does (its default mode)."""
    header, body = _table(source, sheet)
    unread = {c for c in UNREAD_COLUMNS if c in header}
    parent_for_depth: dict[int, str | None] = {}
    count_for_depth: dict[int, int] = {}
    previous_urn: str | None = None
    previous_depth = 0
    seen: set[str] = set()
    nodes: list[dict[str, Any]] = []
    for number, data in body:
        at = f"{where}, sheet {sheet}, row {number}"
        depth = _whole(data.get("depth"), at, "depth") if _value(data.get("depth")) else 1
        if depth == previous_depth + 1:
            parent_for_depth[depth] = previous_urn
            count_for_depth[depth] = 1
        elif depth > previous_depth:
            raise CatalogError(f"depth jumps from {previous_depth} to {depth}", location=at,
                               hint="each row is at most one level below the row above it")
        ref_id, name, node_id = _value(data.get("ref_id")), _value(data.get("name")), _value(data.get("node_id"))
        if node_id:
            urn = f"{base_urn}:{node_id}"
        elif ref_id:
            urn = f"{base_urn}:{clean_urn_suffix(ref_id)}"
        else:
            parent, count = parent_for_depth.get(depth), count_for_depth.get(depth, 1)
            if parent:
                urn = f"{parent}:{count}"
            elif name:
                urn = f"{base_urn}:{clean_urn_suffix(name)}"
            else:
                urn = f"{base_urn}:node{count}"
            count_for_depth[depth] = count + 1
        if urn in seen:
            raise CatalogError(f"URN {urn} is used twice", location=at, hint="give the row a ref_id or node_id")
        seen.add(urn)
        previous_urn, previous_depth = urn, depth
        node: dict[str, Any] = {"urn": urn, "assessable": bool(_value(data.get("assessable"))), "depth": depth}
        if parent_for_depth.get(depth):
            node["parent_urn"] = parent_for_depth[depth]
        for column in NODE_TEXT_COLUMNS:
            value = _value(data.get(column))
            if value:
                node[column] = value
        groups = _value(data.get("implementation_groups"))
        if groups:
            node["implementation_groups"] = [g.strip() for g in groups.split(",")]
        importance = (_value(data.get("importance")) or "").lower()
        if importance and importance != "undefined":
            node["importance"] = importance
        if _value(data.get("weight")):
            node["weight"] = _whole(data.get("weight"), at, "weight")
        translations = _translations(data)
        if translations:
            node["translations"] = translations
        nodes.append(node)
    return nodes, unread


def library_from_workbook(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The library dict of a CISO Assistant library workbook, and notes on what was not read."""
    where = str(path)
    source = open_source(path, where)
    sheets = list(source.sheet_names)
    if "library_meta" not in sheets:
        raise CatalogError("not a CISO Assistant library workbook: no 'library_meta' sheet", location=where,
                           hint="CISO Assistant's data-import templates (assets, risks, incidents...) hold "
                                "records, not a framework: import them with 'itscm-audit import'")
    library = _library_meta(_key_values(source, "library_meta"), where)
    blocks: dict[str, tuple[str, dict[str, Any]]] = {}
    for sheet in sheets:
        if sheet.endswith("_meta") and sheet != "library_meta" and f"{sheet[:-5]}_content" in sheets:
            meta = _key_values(source, sheet)
            blocks[str(_value(meta.get("name")) or sheet[:-5])] = (sheet[:-5], meta)
    frameworks = [(prefix, meta) for prefix, meta in blocks.values() if _value(meta.get("type")) == "framework"]
    if len(frameworks) != 1:
        raise CatalogError(f"CISO Assistant library workbook holds {len(frameworks)} frameworks", location=where,
                           hint="a library workbook to import has exactly one sheet pair of type framework")
    prefix, meta = frameworks[0]
    base_urn = _value(meta.get("base_urn"))
    if not base_urn:
        raise CatalogError("framework has no base_urn", location=f"{where}, sheet {prefix}_meta")
    framework: dict[str, Any] = {"urn": _value(meta.get("urn")), "ref_id": _value(meta.get("ref_id")),
                                 "name": _value(meta.get("name")), "description": _value(meta.get("description"))}
    if _value(meta.get("annotation")):
        framework["annotation"] = _value(meta.get("annotation"))
    translations = _translations(meta)
    if translations:
        framework["translations"] = translations
    for key in ("min_score", "max_score"):
        if _value(meta.get(key)):
            framework[key] = _whole(meta.get(key), f"{where}, sheet {prefix}_meta", key)
    notes: list[str] = []
    for key, reader in (("scores_definition", _scores), ("implementation_groups_definition", _groups)):
        block = blocks.get(str(_value(meta.get(key)) or ""))
        if block:
            framework[key] = reader(source, f"{block[0]}_content", where)
    nodes, unread = _nodes(source, f"{prefix}_content", base_urn, where)
    framework["requirement_nodes"] = nodes
    if unread:
        notes.append(f"columns not read from the workbook: {', '.join(sorted(unread))} (convert it with "
                     "CISO Assistant's convert_library_v2.py and import the YAML to keep them)")
    others = sorted({_value(m.get("type")) or "?" for _, m in blocks.values()}
                    - {"framework", "scores", "implementation_groups"})
    if others:
        notes.append(f"objects not imported (not part of a catalogue): {', '.join(others)}")
    library["objects"] = {"framework": {k: v for k, v in framework.items() if v is not None}}
    return library, notes
