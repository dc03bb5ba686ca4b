"""Export a catalogue as an OSCAL 1.1 catalog (JSON), so GRC tools that read OSCAL can load it.

Requirement ids become OSCAL control ids (which must start with a letter and use only letters,
digits, ``.``, ``-`` and ``_``); the original id is kept in the ``label`` property. The uuid and the
last-modified date are derived from the catalogue, so the same catalogue always exports the same file.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from itscm_audit.catalog import Catalogue, Requirement
from itscm_audit.errors import CatalogError
from itscm_audit.fsio import write_text_atomic

OSCAL_VERSION = "1.1.2"
NS = "https://itscm-audit.example/ns/oscal"
"""Namespace of our own properties (decided-by, verification, baseline, citation...)."""
_NAMESPACE_UUID = uuid.UUID("6f1c1e0a-3d0c-5b8e-9a53-1f3c2b7d9e40")
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._-]+")
_EPOCH = date(1970, 1, 1)


def control_id(framework_id: str, requirement_id: str) -> str:
    """An OSCAL token for a requirement id: ``CP-2(1)`` -> ``CP-2_1``, ``8.5`` -> ``iso22301-8.5``."""
    token = _NOT_TOKEN.sub("_", requirement_id.replace(")", "")).strip("_")
    if not token or not (token[0].isalpha() or token[0] == "_"):
        token = f"{framework_id}-{token}"
    return token


def _prop(name: str, value: str, ns: str | None = NS) -> dict[str, str]:
    prop = {"name": name, "value": " ".join(value.split())}
    if ns:
        prop["ns"] = ns
    return prop


def _control(fw: str, req: Requirement, children: dict[str | None, list[Requirement]],
             ids: dict[str, str]) -> dict[str, Any]:
    cid = ids[req.id]
    props = [_prop("label", req.id, ns=None), _prop("decided-by", req.decided_by.value),
             _prop("verification", req.verification.value)]
    if req.withdrawn:
        props.append(_prop("status", "withdrawn", ns=None))
    if req.heading:
        props.append(_prop("heading", "true"))
    if req.citation:
        props.append(_prop("citation", req.citation))
    props.extend(_prop("baseline", b) for b in req.baselines)
    if req.required is not None:
        props.append(_prop("implementation-specification", "required" if req.required else "addressable"))
    props.extend(_prop("expected-evidence", e) for e in req.expected_evidence)
    control: dict[str, Any] = {"id": cid, "title": req.title, "props": props}
    parts = []
    if req.summary:
        parts.append({"id": f"{cid}_smt", "name": "statement", "prose": req.summary})
    if req.status_note:
        parts.append({"id": f"{cid}_gdn", "name": "guidance", "prose": req.status_note})
    if parts:
        control["parts"] = parts
    kids = [_control(fw, c, children, ids) for c in children.get(req.id, [])]
    if kids:
        control["controls"] = kids
    return control


def catalogue_to_oscal(cat: Catalogue, *, last_modified: datetime | None = None) -> dict[str, Any]:
    """The OSCAL catalog document (``{"catalog": {...}}``) for one catalogue."""
    fw = cat.framework
    ids: dict[str, str] = {}
    seen: dict[str, str] = {}
    for req in cat.requirements:
        cid = control_id(fw.id, req.id)
        if cid in seen:
            raise CatalogError(f"requirements {seen[cid]!r} and {req.id!r} give the same OSCAL control id {cid!r}",
                               location=fw.id, hint="rename one of them")
        seen[cid] = req.id
        ids[req.id] = cid
    children: dict[str | None, list[Requirement]] = {}
    for req in cat.requirements:
        children.setdefault(req.parent, []).append(req)
    stamp = last_modified or datetime.combine(fw.updated or _EPOCH, time(0, 0), tzinfo=timezone.utc)
    metadata: dict[str, Any] = {
        "title": fw.title,
        "last-modified": stamp.isoformat(),
        "version": fw.version,
        "oscal-version": OSCAL_VERSION,
        "props": [_prop("framework-id", fw.id), _prop("publisher", fw.publisher),
                  _prop("jurisdiction", fw.jurisdiction), _prop("kind", fw.kind)],
        "remarks": f"Source: {fw.source}. {fw.licence_note}",
    }
    return {"catalog": {
        "uuid": str(uuid.uuid5(_NAMESPACE_UUID, f"{fw.id}|{fw.version}")),
        "metadata": metadata,
        "controls": [_control(fw.id, r, children, ids) for r in children.get(None, [])],
    }}


def oscal_json(cat: Catalogue, *, last_modified: datetime | None = None) -> str:
    return json.dumps(catalogue_to_oscal(cat, last_modified=last_modified), indent=2, ensure_ascii=False) + "\n"


def write_oscal_catalog(cat: Catalogue, out: Path, *, last_modified: datetime | None = None) -> Path:
    """Write the OSCAL catalog to ``out`` (temporary name in the same folder, then rename)."""
    write_text_atomic(out, oscal_json(cat, last_modified=last_modified))
    return out
