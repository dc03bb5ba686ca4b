"""Control catalogues, the hub of continuity objectives, and the typed crosswalk between them.

All of it is data under ``frameworks/`` (YAML), validated here. A catalogue lists a framework's
requirements; ``objectives.yaml`` lists the hub objectives that rules and evidence satisfy; each
``crosswalks/*.yaml`` maps requirements to objectives with a NIST IR 8477 set-theory relationship,
read as "requirement RELATIONSHIP objective".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from itscm_audit.errors import CatalogError
from itscm_audit.fsio import write_text_atomic


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Relationship(str, Enum):
    """NIST IR 8477 STRM relationship, read as "requirement RELATIONSHIP objective"."""

    EQUAL = "equal"
    SUBSET_OF = "subset_of"
    """The requirement is a subset of the objective: meeting the objective meets all of it."""
    SUPERSET_OF = "superset_of"
    """The requirement asks for more than the objective: the objective covers only part."""
    INTERSECTS_WITH = "intersects_with"
    NOT_RELATED = "not_related"

    @property
    def covers_whole_requirement(self) -> bool:
        return self in (Relationship.EQUAL, Relationship.SUBSET_OF)


class RationaleType(str, Enum):
    SYNTACTIC = "syntactic"
    SEMANTIC = "semantic"
    FUNCTIONAL = "functional"


class DecidedBy(str, Enum):
    """How a requirement can be decided; ``attestation`` and ``not_assessable`` are never met by data."""

    DATA = "data"
    EVIDENCE = "evidence"
    ATTESTATION = "attestation"
    NOT_ASSESSABLE = "not_assessable"


class Verification(str, Enum):
    """How sure we are of the id/title/numbering (see shared catalogue facts: V, P, M)."""

    VERIFIED = "verified"
    PARTLY_VERIFIED = "partly_verified"
    UNVERIFIED = "unverified"


class FrameworkMeta(_Data):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    version: str
    publisher: str
    jurisdiction: str
    kind: str = "standard"
    """standard, practice, law, regulation or criteria."""
    source: str
    licence_note: str
    weight: float = Field(1.0, gt=0, le=10)
    """Weight of this framework in remediation priority."""
    updated: date | None = None
    """When this catalogue's data was last revised (used as the OSCAL last-modified date)."""
    id_pattern: str | None = None
    """The publisher's numbering as a regular expression (``^CP-[0-9]+...$``): every requirement id must
    match it, so a mistyped or invented id is caught when the catalogue loads."""
    urn: str | None = None
    """URN of the framework in the library it came from (CISO Assistant), kept for the way back."""
    ciso_assistant: dict[str, Any] = Field(default_factory=dict)
    """CISO Assistant library and framework fields itscm-audit does not use, kept verbatim for the export."""

    @field_validator("id_pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class Applicability(_Data):
    """Conditions under which a requirement applies to the organisation."""

    personal_data: bool | None = None
    phi: bool | None = None
    jurisdictions: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    note: str | None = None


class Requirement(_Data):
    id: str
    parent: str | None = None
    title: str
    summary: str | None = None
    """In our own words in shipped catalogues, never a standard's text; an imported library's description as is."""
    assessable: bool = True
    decided_by: DecidedBy = DecidedBy.DATA
    expected_evidence: tuple[str, ...] = ()
    applicability: Applicability | None = None
    verification: Verification = Verification.VERIFIED
    citation: str | None = None
    """Exact legal citation for laws (article, section, paragraph)."""
    status_note: str | None = None
    """E.g. 'withdrawn: incorporated into CP-2', 'addressable', baselines."""
    withdrawn: bool = False
    baselines: tuple[str, ...] = ()
    required: bool | None = None
    """HIPAA: required (True) or addressable (False) implementation specification."""
    heading: bool = False
    """A heading that only groups its children (e.g. ISO 22301 clause 8): never assessed itself."""
    urn: str | None = None
    """URN of the requirement in the library it came from (CISO Assistant), kept for the way back."""
    guidance: str | None = None
    """Guidance from the source library (CISO Assistant annotation): how to meet it, not what it asks."""
    translations: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Other languages from the source library: locale -> field (name, description, annotation) -> text."""
    derived: tuple[Literal["id", "title"], ...] = ()
    """Fields the source library did not give, filled in on import: id from the node URN, title from the text."""
    ciso_assistant: dict[str, Any] = Field(default_factory=dict)
    """CISO Assistant node fields itscm-audit does not use (typical evidence, questions...), kept for the export."""

    @model_validator(mode="before")
    @classmethod
    def _headings_are_not_assessed(cls, data: Any) -> Any:
        """A heading is decided through its children, so it is not assessable and needs no mapping."""
        if isinstance(data, dict) and data.get("heading"):
            data = {**data, "assessable": False, "decided_by": DecidedBy.NOT_ASSESSABLE.value}
        return data

    @property
    def needs_mapping(self) -> bool:
        """True for requirements that data or evidence should decide (so an unmapped one is an orphan)."""
        return (self.assessable and not self.withdrawn
                and self.decided_by in (DecidedBy.DATA, DecidedBy.EVIDENCE))


class Catalogue(_Data):
    framework: FrameworkMeta
    requirements: tuple[Requirement, ...]

    def requirement(self, req_id: str) -> Requirement:
        for req in self.requirements:
            if req.id == req_id:
                return req
        raise KeyError(req_id)


class Objective(_Data):
    """A continuity control objective of the hub, satisfied by rules, evidence types and attestations."""

    id: str = Field(pattern=r"^OBJ-[A-Z0-9-]+$")
    title: str
    description: str
    rules: tuple[str, ...] = ()
    evidence_types: tuple[str, ...] = ()
    attestation_only: bool = False


class ObjectiveSet(_Data):
    objectives: tuple[Objective, ...]


class Mapping(_Data):
    requirement: str
    objective: str
    relationship: Relationship
    rationale_type: RationaleType
    strength: int = Field(ge=0, le=10)
    rationale: str
    uncovered: str | None = None
    """What part of the requirement the objective does not cover (for superset/intersects)."""
    covers: tuple[str, ...] = ()
    """The objective's rules or evidence types that this requirement concerns. Status carries over from
    these only, so a requirement does not inherit failures from a part of the objective it does not ask
    for (GDPR Art. 33(1) is not failed by a missed Art. 34 notice). Empty: the whole objective."""

    @model_validator(mode="after")
    def _strength_fits_relationship(self) -> Mapping:
        """NIST IR 8477 scores: "equal" is 10 by definition, "not related" 0, every other relationship 1-9."""
        if self.relationship == Relationship.EQUAL and self.strength != 10:
            raise ValueError(f"an 'equal' row has strength 10 (NIST IR 8477), not {self.strength}; "
                             "if the two differ, use subset_of, superset_of or intersects_with")
        if self.relationship == Relationship.NOT_RELATED and self.strength != 0:
            raise ValueError(f"a 'not_related' row has strength 0 (NIST IR 8477), not {self.strength}")
        if self.relationship not in (Relationship.EQUAL, Relationship.NOT_RELATED) and not 1 <= self.strength <= 9:
            raise ValueError(f"a '{self.relationship.value}' row has strength 1-9 (10 means equal), "
                             f"not {self.strength}")
        return self


class CrosswalkMeta(_Data):
    framework: str
    direction: str = "requirement -> objective"
    source: str | None = None


class Crosswalk(_Data):
    crosswalk: CrosswalkMeta
    mappings: tuple[Mapping, ...]


class CatalogueSet(_Data):
    """Every catalogue, the objectives and the crosswalk rows in force for one assessment."""

    catalogues: tuple[Catalogue, ...]
    objectives: tuple[Objective, ...]
    mappings: dict[str, tuple[Mapping, ...]]
    """Crosswalk rows by framework id."""

    def catalogue(self, framework_id: str) -> Catalogue:
        for cat in self.catalogues:
            if cat.framework.id == framework_id:
                return cat
        known = ", ".join(sorted(c.framework.id for c in self.catalogues))
        raise CatalogError(f"unknown framework {framework_id!r}", hint=f"known: {known}")

    def objective(self, objective_id: str) -> Objective:
        for obj in self.objectives:
            if obj.id == objective_id:
                return obj
        raise KeyError(objective_id)


SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (ten times faster on the catalogues), else PyYAML's."""


def read_yaml(path: Path) -> Any:
    """Parse a YAML file in any encoding (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252)."""
    try:
        return yaml.load(decode_text(path.read_bytes(), str(path)), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise CatalogError(f"not valid YAML: {getattr(exc, 'problem', exc)}", location=where) from None
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", location=str(path)) from None


def decode_text(raw: bytes, where: str) -> str:
    """Text of a data file whatever its encoding; a spreadsheet or other binary file is a located error."""
    from itscm_audit.importers.readers import detect_encoding

    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    if raw.startswith(b"PK\x03\x04") or (b"\x00" in raw[:4096] and not utf16):
        raise CatalogError("not a text file (a spreadsheet or other binary file)", location=where,
                           hint="catalogues and crosswalks are YAML; a CISO Assistant workbook needs "
                                "'frameworks import-ciso-assistant'")
    encoding, bom = detect_encoding(raw)
    return raw[bom:].decode(encoding, errors="replace")


def _entry_name(item: Any) -> str:
    if not isinstance(item, dict):
        return repr(item)
    if item.get("id") is not None:
        return str(item["id"])
    return f"{item.get('requirement')} -> {item.get('objective')}"


def _validate(model: type[_Data], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = list(err["loc"])
            entry = ""
            # name the entry by its id when the error sits inside a list of entries
            if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data, dict):
                items = data.get(str(loc[0])) or []
                if loc[1] < len(items):
                    entry = f" (entry {_entry_name(items[loc[1]])})"
            problems.append(f"{'.'.join(str(p) for p in loc)}{entry}: {err['msg']}")
        raise CatalogError("; ".join(problems), location=str(path),
                           hint="see frameworks/schema/ for the expected fields") from None


def load_file(path: Path) -> Catalogue | ObjectiveSet | Crosswalk:
    """Load one catalogue, objectives or crosswalk file, recognised by its top-level key.

    A CISO Assistant framework library (top-level ``urn`` and ``objects``, as YAML or as its .xlsx
    workbook) is accepted too and converted to a catalogue, so a workspace can list one under
    ``catalogues:`` directly.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from itscm_audit.ciso_assistant import import_library

        return import_library(path).catalogue
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise CatalogError("expected a mapping at the top level", location=str(path))
    if "framework" in data:
        return _validate(Catalogue, data, path)  # type: ignore[no-any-return]
    if "objectives" in data:
        return _validate(ObjectiveSet, data, path)  # type: ignore[no-any-return]
    if "crosswalk" in data:
        return _validate(Crosswalk, data, path)  # type: ignore[no-any-return]
    if "objects" in data and "urn" in data:
        from itscm_audit.ciso_assistant import catalogue_from_library

        return catalogue_from_library(data, path).catalogue
    raise CatalogError("not a catalogue (framework:), objectives (objectives:) or crosswalk (crosswalk:) file",
                       location=str(path))


def _where(paths: Sequence[Path] | None, index: int, fallback: str) -> str:
    return str(paths[index]) if paths is not None and index < len(paths) else fallback


def _check_catalogue(cat: Catalogue, where: str) -> None:
    fw = cat.framework.id
    pattern = re.compile(cat.framework.id_pattern) if cat.framework.id_pattern else None
    ids: set[str] = set()
    for req in cat.requirements:
        if req.id in ids:
            raise CatalogError(f"framework {fw}: duplicate requirement id (entry {req.id})", location=where,
                               hint="every requirement id must be unique within its catalogue")
        if pattern is not None and not pattern.fullmatch(req.id):
            raise CatalogError(f"framework {fw}: requirement id does not follow the official numbering "
                               f"(entry {req.id})", location=where,
                               hint=f"ids of this catalogue match {cat.framework.id_pattern}")
        ids.add(req.id)
    parents = {r.id: r.parent for r in cat.requirements}
    for req in cat.requirements:
        if req.parent is not None and req.parent not in ids:
            raise CatalogError(f"framework {fw}: requirement has unknown parent {req.parent!r} (entry {req.id})",
                               location=where)
        chain, node = {req.id}, req.parent
        while node is not None:
            if node in chain:
                raise CatalogError(f"framework {fw}: requirement tree has a cycle through {node!r} "
                                   f"(entry {req.id})", location=where, hint="check the parent fields")
            chain.add(node)
            node = parents.get(node)


def check_integrity(catalogues: list[Catalogue], objectives: list[Objective],
                    crosswalks: list[tuple[Path, Crosswalk]], known_rules: set[str] | None = None, *,
                    catalogue_files: Sequence[Path] | None = None,
                    objective_files: Sequence[Path] | None = None) -> None:
    """Reject duplicate ids, ids off the official numbering, dangling parents, tree cycles, dangling
    crosswalk ids, rows on headings, ``covers`` naming what the objective lacks, two requirements of one
    framework ``equal`` to one objective, and unknown rules.

    ``catalogue_files`` / ``objective_files`` (parallel to ``catalogues`` / ``objectives``) let the
    error name the file; every error names the offending entry.
    """
    seen_fw: dict[str, str] = {}
    for i, cat in enumerate(catalogues):
        fw = cat.framework.id
        where = _where(catalogue_files, i, fw)
        if fw in seen_fw:
            raise CatalogError(f"framework {fw!r} is defined twice (also in {seen_fw[fw]})", location=where,
                               hint="give your own catalogue a different framework id")
        seen_fw[fw] = where
        _check_catalogue(cat, where)
    obj_ids: dict[str, Objective] = {}
    for i, obj in enumerate(objectives):
        where = _where(objective_files, i, "objectives")
        if obj.id in obj_ids:
            raise CatalogError(f"duplicate objective id (entry {obj.id})", location=where)
        obj_ids[obj.id] = obj
        if known_rules is not None:
            for rule_id in obj.rules:
                if rule_id not in known_rules:
                    raise CatalogError(f"objective names unknown rule {rule_id!r} (entry {obj.id})", location=where,
                                       hint=f"known rules: {', '.join(sorted(known_rules))}")
    reqs = {c.framework.id: {r.id: r for r in c.requirements} for c in catalogues}
    in_force: dict[tuple[str, str, str], tuple[Path, Mapping]] = {}
    for path, cw in crosswalks:
        fw = cw.crosswalk.framework
        if fw not in reqs:
            raise CatalogError(f"crosswalk for unknown framework {fw!r}", location=str(path),
                               hint=f"known: {', '.join(sorted(reqs))}")
        pairs: set[tuple[str, str]] = set()
        for m in cw.mappings:
            entry = f"(entry {m.requirement} -> {m.objective})"
            req = reqs[fw].get(m.requirement)
            if req is None:
                raise CatalogError(f"mapping names unknown requirement {fw}:{m.requirement} {entry}",
                                   location=str(path))
            if req.withdrawn:
                raise CatalogError(f"mapping names withdrawn requirement {fw}:{m.requirement} {entry}",
                                   location=str(path))
            if req.heading:
                raise CatalogError(f"mapping names heading {fw}:{m.requirement} {entry}", location=str(path),
                                   hint="a heading only groups its children and is never assessed: map the "
                                        "children instead")
            target = obj_ids.get(m.objective)
            if target is None:
                raise CatalogError(f"mapping names unknown objective {m.objective!r} {entry}", location=str(path))
            _check_covers(m, target, entry, path)
            if (m.requirement, m.objective) in pairs:
                raise CatalogError(f"mapping is listed twice {entry}", location=str(path))
            pairs.add((m.requirement, m.objective))
            in_force.pop((fw, m.requirement, m.objective), None)  # a later file's row replaces it, last
            in_force[(fw, m.requirement, m.objective)] = (path, m)
    _check_equal_rows(in_force)


def _check_covers(m: Mapping, obj: Objective, entry: str, path: Path) -> None:
    """A row may only name parts the objective has; an attestation-only objective has no parts."""
    if not m.covers:
        return
    if obj.attestation_only:
        raise CatalogError(f"covers names parts of attestation-only objective {obj.id} {entry}",
                           location=str(path), hint="an attestation decides the whole objective: drop covers")
    parts = set(obj.rules) | set(obj.evidence_types)
    unknown = [c for c in m.covers if c not in parts]
    if unknown:
        raise CatalogError(f"covers names {', '.join(unknown)}, not a rule or evidence type of {obj.id} {entry}",
                           location=str(path), hint=f"{obj.id} has: {', '.join(sorted(parts))}")


def _check_equal_rows(rows: dict[tuple[str, str, str], tuple[Path, Mapping]]) -> None:
    """Two requirements of one framework "equal" to one objective would be equal to each other, which a
    framework never says of two of its own requirements: at most one per objective."""
    first: dict[tuple[str, str], str] = {}
    for (fw, req_id, obj_id), (path, m) in rows.items():
        if m.relationship != Relationship.EQUAL:
            continue
        other = first.setdefault((fw, obj_id), req_id)
        if other != req_id:
            raise CatalogError(f"{fw}:{other} and {fw}:{req_id} are both 'equal' to {obj_id} "
                               f"(entry {req_id} -> {obj_id})", location=str(path),
                               hint="siblings that each cover part of the objective are subset_of it")


def merge_mappings(crosswalks: Iterable[tuple[Path, Crosswalk]]) -> dict[str, tuple[Mapping, ...]]:
    """Crosswalk rows by framework; a later file's row for the same requirement and objective replaces
    an earlier one, so a workspace file can correct a shipped row as well as add new ones."""
    merged: dict[str, dict[tuple[str, str], Mapping]] = {}
    for _, cw in crosswalks:
        rows = merged.setdefault(cw.crosswalk.framework, {})
        for m in cw.mappings:
            rows.pop((m.requirement, m.objective), None)
            rows[(m.requirement, m.objective)] = m
    return {fw: tuple(rows.values()) for fw, rows in sorted(merged.items())}


def load_catalogue_set(folders: list[Path], extra_files: list[Path] = (),  # type: ignore[assignment]
                       known_rules: set[str] | None = None) -> CatalogueSet:
    """Load every YAML file below ``folders`` plus ``extra_files`` and check them as one set."""
    catalogues: list[Catalogue] = []
    catalogue_files: list[Path] = []
    objectives: list[Objective] = []
    objective_files: list[Path] = []
    crosswalks: list[tuple[Path, Crosswalk]] = []
    files = [p for folder in folders for p in sorted(folder.rglob("*.yaml"))] + list(extra_files)
    for path in files:
        loaded = load_file(path)
        if isinstance(loaded, Catalogue):
            catalogues.append(loaded)
            catalogue_files.append(path)
        elif isinstance(loaded, ObjectiveSet):
            objectives.extend(loaded.objectives)
            objective_files.extend([path] * len(loaded.objectives))
        else:
            crosswalks.append((path, loaded))
    check_integrity(catalogues, objectives, crosswalks, known_rules,
                    catalogue_files=catalogue_files, objective_files=objective_files)
    return CatalogueSet(
        catalogues=tuple(sorted(catalogues, key=lambda c: c.framework.id)),
        objectives=tuple(objectives),
        mappings=merge_mappings(crosswalks),
    )


def shipped_catalogue_set(extra_files: Sequence[Path] = (), known_rules: set[str] | None = None) -> CatalogueSet:
    """The catalogues shipped with itscm-audit, plus ``extra_files``."""
    from itscm_audit.resources import frameworks_dir

    return load_catalogue_set([frameworks_dir()], list(extra_files), known_rules)


def validate_files(paths: Sequence[Path], known_rules: set[str] | None = None) -> list[str]:
    """Check an officer's own catalogue, objectives and crosswalk files together against the shipped set.

    Files checked together may refer to each other (a crosswalk for a catalogue given beside it).
    Returns one line per file saying what it holds; raises :class:`CatalogError` naming the file and
    the entry otherwise.
    """
    unique = list(dict.fromkeys(paths))
    for path in unique:
        if not path.is_file():
            raise CatalogError("no such file", location=str(path))
    loaded = [load_file(path) for path in unique]
    cs = shipped_catalogue_set(unique, known_rules)
    lines = []
    for item in loaded:
        if isinstance(item, Catalogue):
            mapped = len({m.requirement for m in cs.mappings.get(item.framework.id, ())})
            lines.append(f"catalogue {item.framework.id}: {len(item.requirements)} requirements, "
                         f"{mapped} mapped to objectives")
        elif isinstance(item, ObjectiveSet):
            lines.append(f"objectives: {len(item.objectives)} objectives")
        else:
            lines.append(f"crosswalk for {item.crosswalk.framework}: {len(item.mappings)} mappings")
    return lines


def validate_file(path: Path, known_rules: set[str] | None = None) -> str:
    """Check one file against the shipped set (see :func:`validate_files`)."""
    return validate_files([path], known_rules)[0]


SCHEMA_MODELS: dict[str, type[_Data]] = {"catalogue": Catalogue, "objectives": ObjectiveSet, "crosswalk": Crosswalk}
"""Data file kinds and their models; ``frameworks/schema/<kind>.schema.json`` is generated from them."""


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of each data file kind, as generated from the models."""
    out = {}
    for kind, model in SCHEMA_MODELS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://itscm-audit.example/schema/{kind}.schema.json"
        out[kind] = schema
    return out


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json_schemas(folder: Path) -> list[Path]:
    """Write ``<kind>.schema.json`` files (temporary name, then rename) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in json_schemas().items():
        target = folder / f"{kind}.schema.json"
        write_text_atomic(target, schema_text(schema))
        written.append(target)
    return written
