"""What to do next after an assessment: the few actions that would decide or improve most requirements.

``init --from`` and ``assess`` end with these, so a compliance officer always knows the next move:
import the registers none of the files holds (one action naming each: "import your incident register
(3), training register (1): none found, so 4 requirement(s) cannot be decided"), add the evidence
types the open requirements wait for, attest what no data decides, renew evidence that is no longer
current, fix the gap that closes most requirements, correct rejected values. Each action counts the
requirements it concerns; the most useful come first. Everything is read from the
:class:`AssessmentResult` (which registers were imported: ``Facts.registers``) and the objectives of the
catalogue set: nothing is decided twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from itscm_audit.catalog import DecidedBy, Objective
from itscm_audit.model import EntityKind, Severity
from itscm_audit.registers import REGISTER_NAMES, registers_of
from itscm_audit.result import AssessmentResult, EvidenceState, Outcome, RequirementStatus, Status

KIND_ORDER = ("import", "evidence", "attest", "renew", "fix", "correct")
"""Between actions that concern as many requirements, the one earlier here comes first."""
SHOWN_IDS = 4
"""Requirement ids quoted in an action's line; the rest are counted."""


def rule_inputs(rule_id: str) -> tuple[EntityKind, ...]:
    """The registers ``rule_id`` reads, as the rule declares them (``KeyError`` for an unknown rule)."""
    from itscm_audit.rules import RULES

    return RULES[rule_id].needs


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
    absent = set(EntityKind) - registers_of(result)
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


def _import_action(missing: Sequence[MissingRegister], where: str) -> NextAction | None:
    """One action for every register none of the files holds (so none of them is cut off the list), counting
    the requirements each leaves undecided."""
    if not missing:
        return None
    needing = tuple(dict.fromkeys(r for m in missing for r in m.requirements))
    if len(missing) == 1:
        what, files = REGISTER_NAMES[missing[0].kind], "the file"
    else:
        what = ", ".join(f"{REGISTER_NAMES[m.kind]} ({len(m.requirements)})" for m in missing)
        files = "the files"
    return NextAction(
        "import", f"import your {what}: none found, so {len(needing)} requirement(s) cannot be decided "
        f"({quote(needing)}); put {files} in {where}/data/ and list {'it' if len(missing) == 1 else 'them'} "
        "under 'sources:' in itscm.yaml (itscm-audit import FILE shows what it holds)", needing)


def _wanted_evidence(result: AssessmentResult, objectives: dict[str, Objective]) -> dict[str, list[str]]:
    """Per evidence type not (freshly) in the locker, the open requirements it would decide: objectives
    decided by evidence alone, and rules that had no data for want of evidence of their type."""
    from itscm_audit.rules import RULES

    fresh = {e.item.evidence_type for e in result.evidence if e.state == EvidenceState.FRESH}
    empty = {c.rule_id for c in result.checks if c.outcome == Outcome.NO_DATA}
    wanted: dict[str, list[str]] = {}
    for r in result.requirements:
        if r.status not in (Status.NOT_MET, Status.PARTIALLY_MET, Status.NOT_ASSESSED):
            continue
        for c in r.contributions:
            obj = objectives.get(c.objective_id)
            if obj is None or c.objective_status == Status.MET:
                continue
            types = [*_evidence_only_types(obj, c.covers),
                     *(t for rid in obj.rules if rid in empty and (not c.covers or rid in c.covers) and rid in RULES
                       for t in RULES[rid].evidence_needs)]
            for etype in types:
                if etype not in fresh and ref(r) not in wanted.get(etype, []):
                    wanted.setdefault(etype, []).append(ref(r))
    return wanted


def _evidence_action(result: AssessmentResult, objectives: dict[str, Objective], where: str) -> NextAction | None:
    """One action for the evidence types the open requirements wait for, each with its command."""
    from itscm_audit.evidence import load_evidence_types

    wanted = _wanted_evidence(result, objectives)
    if not wanted:
        return None
    needing = tuple(dict.fromkeys(r for refs in wanted.values() for r in refs))
    if len(wanted) == 1:
        etype, refs = next(iter(wanted.items()))
        types = load_evidence_types()
        title = types[etype].title if etype in types else etype
        return NextAction("evidence", f"add evidence: {title} (itscm-audit evidence add {where} FILE --type "
                          f"{etype}) for {len(refs)} requirement(s) ({quote(refs)})", needing)
    ranked = sorted(wanted.items(), key=lambda kv: -len(kv[1]))
    listed = ", ".join(f"{etype} ({len(refs)})" for etype, refs in ranked)
    return NextAction("evidence", f"add evidence of each type (itscm-audit evidence add {where} FILE --type TYPE): "
                      f"{listed}, for {len(needing)} requirement(s) ({quote(needing)})", needing)


def next_actions(result: AssessmentResult, objectives: Sequence[Objective], *, workspace: Path | None = None,
                 limit: int = 5) -> tuple[NextAction, ...]:
    """The ``limit`` most useful actions, ranked by how many requirements each concerns."""
    where = str(workspace) if workspace is not None else "DIR"
    by_id = {o.id: o for o in objectives}
    actions = [a for a in (_import_action(missing_registers(result), where),
                           _evidence_action(result, by_id, where)) if a is not None]
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
