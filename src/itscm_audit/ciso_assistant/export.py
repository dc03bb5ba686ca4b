"""Our catalogues, hub objectives and crosswalks as CISO Assistant library YAML.

Three kinds of library, as CISO Assistant ships them (``backend/library/libraries/*.yaml``):

- one framework library per catalogue: a catalogue imported from CISO Assistant goes back with its
  own URNs, ref ids, names, descriptions, annotations, translations and other fields;
- the hub objectives as a framework library (``itscm-audit-objectives``);
- one mapping library per crosswalk with two ``requirement_mapping_sets`` (catalogue -> objectives
  and its ``-revert``), each row with the NIST IR 8477 relationship (``equal``, ``subset``,
  ``superset``, ``intersect``, ``not_related``), ``rationale`` and ``strength_of_relationship``.

A library's ``version`` (an integer in CISO Assistant) is the catalogue's revision date as
YYYYMMDD, so a revised catalogue loads as an update. The same catalogue always gives the same bytes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from itscm_audit.catalog import Catalogue, CatalogueSet, Mapping, Objective, Relationship, Requirement
from itscm_audit.ciso_assistant.workbook import clean_urn_suffix
from itscm_audit.errors import CatalogError
from itscm_audit.fsio import write_text_atomic

PACKAGER = "itscm-audit"
OBJECTIVES_REF = "itscm-audit-objectives"
OBJECTIVES_FRAMEWORK_URN = f"urn:{PACKAGER}:risk:framework:{OBJECTIVES_REF}"
OBJECTIVES_LIBRARY_URN = f"urn:{PACKAGER}:risk:library:{OBJECTIVES_REF}"
_NODE_BASE = f"urn:{PACKAGER}:risk:req_node"
RELATIONSHIP = {
    Relationship.EQUAL: "equal",
    Relationship.SUBSET_OF: "subset",
    Relationship.SUPERSET_OF: "superset",
    Relationship.INTERSECTS_WITH: "intersect",
    Relationship.NOT_RELATED: "not_related",
}
"""Our "requirement RELATIONSHIP objective" in CISO Assistant's words ("source RELATIONSHIP target")."""
_REVERTED = {"subset": "superset", "superset": "subset"}


def _version(day: date | None) -> int:
    return int(day.strftime("%Y%m%d")) if day else 1


def _publication(value: Any, fallback: date | None) -> Any:
    """CISO Assistant's ``publication_date`` as a YAML date when it is one."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value if value is not None else fallback


def _framework_urn(cat: Catalogue) -> str:
    return cat.framework.urn or f"urn:{PACKAGER}:risk:framework:{clean_urn_suffix(cat.framework.id)}"


def _library_urn(cat: Catalogue) -> str:
    kept = cat.framework.ciso_assistant.get("library", {}).get("urn")
    if isinstance(kept, str) and kept:
        return kept
    return f"urn:{PACKAGER}:risk:library:{clean_urn_suffix(cat.framework.id)}"


def requirement_urns(cat: Catalogue) -> dict[str, str]:
    """Requirement id -> node URN: the kept URN, else ours from the id; two alike is an error."""
    base = f"{_NODE_BASE}:{clean_urn_suffix(cat.framework.id)}"
    urns: dict[str, str] = {}
    seen: dict[str, str] = {}
    for req in cat.requirements:
        urn = req.urn or f"{base}:{clean_urn_suffix(req.id)}"
        if urn.lower() in seen:
            raise CatalogError(f"requirements {seen[urn.lower()]!r} and {req.id!r} give the same URN {urn}",
                               location=cat.framework.id, hint="rename one of them")
        seen[urn.lower()] = req.id
        urns[req.id] = urn
    return urns


def _kept_name(kept: object, title: str) -> str:
    """The library's own spelling of a name (spaces around it) unless the title was changed since."""
    return kept if isinstance(kept, str) and kept.strip() == title else title


def _ref_id(req: Requirement) -> str | None:
    if "ref_id" in req.ciso_assistant:
        return str(req.ciso_assistant["ref_id"])
    return None if "id" in req.derived else req.id


def _node(req: Requirement, urns: dict[str, str], depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"urn": urns[req.id], "assessable": req.assessable and not req.withdrawn, "depth": depth}
    if req.parent is not None:
        node["parent_urn"] = urns[req.parent]
    ref_id = _ref_id(req)
    if ref_id is not None:
        node["ref_id"] = ref_id
    if "title" not in req.derived:
        node["name"] = _kept_name(req.ciso_assistant.get("name"), req.title)
    if req.summary:
        node["description"] = req.summary
    annotation = req.guidance if req.urn else "\n".join(t for t in (req.guidance, req.status_note, req.citation) if t)
    if annotation:
        node["annotation"] = annotation
    node.update((k, v) for k, v in req.ciso_assistant.items() if k not in ("ref_id", "name", "translations"))
    translations: dict[str, dict[str, Any]] = {loc: dict(fields) for loc, fields in req.translations.items()}
    for locale, fields in (req.ciso_assistant.get("translations") or {}).items():
        translations.setdefault(locale, {}).update(fields)
    if translations:
        node["translations"] = translations
    return node


def _nodes(cat: Catalogue) -> list[dict[str, Any]]:
    urns = requirement_urns(cat)
    parents = {r.id: r.parent for r in cat.requirements}

    def depth(req_id: str) -> int:
        level, node = 1, parents.get(req_id)
        while node is not None:
            level, node = level + 1, parents.get(node)
        return level

    return [_node(r, urns, depth(r.id)) for r in cat.requirements]


def framework_library(cat: Catalogue) -> dict[str, Any]:
    """One catalogue as a CISO Assistant framework library."""
    fw = cat.framework
    kept_library = dict(fw.ciso_assistant.get("library", {}))
    kept_framework = dict(fw.ciso_assistant.get("framework", {}))
    library: dict[str, Any] = kept_library or {
        "urn": _library_urn(cat), "locale": "en", "ref_id": clean_urn_suffix(fw.id), "name": fw.title,
        "description": f"{fw.title} ({fw.version}), as a catalogue of itscm-audit. Source: {fw.source}.",
        "copyright": fw.licence_note, "version": _version(fw.updated), "publication_date": fw.updated,
        "provider": fw.publisher, "packager": PACKAGER,
    }
    if "publication_date" in library:
        library["publication_date"] = _publication(library["publication_date"], fw.updated)
    if library.get("publication_date") is None:
        library.pop("publication_date", None)
    framework: dict[str, Any] = kept_framework or {
        "urn": _framework_urn(cat), "ref_id": clean_urn_suffix(fw.id), "name": fw.title,
        "description": f"{fw.title} ({fw.version}). {fw.licence_note}",
    }
    framework["name"] = _kept_name(kept_framework.get("name"), fw.title)
    framework["requirement_nodes"] = _nodes(cat)
    return {**library, "objects": {"framework": framework}}


def objectives_library(objectives: tuple[Objective, ...], version_date: date | None) -> dict[str, Any]:
    """The hub objectives as a CISO Assistant framework library, the other side of every mapping."""
    nodes = []
    for obj in objectives:
        how = [f"rules: {', '.join(obj.rules)}" if obj.rules else "",
               f"evidence types: {', '.join(obj.evidence_types)}" if obj.evidence_types else "",
               "decided by attestation only" if obj.attestation_only else ""]
        node: dict[str, Any] = {"urn": objective_urn(obj.id), "assessable": True, "depth": 1, "ref_id": obj.id,
                                "name": obj.title, "description": obj.description}
        annotation = "; ".join(h for h in how if h)
        if annotation:
            node["annotation"] = f"itscm-audit decides it from {annotation}."
        nodes.append(node)
    description = ("The continuity control objectives of itscm-audit: rules and evidence decide them, and each "
                   "catalogue maps to them through a crosswalk (NIST IR 8477 relationships).")
    library: dict[str, Any] = {
        "urn": OBJECTIVES_LIBRARY_URN, "locale": "en", "ref_id": OBJECTIVES_REF,
        "name": "itscm-audit continuity objectives (hub)", "description": description,
        "copyright": "itscm-audit (Apache-2.0)", "version": _version(version_date),
        "publication_date": version_date, "provider": PACKAGER, "packager": PACKAGER,
        "objects": {"framework": {"urn": OBJECTIVES_FRAMEWORK_URN, "ref_id": OBJECTIVES_REF,
                                  "name": "itscm-audit continuity objectives", "description": description,
                                  "requirement_nodes": nodes}},
    }
    if version_date is None:
        del library["publication_date"]
    return library


def objective_urn(objective_id: str) -> str:
    return f"{_NODE_BASE}:{OBJECTIVES_REF}:{clean_urn_suffix(objective_id)}"


def _annotation(m: Mapping) -> str:
    """Our rationale, what the objective does not cover, and the parts of it the row is about."""
    parts = [m.rationale]
    if m.uncovered:
        parts.append(f"Not covered: {m.uncovered.rstrip('.')}.")
    if m.covers:
        parts.append(f"Only these parts of the objective count: {', '.join(m.covers)}.")
    return " ".join(parts)


def mapping_library(cat: Catalogue, mappings: tuple[Mapping, ...]) -> dict[str, Any]:
    """A crosswalk as a CISO Assistant mapping library: catalogue -> objectives, and its revert."""
    fw = cat.framework
    urns = requirement_urns(cat)
    ref = f"mapping-{clean_urn_suffix(fw.id)}-and-{OBJECTIVES_REF}"
    name = f"{fw.title} <-> itscm-audit continuity objectives"
    description = (f"itscm-audit crosswalk from {fw.title} to its continuity objectives, read as "
                   "'requirement RELATIONSHIP objective' (NIST IR 8477 set-theory relationship mapping).")
    forward, revert = [], []
    for m in mappings:
        rel = RELATIONSHIP[m.relationship]
        row = {"source_requirement_urn": urns[m.requirement], "target_requirement_urn": objective_urn(m.objective),
               "relationship": rel, "rationale": m.rationale_type.value, "strength_of_relationship": m.strength,
               "annotation": _annotation(m)}
        forward.append(row)
        revert.append({**row, "source_requirement_urn": row["target_requirement_urn"],
                       "target_requirement_urn": row["source_requirement_urn"],
                       "relationship": _REVERTED.get(rel, rel)})
    mapping_set = {"urn": f"urn:{PACKAGER}:risk:req_mapping_set:{ref}", "ref_id": ref, "name": name,
                   "description": description, "source_framework_urn": _framework_urn(cat),
                   "target_framework_urn": OBJECTIVES_FRAMEWORK_URN, "requirement_mappings": forward}
    reverted = {**mapping_set, "urn": f"{mapping_set['urn']}-revert", "ref_id": f"{ref}-revert",
                "source_framework_urn": OBJECTIVES_FRAMEWORK_URN, "target_framework_urn": _framework_urn(cat),
                "requirement_mappings": revert}
    library: dict[str, Any] = {
        "urn": f"urn:{PACKAGER}:risk:library:{ref}", "locale": "en", "ref_id": ref, "name": name,
        "description": description, "copyright": "itscm-audit analyst mapping (Apache-2.0)",
        "version": _version(fw.updated), "publication_date": fw.updated, "provider": PACKAGER,
        "packager": PACKAGER, "dependencies": [_library_urn(cat), OBJECTIVES_LIBRARY_URN],
        "objects": {"requirement_mapping_sets": [mapping_set, reverted]},
    }
    if fw.updated is None:
        del library["publication_date"]
    return library


def library_yaml(library: dict[str, Any]) -> str:
    """YAML as CISO Assistant's own libraries are written (keys in order, UTF-8)."""
    return yaml.safe_dump(library, sort_keys=False, allow_unicode=True, width=110)


def export_libraries(cs: CatalogueSet, framework_ids: list[str], out: Path) -> list[Path]:
    """Write the objectives library, then each framework's library and its mapping library, into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    dated = [c.framework.updated for c in cs.catalogues if c.framework.updated is not None]
    written = [out / f"{OBJECTIVES_REF}.yaml"]
    write_text_atomic(written[0], library_yaml(objectives_library(cs.objectives, max(dated, default=None))))
    for fid in framework_ids:
        cat = cs.catalogue(fid)
        target = out / f"{fid}.yaml"
        write_text_atomic(target, library_yaml(framework_library(cat)))
        written.append(target)
        mappings = cs.mappings.get(fid, ())
        if mappings:
            target = out / f"mapping-{fid}-and-{OBJECTIVES_REF}.yaml"
            write_text_atomic(target, library_yaml(mapping_library(cat, mappings)))
            written.append(target)
    return written
