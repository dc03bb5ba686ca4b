"""Control catalogues, the hub of continuity objectives, and the typed crosswalk between them.

All of it is data under ``frameworks/`` (YAML), validated here. A catalogue lists a framework's
requirements; ``objectives.yaml`` lists the hub objectives that rules and evidence satisfy; each
``crosswalk/*.yaml`` maps requirements to objectives with a NIST IR 8477 set-theory relationship,
read as "requirement RELATIONSHIP objective".
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from itscm_audit.errors import CatalogError


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
    """In our own words; never the standard's text."""
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
    """What part of the requirement the objective does not cover (for subset/intersects)."""


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


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise CatalogError(f"not valid YAML: {getattr(exc, 'problem', exc)}", location=where) from None
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", location=str(path)) from None


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
                if loc[1] < len(items) and isinstance(items[loc[1]], dict):
                    item = items[loc[1]]
                    name = item.get("id") or f"{item.get('requirement')} -> {item.get('objective')}"
                    entry = f" (entry {name})"
            problems.append(f"{'.'.join(str(p) for p in loc)}{entry}: {err['msg']}")
        raise CatalogError("; ".join(problems), location=str(path)) from None


def load_file(path: Path) -> Catalogue | ObjectiveSet | Crosswalk:
    """Load one catalogue, objectives or crosswalk file, recognised by its top-level key."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise CatalogError("expected a mapping at the top level", location=str(path))
    if "framework" in data:
        return _validate(Catalogue, data, path)  # type: ignore[no-any-return]
    if "objectives" in data:
        return _validate(ObjectiveSet, data, path)  # type: ignore[no-any-return]
    if "crosswalk" in data:
        return _validate(Crosswalk, data, path)  # type: ignore[no-any-return]
    raise CatalogError("not a catalogue (framework:), objectives (objectives:) or crosswalk (crosswalk:) file",
                       location=str(path))


def check_integrity(catalogues: list[Catalogue], objectives: list[Objective],
                    crosswalks: list[tuple[Path, Crosswalk]], known_rules: set[str] | None = None) -> None:
    """Reject duplicate ids, dangling parents, tree cycles, dangling crosswalk ids and unknown rules."""
    seen_fw: set[str] = set()
    for cat in catalogues:
        fw = cat.framework.id
        if fw in seen_fw:
            raise CatalogError(f"framework {fw!r} is defined twice")
        seen_fw.add(fw)
        ids: set[str] = set()
        for req in cat.requirements:
            if req.id in ids:
                raise CatalogError(f"duplicate requirement id {req.id!r}", location=fw)
            ids.add(req.id)
        parents = {r.id: r.parent for r in cat.requirements}
        for req in cat.requirements:
            if req.parent is not None and req.parent not in ids:
                raise CatalogError(f"requirement {req.id!r} has unknown parent {req.parent!r}", location=fw)
            chain, node = {req.id}, req.parent
            while node is not None:
                if node in chain:
                    raise CatalogError(f"requirement tree has a cycle through {req.id!r}", location=fw)
                chain.add(node)
                node = parents.get(node)
    obj_ids: set[str] = set()
    for obj in objectives:
        if obj.id in obj_ids:
            raise CatalogError(f"duplicate objective id {obj.id!r}")
        obj_ids.add(obj.id)
        if known_rules is not None:
            for rule in obj.rules:
                if rule not in known_rules:
                    raise CatalogError(f"objective {obj.id} names unknown rule {rule!r}")
    req_ids = {c.framework.id: {r.id for r in c.requirements} for c in catalogues}
    for path, cw in crosswalks:
        fw = cw.crosswalk.framework
        if fw not in req_ids:
            raise CatalogError(f"crosswalk for unknown framework {fw!r}", location=str(path))
        for m in cw.mappings:
            if m.requirement not in req_ids[fw]:
                raise CatalogError(f"mapping names unknown requirement {fw}:{m.requirement}", location=str(path))
            if m.objective not in obj_ids:
                raise CatalogError(f"mapping {m.requirement} names unknown objective {m.objective}",
                                   location=str(path))


def load_catalogue_set(folders: list[Path], extra_files: list[Path] = (),  # type: ignore[assignment]
                       known_rules: set[str] | None = None) -> CatalogueSet:
    """Load every YAML file below ``folders`` plus ``extra_files`` and check them as one set."""
    catalogues: list[Catalogue] = []
    objectives: list[Objective] = []
    crosswalks: list[tuple[Path, Crosswalk]] = []
    files = [p for folder in folders for p in sorted(folder.rglob("*.yaml"))] + list(extra_files)
    for path in files:
        loaded = load_file(path)
        if isinstance(loaded, Catalogue):
            catalogues.append(loaded)
        elif isinstance(loaded, ObjectiveSet):
            objectives.extend(loaded.objectives)
        else:
            crosswalks.append((path, loaded))
    check_integrity(catalogues, objectives, crosswalks, known_rules)
    mappings: dict[str, list[Mapping]] = {}
    for _, cw in crosswalks:
        mappings.setdefault(cw.crosswalk.framework, []).extend(cw.mappings)
    return CatalogueSet(
        catalogues=tuple(sorted(catalogues, key=lambda c: c.framework.id)),
        objectives=tuple(objectives),
        mappings={k: tuple(v) for k, v in sorted(mappings.items())},
    )
