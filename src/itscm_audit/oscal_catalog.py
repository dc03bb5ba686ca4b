"""Export a catalogue as an OSCAL 1.1 catalog (JSON), so GRC tools that read OSCAL can load it.

Control ids follow the one scheme of :mod:`itscm_audit.oscal_ids` (``cp-2.3``, ``iso22301_8.5``),
so the findings of our assessment results join these controls; the original id is kept in the
``label`` property. Every assessed control has an ``assessment-objective`` part (``<id>_obj``), the
target of its finding. The uuid and the last-modified date are derived from the catalogue, so the
same catalogue always exports the same file.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from itscm_audit.catalog import Catalogue, DecidedBy, Requirement
from itscm_audit.errors import CatalogError
from itscm_audit.fsio import write_text_atomic
from itscm_audit.oscal_ids import NS, OSCAL_VERSION, control_id, derived_uuid, objective_id

_EPOCH = date(1970, 1, 1)
_HOW_DECIDED = {
    DecidedBy.DATA: "data rules over the organisation's records, through the hub objectives",
    DecidedBy.EVIDENCE: "evidence in the locker (type, hash and freshness), through the hub objectives",
    DecidedBy.ATTESTATION: "a dated attestation by a named person",
    DecidedBy.NOT_ASSESSABLE: "nothing itscm-audit can check; it stays not assessed unless attested",
}


def _prop(name: str, value: str, ns: str | None = NS) -> dict[str, str]:
    prop = {"name": name, "value": " ".join(value.split())}
    if ns:
        prop["ns"] = ns
    return prop


def _parts(fw: str, req: Requirement, cid: str) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    if req.summary:
        parts.append({"id": f"{cid}_smt", "name": "statement", "prose": req.summary})
    guidance = "\n\n".join(t for t in (req.guidance, req.status_note) if t)
    if guidance:
        parts.append({"id": f"{cid}_gdn", "name": "guidance", "prose": guidance})
    if not (req.heading or req.withdrawn):
        parts.append({"id": objective_id(fw, req.id), "name": "assessment-objective",
                      "prose": f"Determine whether {req.id} is met, decided by {_HOW_DECIDED[req.decided_by]}."})
    return parts


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
    if req.urn:
        props.append(_prop("source-urn", req.urn))
    control: dict[str, Any] = {"id": cid, "title": " ".join(req.title.split()), "props": props}
    parts = _parts(fw, req, cid)
    if parts:
        control["parts"] = parts
    kids = [_control(fw, c, children, ids) for c in children.get(req.id, [])]
    if kids:
        control["controls"] = kids
    return control


def control_ids(cat: Catalogue) -> dict[str, str]:
    """Requirement id -> OSCAL control id for one catalogue; two requirements giving one id is an error."""
    fw = cat.framework.id
    ids: dict[str, str] = {}
    seen: dict[str, str] = {}
    for req in cat.requirements:
        cid = control_id(fw, req.id)
        if cid in seen:
            raise CatalogError(f"requirements {seen[cid]!r} and {req.id!r} give the same OSCAL control id {cid!r}",
                               location=fw, hint="rename one of them")
        seen[cid] = req.id
        ids[req.id] = cid
    return ids


def catalogue_to_oscal(cat: Catalogue, *, last_modified: datetime | None = None) -> dict[str, Any]:
    """The OSCAL catalog document (``{"catalog": {...}}``) for one catalogue."""
    fw = cat.framework
    ids = control_ids(cat)
    children: dict[str | None, list[Requirement]] = {}
    for req in cat.requirements:
        children.setdefault(req.parent, []).append(req)
    stamp = last_modified or datetime.combine(fw.updated or _EPOCH, time(0, 0), tzinfo=timezone.utc)
    props = [_prop("framework-id", fw.id), _prop("publisher", fw.publisher),
             _prop("jurisdiction", fw.jurisdiction), _prop("kind", fw.kind)]
    if fw.urn:
        props.append(_prop("source-urn", fw.urn))
    metadata: dict[str, Any] = {
        "title": " ".join(fw.title.split()),
        "last-modified": stamp.isoformat(),
        "version": fw.version,
        "oscal-version": OSCAL_VERSION,
        "props": props,
        "remarks": f"Source: {fw.source}. {fw.licence_note}",
    }
    return {"catalog": {
        "uuid": derived_uuid("catalog", fw.id, fw.version),
        "metadata": metadata,
        "controls": [_control(fw.id, r, children, ids) for r in children.get(None, [])],
    }}


def oscal_json(cat: Catalogue, *, last_modified: datetime | None = None) -> str:
    return json.dumps(catalogue_to_oscal(cat, last_modified=last_modified), indent=2, ensure_ascii=False) + "\n"


def write_oscal_catalog(cat: Catalogue, out: Path, *, last_modified: datetime | None = None) -> Path:
    """Write the OSCAL catalog to ``out`` (temporary name in the same folder, then rename)."""
    write_text_atomic(out, oscal_json(cat, last_modified=last_modified))
    return out
