"""What to do next after an assessment: the few actions that would decide or improve most requirements.

``init --from`` and ``assess`` end with these, so a compliance officer always knows the next move:
import a register that is missing ("no training records found: iso22301:7.2, ..."), attest what no
data decides, add the evidence an objective rests on, renew evidence that is no longer current, fix
the gap that closes most requirements, correct rejected values. Each action counts the requirements
it concerns; the most useful come first. Everything is read from the :class:`AssessmentResult` and the
objectives of the catalogue set: nothing is decided twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from itscm_audit.catalog import DecidedBy, Objective
from itscm_audit.model import ENTITY_FIELD, EntityKind, Severity
from itscm_audit.result import AssessmentResult, EvidenceState, RequirementStatus, Status

RULE_INPUTS: dict[str, tuple[EntityKind, ...]] = {
    "action": (EntityKind.CORRECTIVE_ACTION,),
    "backup": (EntityKind.BACKUP_RUN,),
    "bia": (EntityKind.SERVICE,),
    "bia.vendor_terms": (EntityKind.SERVICE, EntityKind.VENDOR),
    "contact": (EntityKind.CONTACT,),
    "evidence": (),
    "exercise": (EntityKind.EXERCISE,),
    "finding": (EntityKind.FINDING,),
    "plan": (EntityKind.PLAN_DOCUMENT,),
    "privacy": (EntityKind.INCIDENT,),
    "training": (EntityKind.TRAINING_RECORD,),
    "vendor": (EntityKind.VENDOR,),
}
"""The records each rule needs, by rule id or by the prefix before its dot (a test covers every rule)."""

REGISTER_NAMES: dict[EntityKind, str] = {
    EntityKind.SERVICE: "service inventory / BIA",
    EntityKind.EXERCISE: "exercise (drill) log",
    EntityKind.FINDING: "findings",
    EntityKind.CORRECTIVE_ACTION: "corrective actions",
    EntityKind.CONTACT: "call tree",
    EntityKind.VENDOR: "vendor list",
    EntityKind.PLAN_DOCUMENT: "plan documents (register of plans and policies)",
    EntityKind.TRAINING_RECORD: "training records",
    EntityKind.INCIDENT: "incident register",
    EntityKind.RISK: "risk register",
    EntityKind.BACKUP_RUN: "backup log",
}
"""How a compliance officer names the register that holds each kind of record."""

KIND_ORDER = ("import", "evidence", "attest", "renew", "fix", "correct")
"""Between actions that concern as many requirements, the one earlier here comes first."""
SHOWN_IDS = 4
"""Requirement ids quoted in an action's line; the rest are counted."""


def rule_inputs(rule_id: str) -> tuple[EntityKind, ...]:
    """The kinds of records ``rule_id`` reads (``KeyError`` for a rule the table does not know)."""
    if rule_id in RULE_INPUTS:
        return RULE_INPUTS[rule_id]
    return RULE_INPUTS[rule_id.split(".", 1)[0]]


def ref(r: RequirementStatus) -> str:
    """``iso22301:7.2``: how requirements are named in attestations.xlsx and across frameworks."""
    return f"{r.framework}:{r.requirement_id}"


def quote(refs: Sequence[str], shown: int = SHOWN_IDS) -> str:
    """``iso22301:7.2, dora:Art.13(6) and 3 more``."""
    head = ", ".join(refs[:shown])
    return head + (f" and {len(refs) - shown} more" if len(refs) > shown else "")


@dataclass(frozen=True)
class MissingRegister:
    """A kind of record none of the files holds, and the requirements left undecided without it."""

    kind: EntityKind
    requirements: tuple[str, ...]

    def line(self) -> str:
        return (f"no {REGISTER_NAMES[self.kind]} found: {len(self.requirements)} requirement(s) need it, an "
                f"attestation or evidence ({quote(self.requirements)})")


@dataclass(frozen=True)
class NextAction:
    """One thing to do, with the requirements it would decide or improve."""

    kind: str
    """``import``, ``evidence``, ``attest``, ``renew``, ``fix`` or ``correct`` (see :data:`KIND_ORDER`)."""
    text: str
    requirements: tuple[str, ...] = ()


def missing_registers(result: AssessmentResult) -> tuple[MissingRegister, ...]:
    """Kinds of records absent from the data whose absence leaves requirements not assessed, most
    requirements first."""
    absent = {kind for kind, fld in ENTITY_FIELD.items() if not getattr(result.data, fld)}
    if not absent:
        return ()
    undecided = [r for r in result.requirements if r.status == Status.NOT_ASSESSED]
    out = []
    for kind in EntityKind:
        if kind not in absent:
            continue
        refs = tuple(ref(r) for r in undecided if any(kind in rule_inputs(rid) for rid in r.rules))
        if refs:
            out.append(MissingRegister(kind, refs))
    return tuple(sorted(out, key=lambda m: (-len(m.requirements), list(EntityKind).index(m.kind))))


def _evidence_only_types(objective: Objective, covers: Sequence[str]) -> tuple[str, ...]:
    """The evidence types that alone decide this objective (or the part of it a crosswalk row covers)."""
    rules = [r for r in objective.rules if not covers or r in covers]
    if rules:
        return ()
    return tuple(t for t in objective.evidence_types if not covers or t in covers)


def next_actions(result: AssessmentResult, objectives: Sequence[Objective], *, workspace: Path | None = None,
                 limit: int = 5) -> tuple[NextAction, ...]:
    """The ``limit`` most useful actions, ranked by how many requirements each concerns."""
    from itscm_audit.evidence import load_evidence_types

    where = str(workspace) if workspace is not None else "DIR"
    actions = [NextAction(
        "import", f"import your {REGISTER_NAMES[missing.kind]}: none found, so {len(missing.requirements)} "
        f"requirement(s) cannot be decided ({quote(missing.requirements)}); put the file in {where}/data/ "
        f"and list it under 'sources:' in itscm.yaml (itscm-audit import FILE shows what it holds)",
        missing.requirements) for missing in missing_registers(result)]
    by_id = {o.id: o for o in objectives}
    fresh = {e.item.evidence_type for e in result.evidence if e.state == EvidenceState.FRESH}
    wanted: dict[str, list[str]] = {}
    for r in result.requirements:
        if r.status not in (Status.NOT_MET, Status.PARTIALLY_MET, Status.NOT_ASSESSED):
            continue
        for c in r.contributions:
            obj = by_id.get(c.objective_id)
            if obj is None or c.objective_status == Status.MET:
                continue
            for etype in _evidence_only_types(obj, c.covers):
                if etype not in fresh and ref(r) not in wanted.get(etype, []):
                    wanted.setdefault(etype, []).append(ref(r))
    types = load_evidence_types()
    for etype, needing in wanted.items():
        title = types[etype].title if etype in types else etype
        actions.append(NextAction(
            "evidence", f"add evidence: {title} (itscm-audit evidence add {where} FILE --type {etype}) for "
            f"{len(needing)} requirement(s) ({quote(needing)})", tuple(needing)))
    pending = tuple(ref(r) for r in result.requirements if r.status == Status.NOT_ASSESSED and r.attestation is None
                    and r.decided_by != DecidedBy.NOT_ASSESSABLE)
    if pending:
        actions.append(NextAction(
            "attest", f"attest {len(pending)} requirement(s) no data decides: fill in their rows in "
            f"attestations.xlsx (status, statement, owner, date) ({quote(pending)})", pending))
    stale = [e for e in result.evidence if e.state != EvidenceState.FRESH]
    if stale:
        paths = {e.item.path for e in stale}
        refs = tuple(ref(r) for r in result.requirements if any(e.item.path in paths for e in r.evidence))
        shown = "; ".join(e.message for e in stale[:2]) + (f" and {len(stale) - 2} more" if len(stale) > 2 else "")
        actions.append(NextAction("renew", f"renew {len(stale)} evidence item(s) no longer current: {shown}", refs))
    for item in result.remediation:
        obj = by_id.get(item.objective_id)
        if obj is not None and not obj.rules:
            continue  # decided by evidence alone: the 'add evidence' action above says what is missing
        text = f"fix '{item.title}' ({len(item.requirements)} requirement(s)): {item.action.removeprefix('Fix: ')}"
        actions.append(NextAction("fix", text if len(text) <= 220 else text[:217] + "...", item.requirements))
    rejected = sum(1 for i in result.issues if i.severity == Severity.ERROR)
    if rejected:
        actions.append(NextAction("correct", f"correct {rejected} value(s) that could not be used: the 'Data "
                                  "quality' sheet of gap-matrix.xlsx lists each one with its file, row and column"))
    actions.sort(key=lambda a: (-len(a.requirements), KIND_ORDER.index(a.kind)))
    return tuple(actions[:limit])


def unlisted_spreadsheets(workspace: Path, listed: Sequence[str]) -> tuple[str, ...]:
    """Spreadsheets under ``data/`` that ``sources:`` in itscm.yaml does not list, so no run reads them
    (an empty ``listed`` means every spreadsheet in ``data/`` is read: nothing is unlisted)."""
    from itscm_audit.importers.readers import CSV_SUFFIXES, WORKBOOK_SUFFIXES

    folder = workspace / "data"
    if not listed or not folder.is_dir():
        return ()
    known = {Path(p).as_posix() for p in listed}
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(workspace)
        if (path.is_file() and not any(part.startswith((".", "~$")) for part in rel.parts)
                and path.suffix.casefold() in WORKBOOK_SUFFIXES | CSV_SUFFIXES and rel.as_posix() not in known):
            out.append(rel.as_posix())
    return tuple(out)


def workspace_next_actions(workspace: Path, result: AssessmentResult, *,
                           limit: int = 5) -> tuple[tuple[NextAction, ...], tuple[str, ...]]:
    """The next actions for ``result`` of ``workspace`` (its own catalogues included), and the spreadsheets
    in its ``data/`` folder that ``sources:`` does not list."""
    from itscm_audit.config import load_config
    from itscm_audit.pipeline import load_catalogues

    config = load_config(workspace)
    catalogues = load_catalogues(workspace, config)
    actions = next_actions(result, catalogues.objectives, workspace=workspace, limit=limit)
    return actions, unlisted_spreadsheets(workspace, [s.path for s in config.sources])
