"""The evidence locker: artefacts under ``evidence/`` listed in ``evidence/manifest.yaml`` with their
SHA-256, collection date, evidence type, time-to-live and links to services, exercises and objectives.

An auditor relies on an artefact only if it is still the file that was collected (hash), still
current (TTL) and really inside the workspace. Stale, missing or changed items are reported with the
file and since when, and downgrade the statuses that rely on them (see ``status.py``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from itscm_audit.asof import evidence_issues, evidence_not_yet
from itscm_audit.catalog import SAFE_LOADER
from itscm_audit.config import Policy
from itscm_audit.errors import EvidenceError
from itscm_audit.fsio import inside, locked, write_text_atomic
from itscm_audit.model import DataIssue, EvidenceItem, Severity, SourceRef
from itscm_audit.periods import MAX_TTL_DAYS, bounded_date
from itscm_audit.resources import evidence_types_dir
from itscm_audit.result import EvidenceState, EvidenceStatus

EVIDENCE_DIR = "evidence"
MANIFEST = "evidence/manifest.yaml"
"""Workspace-relative path of the manifest (forward slashes, as in every SourceRef)."""
_HEADER = ("# Evidence locker of this workspace. Maintained by 'itscm-audit evidence add'; paths are\n"
           "# relative to evidence/. Do not edit sha256 by hand: 'itscm-audit evidence verify' checks it.\n")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


class EvidenceType(BaseModel):
    """A kind of artefact and how long one stays current after it was collected."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    ttl_days: int = Field(ge=1, le=MAX_TTL_DAYS)
    description: str


class _TypesFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    types: tuple[EvidenceType, ...]


@cache
def load_evidence_types(folder: Path | None = None) -> dict[str, EvidenceType]:
    """The shipped evidence types (``evidence/types.yaml`` of the installation), by id."""
    path = (folder or evidence_types_dir()) / "types.yaml"
    try:
        parsed = _TypesFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise EvidenceError(f"shipped evidence types cannot be read: {exc}", location=str(path)) from None
    return {t.id: t for t in parsed.types}


def safe_relative(path: str) -> str:
    """A manifest path normalised to forward slashes, refused when absolute or climbing out with ``..``."""
    text = path.strip().replace("\\", "/")
    if text.startswith("evidence/"):
        text = text[len("evidence/"):]
    while text.startswith("./"):
        text = text[2:]
    if not text:
        raise ValueError("empty path")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        raise ValueError(f"absolute path {path!r}: evidence paths are relative to evidence/")
    if ".." in PurePosixPath(text).parts:
        raise ValueError(f"path {path!r} climbs out of evidence/ with '..'")
    return str(PurePosixPath(text))


class ManifestEntry(BaseModel):
    """One item of ``evidence/manifest.yaml`` as written by a person or by ``evidence add``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    path: str
    sha256: str
    type: str
    title: str | None = None
    collected: date
    effective_from: date | None = None
    effective_to: date | None = None
    ttl_days: int | None = Field(None, ge=1, le=MAX_TTL_DAYS)
    services: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()

    @field_validator("collected", "effective_from", "effective_to")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        return None if value is None else bounded_date(value)

    @field_validator("path")
    @classmethod
    def _safe(cls, value: str) -> str:
        return safe_relative(value)

    @field_validator("sha256")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX64.match(value):
            raise ValueError("sha256 must be 64 hexadecimal characters")
        return value.lower()

    def item(self, line: int | None) -> EvidenceItem:
        return EvidenceItem(path=self.path, sha256=self.sha256, evidence_type=self.type, title=self.title,
                            collected=self.collected, effective_from=self.effective_from,
                            effective_to=self.effective_to, ttl_days=self.ttl_days, services=self.services,
                            exercises=self.exercises, objectives=self.objectives,
                            source=SourceRef(file=MANIFEST, row=line))


@dataclass(frozen=True)
class EvidenceIndex:
    """The locker as the rules and the reporters see it: one status per item, the problems, the hashes."""

    statuses: tuple[EvidenceStatus, ...] = ()
    issues: tuple[DataIssue, ...] = ()
    digests: dict[str, str] = field(default_factory=dict)
    """SHA-256 of the manifest and of every evidence file found, by workspace-relative path."""

    _paths: dict[str, EvidenceStatus] = field(default_factory=dict, init=False, repr=False, compare=False)
    _links: dict[tuple[str, str], tuple[EvidenceStatus, ...]] = field(default_factory=dict, init=False,
                                                                      repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index once, so rules looking up thousands of exercises stay linear."""
        links: dict[tuple[str, str], list[EvidenceStatus]] = {}
        for s in self.statuses:
            self._paths.setdefault(s.item.path, s)
            keys = [("type", s.item.evidence_type), *(("exercise", e) for e in s.item.exercises),
                    *(("service", v) for v in s.item.services), *(("objective", o) for o in s.item.objectives)]
            for key in dict.fromkeys(keys):
                links.setdefault(key, []).append(s)
        self._links.update({k: tuple(v) for k, v in links.items()})

    def by_path(self, path: str) -> EvidenceStatus | None:
        """The item at ``path`` (relative to evidence/, or starting with ``evidence/``)."""
        try:
            return self._paths.get(safe_relative(path))
        except ValueError:
            return None

    def of_type(self, evidence_type: str) -> tuple[EvidenceStatus, ...]:
        return self._links.get(("type", evidence_type), ())

    def for_exercise(self, exercise_id: str) -> tuple[EvidenceStatus, ...]:
        return self._links.get(("exercise", exercise_id), ())

    def for_service(self, service_id: str) -> tuple[EvidenceStatus, ...]:
        return self._links.get(("service", service_id), ())

    def for_objective(self, objective_id: str) -> tuple[EvidenceStatus, ...]:
        return self._links.get(("objective", objective_id), ())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Parsed:
    entries: tuple[tuple[ManifestEntry, int | None], ...]
    issues: tuple[DataIssue, ...]
    rejected: tuple[str, ...]
    raw: tuple[dict[str, Any], ...]
    digest: str | None


def _issue(code: str, message: str, line: int | None, column: str | None = None, value: Any = None,
           severity: Severity = Severity.ERROR) -> DataIssue:
    return DataIssue(code=code, message=message, severity=severity,
                     source=SourceRef(file=MANIFEST, row=line, column=column,
                                      value=None if value is None else str(value)))


def _parse_manifest(root: Path) -> _Parsed:
    """Read and validate the manifest; a file that is not a usable manifest at all is an EvidenceError."""
    path = root / MANIFEST
    if not path.is_file():
        return _Parsed((), (), (), (), None)
    if not inside(root, path):
        raise EvidenceError("the manifest is a link to a file outside the workspace", location=str(path))
    try:
        raw_bytes = path.read_bytes()
        text = raw_bytes.decode("utf-8-sig")
        node = yaml.compose(text, Loader=SAFE_LOADER)  # libyaml: the manifest grows with the locker
        data = yaml.load(text, Loader=SAFE_LOADER)
    except OSError as exc:
        raise EvidenceError(f"cannot read: {exc.strerror}", location=str(path)) from None
    except UnicodeDecodeError as exc:
        raise EvidenceError(f"not UTF-8 text (byte {exc.start})", location=str(path),
                            hint="save the file as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise EvidenceError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", location=where) from None
    digest = hashlib.sha256(raw_bytes).hexdigest()
    if data is None:
        return _Parsed((), (), (), (), digest)
    items = data.get("items", []) if isinstance(data, dict) else None
    items = [] if isinstance(data, dict) and items is None else items
    if not isinstance(items, list) or not isinstance(data, dict) or set(data) - {"items"}:
        raise EvidenceError("expected a mapping with one key, 'items:', holding a list of evidence items",
                            location=f"{path}:1", hint="see docs/example-workspace.md for the format")
    item_nodes: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "items" and isinstance(value, yaml.SequenceNode):
                item_nodes = list(value.value)
    entries: list[tuple[ManifestEntry, int | None]] = []
    issues: list[DataIssue] = []
    rejected: list[str] = []
    raws: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, raw in enumerate(items):
        line = item_nodes[index].start_mark.line + 1 if index < len(item_nodes) else None
        if not isinstance(raw, dict):
            issues.append(_issue("evidence.invalid_item", "an item must be a mapping with path, sha256, type "
                                 "and collected", line))
            continue
        raws.append(raw)
        try:
            entry = ManifestEntry.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or None
                issues.append(_issue("evidence.invalid_item", f"{loc or 'item'}: {err['msg']}; item ignored",
                                     line, loc, raw.get(loc) if isinstance(loc, str) else None))
            if isinstance(raw.get("path"), str):
                rejected.append(str(raw["path"]))
            continue
        if entry.path in seen:
            issues.append(_issue("evidence.duplicate", f"evidence/{entry.path} listed twice; the first entry "
                                 "is used", line, "path", entry.path, Severity.WARNING))
            continue
        seen.add(entry.path)
        if not inside(root, root / EVIDENCE_DIR / entry.path):
            issues.append(_issue("evidence.escape", f"evidence/{entry.path} is a link to a file outside the "
                                 "workspace; item ignored", line, "path", entry.path))
            rejected.append(entry.path)
            continue
        entries.append((entry, line))
    return _Parsed(tuple(entries), tuple(issues), tuple(rejected), tuple(raws), digest)


def effective_ttl(entry: EvidenceItem, policy: Policy, types: dict[str, EvidenceType]) -> int | None:
    """The item's own ``ttl_days``, else the policy's override for its type, else the type's default."""
    if entry.ttl_days is not None:
        return entry.ttl_days
    if entry.evidence_type in policy.evidence_ttl_days:
        return policy.evidence_ttl_days[entry.evidence_type]
    known = types.get(entry.evidence_type)
    return known.ttl_days if known is not None else None


def load_evidence(root: Path, as_of: date, policy: Policy,
                  types: dict[str, EvidenceType] | None = None) -> EvidenceIndex:
    """Check every manifest item against the files (hash), the as-of date (TTL) and the workspace.

    Items not known on the as-of date (collected later, or effective only later: ``asof``) are left out
    with one info issue per reason; their files are still hashed as inputs of the run."""
    root = Path(root)
    known = load_evidence_types() if types is None else types
    parsed = _parse_manifest(root)
    issues = list(parsed.issues)
    digests: dict[str, str] = {}
    if parsed.digest is not None:
        digests[MANIFEST] = parsed.digest
    statuses: list[EvidenceStatus] = []
    later: list[tuple[EvidenceItem, str]] = []
    for entry, line in parsed.entries:
        item = entry.item(line)
        shown = f"evidence/{item.path}"
        why = evidence_not_yet(item, as_of)
        if why is not None:  # not known on the as-of date: left out, its file still part of the inputs
            later.append((item, why))
            target = root / EVIDENCE_DIR / item.path
            if target.is_file():
                digests[shown] = sha256_file(target)
            continue
        if item.evidence_type not in known:
            issues.append(_issue("evidence.unknown_type", f"{shown}: unknown evidence type {item.evidence_type!r}"
                                 f" (known: {', '.join(sorted(known))})", line, "type", item.evidence_type,
                                 Severity.WARNING))
        ttl = effective_ttl(item, policy, known)
        expires = item.collected + timedelta(days=ttl) if ttl is not None else None
        target = root / EVIDENCE_DIR / item.path
        if not target.is_file():
            statuses.append(EvidenceStatus(item=item, state=EvidenceState.MISSING, expires=expires,
                                           message=f"{shown} missing: listed in the manifest (collected "
                                                   f"{item.collected}) but not found"))
            continue
        actual = sha256_file(target)
        digests[shown] = actual
        if actual != item.sha256:
            statuses.append(EvidenceStatus(item=item, state=EvidenceState.CHANGED, expires=expires,
                                           message=f"{shown} changed since it was collected on {item.collected}: "
                                                   "its SHA-256 differs from the manifest"))
        elif expires is not None and as_of > expires:
            statuses.append(EvidenceStatus(item=item, state=EvidenceState.STALE, expires=expires,
                                           message=f"{shown} stale since {expires} (TTL {ttl} days)"))
        else:
            until = f"fresh until {expires} (TTL {ttl} days)" if expires else "fresh (no time-to-live)"
            statuses.append(EvidenceStatus(item=item, state=EvidenceState.FRESH, expires=expires,
                                           message=f"{shown} {until}"))
    statuses.sort(key=lambda s: s.item.path)
    issues.extend(evidence_issues(later, as_of))
    return EvidenceIndex(statuses=tuple(statuses), issues=tuple(issues), digests=dict(sorted(digests.items())))


def list_evidence(root: Path, as_of: date, policy: Policy | None = None) -> tuple[EvidenceStatus, ...]:
    """Every item with its freshness as of ``as_of`` (what ``evidence list`` prints)."""
    return load_evidence(root, as_of, policy or Policy()).statuses


def _write_manifest(root: Path, items: Sequence[dict[str, Any]]) -> Path:
    """Write the manifest whole (temporary file, then rename over the old one)."""
    path = root / MANIFEST
    body = yaml.safe_dump({"items": list(items)}, sort_keys=False, allow_unicode=True, default_flow_style=None,
                          width=100)
    write_text_atomic(path, _HEADER + body)
    return path


def _locate(root: Path, file: Path) -> tuple[Path, str]:
    """Find ``file`` (given from the current folder, or relative to the workspace or its evidence/) and
    return it with its path relative to evidence/, refusing anything outside the locker."""
    locker = (root / EVIDENCE_DIR).absolute()
    candidates = [file] if file.is_absolute() else [file, root / EVIDENCE_DIR / file, root / file]
    found = next((c for c in candidates if os.path.lexists(c)), None)
    if found is None:
        raise EvidenceError("file not found", location=str(file),
                            hint=f"put it under {root / EVIDENCE_DIR} and give its path")
    lexical = Path(os.path.abspath(found))
    try:
        rel = lexical.relative_to(locker)
    except ValueError:
        raise EvidenceError(f"not inside the evidence locker {locker}", location=str(found),
                            hint=f"copy the file into {root / EVIDENCE_DIR}/ first") from None
    if not inside(root, lexical):
        raise EvidenceError("is a link to a file outside the workspace", location=str(found),
                            hint="copy the file itself into the evidence folder")
    if not lexical.is_file():
        raise EvidenceError("not a file", location=str(found))
    return lexical, safe_relative(rel.as_posix())


def last_modified(root: Path, file: Path) -> date:
    """The day ``file`` (found as :func:`add_evidence` finds it) was last modified: the collection date
    ``evidence add`` records when none is given. Raises :class:`EvidenceError` as ``add_evidence`` does."""
    target, _rel = _locate(Path(root), Path(file))
    return date.fromtimestamp(target.stat().st_mtime)


def add_evidence(root: Path, file: Path, evidence_type: str, collected: date, *, title: str | None = None,
                 services: Iterable[str] = (), exercises: Iterable[str] = (), objectives: Iterable[str] = (),
                 ttl_days: int | None = None, effective_from: date | None = None,
                 effective_to: date | None = None,
                 types: dict[str, EvidenceType] | None = None) -> EvidenceItem:
    """Hash a file of the locker and record it in the manifest (replacing an entry for the same path)."""
    root = Path(root)
    if not root.is_dir():
        raise EvidenceError("workspace folder does not exist", location=str(root))
    known = load_evidence_types() if types is None else types
    if evidence_type not in known:
        raise EvidenceError(f"unknown evidence type {evidence_type!r}", location=str(file),
                            hint=f"use one of: {', '.join(sorted(known))}")
    target, rel = _locate(root, Path(file))
    if rel == "manifest.yaml":
        raise EvidenceError("the manifest cannot list itself", location=str(target))
    try:
        entry = ManifestEntry(path=rel, sha256=sha256_file(target), type=evidence_type, title=title,
                              collected=collected, effective_from=effective_from, effective_to=effective_to,
                              ttl_days=ttl_days, services=tuple(services), exercises=tuple(exercises),
                              objectives=tuple(objectives))
    except ValidationError as exc:
        err = exc.errors()[0]
        field_name = "--" + "-".join(str(p) for p in err["loc"]).replace("_", "-")
        raise EvidenceError(f"{field_name}: {err['msg']}", location=str(file)) from None
    record = entry.model_dump(exclude_none=True, exclude_defaults=True)
    record.update(path=rel, sha256=entry.sha256, type=evidence_type, collected=collected)
    order = list(ManifestEntry.model_fields)
    record = {k: (list(v) if isinstance(v, tuple) else v) for k, v in
              sorted(record.items(), key=lambda kv: order.index(kv[0]))}
    # Read, change and write the manifest under its lock: concurrent 'evidence add' runs queue here
    # instead of each writing back the manifest it read, losing the others' items.
    with locked(root / MANIFEST):
        parsed = _parse_manifest(root)
        kept = [r for r in parsed.raw if _norm_path(r.get("path")) != rel]
        items = sorted([*kept, record], key=lambda r: str(r.get("path", "")))
        _write_manifest(root, items)
    return entry.item(None)


def _norm_path(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return safe_relative(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class VerifyReport:
    """What ``evidence verify`` found: any changed, missing, unlisted or refused file fails it."""

    checked: int
    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unlisted: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()
    issues: tuple[DataIssue, ...] = ()

    @property
    def ok(self) -> bool:
        errors = any(i.severity == Severity.ERROR for i in self.issues)
        return not (self.changed or self.missing or self.unlisted or self.rejected or errors)

    def lines(self) -> list[str]:
        out = [f"changed: evidence/{p}" for p in self.changed]
        out += [f"missing: evidence/{p}" for p in self.missing]
        out += [f"unlisted: evidence/{p}" for p in self.unlisted]
        out += [f"refused: {i.source.label()}: {i.message}" for i in self.issues if i.severity == Severity.ERROR]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "changed": list(self.changed),
                "missing": list(self.missing), "unlisted": list(self.unlisted), "rejected": list(self.rejected),
                "issues": [i.model_dump(mode="json") for i in self.issues]}


def verify_evidence(root: Path) -> VerifyReport:
    """Compare the locker with its manifest: every listed file present and unchanged, every file listed."""
    root = Path(root)
    if not root.is_dir():
        raise EvidenceError("workspace folder does not exist", location=str(root))
    parsed = _parse_manifest(root)
    changed: list[str] = []
    missing: list[str] = []
    for entry, _line in parsed.entries:
        target = root / EVIDENCE_DIR / entry.path
        if not target.is_file():
            missing.append(entry.path)
        elif sha256_file(target) != entry.sha256:
            changed.append(entry.path)
    listed = {e.path for e, _ in parsed.entries} | set(parsed.rejected)
    unlisted: list[str] = []
    locker = root / EVIDENCE_DIR
    for folder, dirs, files in os.walk(locker):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith("."):
                continue
            rel = (Path(folder) / name).relative_to(locker).as_posix()
            if rel != "manifest.yaml" and rel not in listed:
                unlisted.append(rel)
    return VerifyReport(checked=len(parsed.entries), changed=tuple(sorted(changed)), missing=tuple(sorted(missing)),
                        unlisted=tuple(sorted(unlisted)), rejected=tuple(sorted(set(parsed.rejected))),
                        issues=parsed.issues)
