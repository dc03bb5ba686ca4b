"""``evidence-pack.docx``: the document an auditor and management read, on the organisation's template.

Concise by design (the example's 12 frameworks fit in about forty pages): every fact appears once and
is cited elsewhere by id. Evidence items are listed once, in the evidence index, as ``E-012``; the
results, objectives and exercises cite those ids. Long lists (services, exercises, data-quality
issues) are capped with a pointer to the workbook, which holds every row. Every figure is read from
the result (``result.facts`` for coverage, recoveries and overdue actions) or from the same report
tables as the workbook, so the two never disagree.

Chapters: cover, document control and sign-off, contents, executive summary, scope and method,
results per framework, findings and remediation plan, Statement of Applicability, then appendices in
landscape (services, exercises in the window, evidence index, data quality).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from itscm_audit.reporters import tables as t
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.charts import FrameworkPosture, Recovery, framework_name
from itscm_audit.reporters.word import Column, WordDocument, one_line
from itscm_audit.result import AssessmentResult, Outcome, Status

TEMPLATE_NAME = "evidence-pack.docx"
SIGN_OFF_ROLES = ("Prepared by (continuity manager)", "Reviewed by (internal audit)",
                  "Approved by (accountable executive)")
TOP_GAPS = 10
"""Gaps in the executive summary, ranked by how many requirements each fix closes."""
SERVICE_ROWS = 100
EXERCISE_ROWS = 100
ACTION_ROWS = 50
EVIDENCE_ROWS = 1000
ISSUE_ROWS = 50
CHART_RECOVERIES = 30
"""Caps per table for a reader: enough for the example and any mid-size organisation, a pointer to
the workbook (or failing-entities.csv) beyond. The evidence index is capped high because other
tables cite its ids."""
ID_RANGES = 4
"""Evidence id ranges shown in one cell (one per line) before "and n more"."""
WORKBOOK = "the gap matrix workbook (gap-matrix.xlsx)"


def default_template() -> Path | None:
    from itscm_audit.resources import templates_dir

    try:
        path = templates_dir() / TEMPLATE_NAME
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


class _Names:
    """What the pack calls things: framework names, evidence ids."""

    def __init__(self, result: AssessmentResult) -> None:
        self.framework = {f.framework: framework_name(f.title, f.framework) for f in result.frameworks}
        self.evidence = t.evidence_ids(result)

    def fw(self, framework_id: str) -> str:
        return self.framework.get(framework_id, framework_id)

    def cite(self, paths: Sequence[str]) -> str:
        return t.id_ranges([self.evidence.get(p, "") or self.evidence.get(p.removeprefix("evidence/"), "")
                            for p in paths], ID_RANGES)


def result_digest(ctx: PackContext) -> str:
    """SHA-256 of result.json as written in this pack (the manifest lists the same digest), or of the
    result.json this result would give when the pack has none."""
    from itscm_audit.evidence import sha256_file

    for path in ctx.written:
        if path.name == "result.json":
            return sha256_file(path)

    class _Hasher:
        def __init__(self) -> None:
            self.h = hashlib.sha256()

        def write(self, data: bytes) -> int:
            self.h.update(data)
            return len(data)

    sink = _Hasher()
    ctx.result.write_json(sink, full=ctx.full_result)  # type: ignore[arg-type]
    return sink.h.hexdigest()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "n/a"


# --------------------------------------------------------------------------- front matter


def _cover(doc: WordDocument, result: AssessmentResult, names: _Names, digest: str) -> None:
    run = result.run
    doc.para("IT service continuity evidence pack", "Title")
    doc.para(run.organisation, "Subtitle")
    doc.para(f"Assessment as of {run.as_of.isoformat()} · {run.label}", "Subtitle")
    doc.rich([("Scope: ", "b"), (run.scope or "the whole organisation", "")])
    doc.rich([("Run id: ", "b"), (run.run_id, "")])
    doc.rich([("Result digest (SHA-256 of result.json in this pack): ", "b"), (digest, "")])
    doc.heading("Frameworks assessed", 2, contents=False)
    doc.table((Column("Framework"), Column("Title", "wrap", 0.6), Column("Version", "wrap", 0.35)),
              [(names.fw(f.framework), f.title, f.version) for f in result.frameworks])


def _input_files(digests: dict[str, str]) -> str:
    evidence = sum(1 for path in digests if path.startswith("evidence/"))
    data = len(digests) - evidence
    return (f"{len(digests)}: {data} data and configuration files (Scope and method)"
            + (f" and {evidence} evidence files (Appendix C)" if evidence else ""))


def _document_control(doc: WordDocument, result: AssessmentResult, digest: str) -> None:
    run = result.run
    doc.heading("Document control", 1, new_page=True)
    rows = [
        ("Document", "IT service continuity evidence pack"), ("Organisation", run.organisation),
        ("Scope", run.scope or "the whole organisation"), ("Assessment as of", run.as_of.isoformat()),
        ("Label", run.label), ("Run id", run.run_id), ("Result digest (SHA-256)", digest),
        ("Produced by", f"itscm-audit {run.tool_version}"),
        ("Input files", _input_files(run.input_digests)),
        ("Personal data", "masked (--redact)" if run.redacted else "shown as recorded"),
        ("Classification", "Confidential — prepared for audit"),
        ("Companion files", "gap-matrix.xlsx (every row), failing-entities.csv, result.json, OSCAL "
                            "assessment-results.json and poam.json, manifest.json (SHA-256 of every file)"),
    ]
    doc.table((Column("Item"), Column("Value", "wrap", 0.8)), rows)
    doc.heading("Sign-off", 2)
    doc.para("By signing, each person confirms they reviewed this pack and the findings it reports.", keep_next=True)
    doc.table((Column("Role"), Column("Name", max_share=0.3), Column("Signature", max_share=0.3),
               Column("Date", max_share=0.15)),
              [(role, "\n", "", "") for role in SIGN_OFF_ROLES])


# --------------------------------------------------------------------------- executive summary


def _key_figures(result: AssessmentResult) -> list[tuple[str, str]]:
    """The programme's figures as the rules decided them (``result.facts.coverage``)."""
    c = result.facts.coverage
    if c is None:
        return []
    oldest = ""
    if c.oldest_overdue:
        action = result.facts.actions_by_id().get(c.oldest_overdue)
        if action is not None:
            oldest = f"; oldest {action.action_id}, due {action.due}, {action.days_overdue} days overdue"
    return [
        (f"Critical services exercised in the window ({c.exercise_window_start} to {result.run.as_of})",
         f"{c.critical_exercised} of {c.critical_services} ({_pct(c.critical_exercised, c.critical_services)})"),
        ("Latest measured recoveries within the RTO",
         f"{c.recoveries_within_rto} of {c.recoveries_measured} services "
         f"({_pct(c.recoveries_within_rto, c.recoveries_measured)})"),
        ("Corrective actions overdue", f"{c.overdue_actions} of {c.open_actions} open{oldest}"),
        ("Stale evidence", f"{c.stale_evidence} of {c.evidence_items} items "
                           f"({c.evidence_not_current} not current: stale, missing or changed)"),
        ("Data-quality issues in the inputs", str(len(result.issues))),
    ]


def _posture_words(result: AssessmentResult, names: _Names) -> str:
    reqs = result.requirements
    counts = {s: sum(1 for r in reqs if r.status == s) for s in Status}
    gaps = counts[Status.PARTIALLY_MET] + counts[Status.NOT_MET]
    text = (f"{result.run.organisation} was assessed as of {result.run.as_of.isoformat()} against "
            f"{_count(len(result.frameworks), 'framework')}, {len(reqs)} requirements in all: "
            + ", ".join(f"{counts[s]} {s.label}" for s in Status) + f". {gaps} requirements show a gap.")
    scored = sorted(result.frameworks, key=lambda f: (-f.score, f.framework))
    if len(scored) > 1:
        best, worst = scored[0], scored[-1]
        text += (f" The strongest framework is {names.fw(best.framework)} (score {best.score:g}%), the weakest "
                 f"{names.fw(worst.framework)} ({worst.score:g}%); the score counts partially met as half and "
                 "leaves out requirements not assessed or not applicable.")
    return text


def _top_gaps(result: AssessmentResult, names: _Names) -> list[tuple[Any, ...]]:
    items = sorted(result.remediation, key=lambda m: (-len(m.requirements), m.rank))[:TOP_GAPS]
    rows = []
    for i, m in enumerate(items, 1):
        frameworks = {ref.split(":", 1)[0] for ref in m.requirements}
        rows.append((i, m.title, len(m.requirements), len(frameworks), one_line(m.action, 110)))
    return rows


def _executive_summary(doc: WordDocument, result: AssessmentResult, names: _Names, ctx: PackContext) -> None:
    from itscm_audit.reporters.charts import posture_by_framework

    doc.heading("Executive summary", 1, new_page=True)
    doc.para(_posture_words(result, names))
    figures = _key_figures(result)
    if figures:
        doc.heading("Key figures", 2)
        doc.table((Column("Measure", "wrap", 0.6), Column("Result", "wrap", 0.6)), figures)
    if result.frameworks:
        doc.heading("Posture per framework", 2)
        width = min(doc.text_width_cm, 17.0)
        bars = [FrameworkPosture(doc.prep(names.fw(f.framework)), dict(f.counts), f.score)
                for f in result.frameworks]
        doc.picture(ctx.draw(posture_by_framework, bars, width), width,
                    "Share of each framework's requirements by status (the number of requirements in "
                    "brackets, the count in each segment) and its score at the right.")
    if result.remediation:
        doc.heading(f"Top {min(TOP_GAPS, len(result.remediation))} gaps", 2)
        doc.para("Ranked by how many requirements each fix would close; the remediation plan gives them all.",
                 keep_next=True)
        doc.table((Column("#", "number"), Column("Gap (control objective)", "wrap", 0.3),
                   Column("Requirements it closes", "number"), Column("Frameworks", "number"),
                   Column("What fails", "wrap")), _top_gaps(result, names))


# --------------------------------------------------------------------------- scope and method

METHOD = (
    "The organisation's continuity spreadsheets (business impact analysis, exercise log, corrective actions, "
    "call tree, plans, backups) were imported with every value located at its file, sheet, row and column. "
    "Rules tested the data; their outcomes decide control objectives; a typed crosswalk (equal, subset of, "
    "intersects with, superset of) carries each objective's status to the requirements it serves. "
    "Requirements the data cannot decide rely on signed attestations, which never hide a data finding. "
    "Evidence older than its time-to-live downgrades what relies on it. Everything is judged as of the "
    "assessment date.")
POLICY_LABELS = {
    "critical_tiers": "Critical tiers", "exercise_window_months": "Exercise window (months)",
    "plan_review_months": "Plan review interval (months)",
    "contact_verification_months": "Call-tree verification interval (months)",
    "training_interval_months": "Training interval (months)",
    "restore_test_window_months": "Restore-test window (months)", "backup_period_days": "Backup period (days)",
    "corrective_action_grace_days": "Grace period for corrective actions (days)",
    "evidence_ttl_days": "Evidence time-to-live overrides (days)",
}


def _policy_value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in value.items()) or "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _target(target: str, names: _Names) -> str:
    """``iso22301:5.1`` -> ``ISO 22301:2019 5.1``; an objective id stays as it is."""
    framework, sep, requirement = target.partition(":")
    return f"{names.fw(framework)} {requirement}" if sep and framework in names.framework else target


def _scope(doc: WordDocument, result: AssessmentResult, names: _Names) -> None:
    run = result.run
    doc.heading("Scope and method", 1, new_page=True)
    doc.rich([("Scope: ", "b"), (run.scope or "the whole organisation", "")])
    doc.rich([("Frameworks: ", "b"), ("; ".join(f"{names.fw(f.framework)} ({f.version})"
                                                 for f in result.frameworks) or "none", "")])
    doc.para(METHOD)
    doc.heading("Policy parameters", 2)
    doc.table((Column("Parameter"), Column("Value", "wrap", 0.6)),
              [(label, _policy_value(run.policy[key])) for key, label in POLICY_LABELS.items() if key in run.policy])
    doc.heading("Input files", 2)
    evidence = sum(1 for path in run.input_digests if path.startswith("evidence/"))
    doc.para("The organisation's files read for this assessment (full SHA-256 digests in manifest.json and "
             f"result.json){f'; the {evidence} evidence files are listed in the evidence index' if evidence else ''}.",
             keep_next=True)
    accounts: dict[str, list[int]] = {}
    for a in result.accounts:
        tally = accounts.setdefault(a.file, [0, 0, 0, 0])
        for i, n in enumerate((a.rows_read, a.imported, a.rejected, a.skipped)):
            tally[i] += n
    doc.table((Column("File", "wrap", 0.5), Column("Rows read", "number"), Column("Imported", "number"),
               Column("Rejected", "number"), Column("Skipped", "number"), Column("SHA-256 (first 16)")),
              [(path, *accounts.get(path, [None] * 4), digest[:16]) for path, digest in sorted(run.input_digests.items())
               if not path.startswith("evidence/")])
    used = [a for a in result.attestations if any(r.attestation == a for r in result.requirements)] \
        or list(result.attestations)
    if used:
        doc.heading("Attestations", 2)
        doc.para("Signed statements for what the data cannot show; the results cite them in their rationale.",
                 keep_next=True)
        doc.table((Column("Requirement"), Column("Attested"), Column("By", "wrap", 0.25), Column("On", "date"),
                   Column("Statement", "wrap"), Column("Evidence")),
                  [(_target(a.target, names), a.status.value.replace("_", " "), a.attested_by, a.date,
                    one_line(a.statement or a.justification or "", 160), names.cite(a.evidence)) for a in used])


# --------------------------------------------------------------------------- results


def _results(doc: WordDocument, result: AssessmentResult, names: _Names) -> None:
    doc.heading("Results per framework", 1, new_page=True)
    doc.para("Each requirement with its status, the first sentence of its rationale and the evidence it relies "
             f"on (ids of the evidence index, Appendix C). The full rationale, the objectives and rules behind "
             f"each status and the owner of each gap are in {WORKBOOK}.")
    doc.table((Column("Framework"), *(Column(s.label.capitalize(), "number") for s in Status),
               Column("Score (%)", "number")),
              [(names.fw(f.framework), *(f.counts.get(s.value, 0) for s in Status), f.score)
               for f in result.frameworks])
    by_fw: dict[str, list[Any]] = {}
    for r in result.requirements:
        by_fw.setdefault(r.framework, []).append(r)
    cols = (Column("Requirement"), Column("Title", "wrap", 0.25), Column("Status", "status"),
            Column("Rationale", "wrap", 0.5), Column("Evidence", "wrap", 0.2))
    for f in result.frameworks:
        doc.heading(f.title, 2)
        counts = ", ".join(f"{f.counts.get(s.value, 0)} {s.label}" for s in Status)
        doc.para(f"Version {f.version}. Score {f.score:g}% ({counts}).", keep_next=True)
        doc.table(cols, [(r.requirement_id, r.title, r.status.label, one_line(r.rationale),
                          names.cite([e.item.path for e in r.evidence])) for r in by_fw.get(f.framework, [])])
    if result.objectives:
        doc.heading("Control objectives", 2)
        doc.para("The objectives the crosswalk maps to the requirements above, each decided by rules on the data, "
                 "evidence and attestations.", keep_next=True)
        doc.table((Column("Objective"), Column("Title", "wrap", 0.3), Column("Status", "status"),
                   Column("Rationale", "wrap", 0.5), Column("Evidence", "wrap", 0.2)),
                  [(o.objective_id, o.title, o.status.label, one_line(o.rationale), names.cite(o.evidence))
                   for o in result.objectives])


# --------------------------------------------------------------------------- findings and remediation


def _findings(doc: WordDocument, result: AssessmentResult, names: _Names, ctx: PackContext) -> None:
    doc.heading("Findings and remediation plan", 1, new_page=True)
    failing = [c for c in result.checks if c.outcome in (Outcome.FAIL, Outcome.PARTIAL)]
    doc.heading("Findings", 2)
    if failing:
        doc.para(f"{len(failing)} of {len(result.checks)} rules found a gap. Every failing entity with its "
                 "file, sheet and row is in failing-entities.csv (and, up to 100 per rule, in the workbook).",
                 keep_next=True)
        rows = []
        for c in failing:
            ids = [e.entity_id for e in c.failing]
            shown = "\n".join(ids[:3]) + (f"\nand {len(ids) - 3} more" if len(ids) > 3 else "")
            rows.append((c.title, c.outcome.value, len(ids), one_line(c.summary, 120), shown))
        doc.table((Column("Rule", "wrap", 0.25), Column("Outcome", "outcome"), Column("Failing", "number"),
                   Column("Finding", "wrap", 0.4), Column("First failing entities", "wrap", 0.25)), rows)
    else:
        doc.para("No rule found a gap.")
    doc.heading("Remediation plan", 2)
    if result.remediation:
        doc.para("Open control objectives ranked by impact: framework weight times the requirements each would "
                 "improve, raised when critical services fail.", keep_next=True)
        doc.table((Column("Rank", "number"), Column("Objective", "wrap", 0.3), Column("What fails", "wrap", 0.5),
                   Column("Requirements it improves", "number"), Column("Frameworks", "number"),
                   Column("Failing entities", "number")),
                  [(m.rank, m.title, one_line(m.action, 140), len(m.requirements),
                    len({r.split(":", 1)[0] for r in m.requirements}), m.failing_entities)
                   for m in result.remediation])
    else:
        doc.para("No open gap needs remediation.")
    doc.heading("Corrective actions open at the assessment date", 2)
    actions = ctx.table("corrective_actions")
    keep = (0, 1, 2, 3, 5, 6, 9, 10)
    open_rows = [row for row in actions.rows if row[6] != "closed"]
    open_rows.sort(key=lambda row: (-(row[9] if isinstance(row[9], int) else -1), str(row[0])))
    if open_rows:
        doc.para("Most overdue first; days overdue and ageing as the rules decided them at the assessment date.",
                 keep_next=True)
        cols = [Column(actions.columns[i].header, "wrap" if i == 2 else "number" if i == 9 else "text",
                       0.4 if i == 2 else 0.45) for i in keep]
        # statuses as words in prose ("in progress"); the workbook keeps the value analysts filter on
        doc.capped(cols, [tuple(_as_words(row[i]) if i == 6 else row[i] for i in keep) for row in open_rows],
                   ACTION_ROWS,
                   "the workbook's Corrective actions sheet")
    else:
        doc.para("No corrective action was open at the assessment date.")


def _soa(doc: WordDocument, result: AssessmentResult, names: _Names) -> None:
    doc.heading("Statement of Applicability", 1, new_page=True)
    na = [r for r in result.requirements if r.status == Status.NOT_APPLICABLE]
    doc.para(f"{len(result.requirements) - len(na)} requirements apply and were assessed; {len(na)} do not "
             "apply, each with its justification below.", keep_next=True)
    doc.table((Column("Framework"), Column("Requirements", "number"), Column("Applicable", "number"),
               Column("Not applicable", "number")),
              [(names.fw(f.framework), sum(f.counts.values()),
                sum(f.counts.values()) - f.counts.get(Status.NOT_APPLICABLE.value, 0),
                f.counts.get(Status.NOT_APPLICABLE.value, 0)) for f in result.frameworks])
    if na:
        doc.heading("Requirements that do not apply", 2)
        doc.table((Column("Framework"), Column("Requirement"), Column("Title", "wrap", 0.3),
                   Column("Justification", "wrap", 0.6)),
                  [(names.fw(r.framework), r.requirement_id, r.title, r.rationale) for r in na])


# --------------------------------------------------------------------------- appendices (landscape)


def _columns(table: t.Table, keep: Sequence[int]) -> list[Column]:
    return [Column(table.columns[i].header, table.columns[i].kind, 0.3) for i in keep]


def _appendix_services(doc: WordDocument, result: AssessmentResult, ctx: PackContext) -> None:
    from itscm_audit.reporters.charts import recovery_against_rto

    doc.heading("Appendix A — Services", 1)
    services = ctx.table("services")
    names = {row[0]: row[1] for row in services.rows}
    measured = [f for f in result.facts.services
                if f.in_scope and f.latest_recovery is not None and f.rto is not None]
    if measured:
        worst = sorted(measured, key=lambda f: (-(t.hours(f.latest_recovery) or 0) / (t.hours(f.rto) or 1),
                                                f.service_id))[:CHART_RECOVERIES]
        worst.sort(key=lambda f: f.service_id)
        items = [Recovery(doc.prep(f"{f.service_id} {names.get(f.service_id) or ''}".strip()),
                          t.hours(f.rto) or 0.0, t.hours(f.latest_recovery) or 0.0) for f in worst]
        width = min(doc.text_width_cm, 22.0)
        shown = "" if len(measured) <= CHART_RECOVERIES else \
            f" (the {CHART_RECOVERIES} furthest from their RTO of {len(measured)} measured)"
        doc.picture(ctx.draw(recovery_against_rto, items, width), width,
                    f"Latest measured recovery of each in-scope service against its RTO{shown}.")
    keep = (0, 1, 2, 3, 4, 6, 7, 5, 8, 9, 12, 13, 16)
    doc.capped(_columns(services, keep), [tuple(row[i] for i in keep) for row in services.rows], SERVICE_ROWS,
               "the workbook's Services sheet")


def _appendix_exercises(doc: WordDocument, result: AssessmentResult, names: _Names, ctx: PackContext) -> None:
    doc.heading("Appendix B — Exercises in the assessment window", 1, new_page=True)
    ex = ctx.table("exercises")
    c = result.facts.coverage
    window = f" ({c.exercise_window_start} to {result.run.as_of})" if c is not None else ""
    if not ex.rows:
        doc.para(f"No exercise was held in the window{window}.")
        return
    doc.para(f"{len(ex.rows)} exercises held in the window{window}, against the tightest RTO and RPO of the "
             "services each tested; the report column cites the evidence index.", keep_next=True)
    keep = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
    rows = [(*(row[i] for i in keep), names.cite([str(row[12])]) if row[12] else None) for row in ex.rows]
    doc.capped([*_columns(ex, keep), Column("Report")], rows, EXERCISE_ROWS, "the workbook's Exercises sheet")


def _appendix_evidence(doc: WordDocument, ctx: PackContext) -> None:
    doc.heading("Appendix C — Evidence index", 1, new_page=True)
    ev = ctx.table("evidence")
    if not ev.rows:
        doc.para("No evidence was listed in the locker.")
        return
    doc.para("Each item once, with the id the other tables cite; the full SHA-256 digest of each item is in the "
             "workbook's Evidence index sheet and in manifest.json.", keep_next=True)
    keep = (0, 1, 3, 5, 6, 7)
    doc.capped([*_columns(ev, keep[:2]), Column("Type", "wrap"), *_columns(ev, keep[2:]),
                Column("SHA-256 (first 12)")],
               [(row[0], row[1], str(row[2]).replace("_", " "), *(row[i] for i in keep[2:]), str(row[4] or "")[:12])
                for row in ev.rows], EVIDENCE_ROWS,
               "the workbook's Evidence index sheet")


def _appendix_data_quality(doc: WordDocument, ctx: PackContext) -> None:
    doc.heading("Appendix D — Data quality", 1, new_page=True)
    issues = ctx.table("issues")
    if not issues.rows:
        doc.para("The import found no data-quality issue.")
        return
    doc.para(f"{len(issues.rows):,} issues found while importing, each at its file, sheet, row and column.",
             keep_next=True)
    doc.capped(_columns(issues, range(len(issues.columns))), issues.rows, ISSUE_ROWS,
               "the workbook's Data quality sheet")


def write_docx(ctx: PackContext, path: Path) -> None:
    result = ctx.result
    doc = WordDocument(ctx.template or default_template(), ctx.redactor)
    names = _Names(result)
    digest = result_digest(ctx)
    _cover(doc, result, names, digest)
    _document_control(doc, result, digest)
    doc.heading("Contents", 1, new_page=True, contents=False)
    doc.contents_here()
    _executive_summary(doc, result, names, ctx)
    _scope(doc, result, names)
    _results(doc, result, names)
    _findings(doc, result, names, ctx)
    _soa(doc, result, names)
    doc.orientation(landscape=True)
    _appendix_services(doc, result, ctx)
    _appendix_exercises(doc, result, names, ctx)
    _appendix_evidence(doc, ctx)
    _appendix_data_quality(doc, ctx)
    doc.properties(f"IT service continuity evidence pack — {result.run.organisation}", "IT service continuity audit",
                   result.run.run_id, result.run.as_of)
    doc.save(path)


def _as_words(value: t.Cell) -> t.Cell:
    """An enum value as words in prose (``in_progress`` -> ``in progress``)."""
    return value.replace("_", " ") if isinstance(value, str) else value
