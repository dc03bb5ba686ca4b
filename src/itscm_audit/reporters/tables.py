"""The report tables, built once from an AssessmentResult and rendered by every writer.

The Excel sheets, the Word tables and the notebook DataFrames (``frames.py``) all come from here, so
a column added to a table appears everywhere; writers only know column kinds, never column names.
Decisions (latest exercise, within RTO, days overdue, coverage) are read from ``result.facts``, where
the rules put them; the tables only add descriptive columns from the imported records.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from itscm_audit.model import Exercise, Service, SourceRef
from itscm_audit.result import AssessmentResult, EvidenceStatus, Outcome, RequirementStatus, Status

Cell = str | int | float | date | datetime | None
ColumnKind = Literal["text", "wrap", "number", "date", "status", "outcome"]

_KEY_BAD = re.compile(r"[^a-z0-9]+")

STATUS_FILL: dict[str, str] = {
    Status.MET.label: "C6EFCE",
    Status.PARTIALLY_MET.label: "FFEB9C",
    Status.NOT_MET.label: "FFC7CE",
    Status.NOT_ASSESSED.label: "D9D9D9",
    Status.NOT_APPLICABLE.label: "D6DCE4",
}
"""Cell fill per status label: one palette for the workbook, the Word pack and the charts."""
STATUS_FONT: dict[str, str] = {
    Status.MET.label: "006100",
    Status.PARTIALLY_MET.label: "9C5700",
    Status.NOT_MET.label: "9C0006",
    Status.NOT_ASSESSED.label: "404040",
    Status.NOT_APPLICABLE.label: "333F4F",
}
OUTCOME_STATUS: dict[str, str] = {
    Outcome.PASS.value: Status.MET.label,
    Outcome.PARTIAL.value: Status.PARTIALLY_MET.label,
    Outcome.FAIL.value: Status.NOT_MET.label,
    Outcome.NO_DATA.value: Status.NOT_ASSESSED.label,
    Outcome.NOT_APPLICABLE.value: Status.NOT_APPLICABLE.label,
    "passed": Status.MET.label,
    "failed": Status.NOT_MET.label,
    "fresh": Status.MET.label,
    "stale": Status.PARTIALLY_MET.label,
    "missing": Status.NOT_MET.label,
    "changed": Status.NOT_MET.label,
    "yes": Status.MET.label,
    "no": Status.NOT_MET.label,
    "overdue": Status.NOT_MET.label,
}
"""Outcome-like values (rule outcomes, exercise results, evidence freshness) on the status palette."""


@dataclass(frozen=True)
class Column:
    header: str
    """What the workbook and the document show."""
    width: int = 14
    kind: ColumnKind = "text"

    @property
    def key(self) -> str:
        """snake_case name for DataFrames: ``RTO (h)`` -> ``rto_h``."""
        return _KEY_BAD.sub("_", self.header.lower()).strip("_")


@dataclass(frozen=True)
class Table:
    key: str
    """Stable name (DataFrame key)."""
    title: str
    """Sheet and heading title a person reads."""
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


def hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 2)


def source_cells(src: SourceRef | None) -> tuple[Cell, ...]:
    if src is None:
        return (None, None, None, None, None)
    return (src.file, src.sheet, src.row, src.column, src.value)


_SOURCE_COLUMNS = (Column("File", 28), Column("Sheet", 16), Column("Row", 7, "number"),
                   Column("Column", 16), Column("Value", 20, "wrap"))


def _join(values: Iterable[str] | str) -> str:
    """Comma list; a bare string (an importer that did not split a list) is kept whole."""
    return values if isinstance(values, str) else ", ".join(values)


def framework_table(result: AssessmentResult) -> Table:
    cols = (Column("Framework", 18), Column("Title", 40, "wrap"), Column("Version", 28, "wrap"),
            *(Column(s.label.capitalize(), 11, "number") for s in Status), Column("Score", 9, "number"))
    rows: list[tuple[Cell, ...]] = [
        (f.framework, f.title, f.version, *(f.counts.get(s.value, 0) for s in Status), f.score)
        for f in result.frameworks
    ]
    return Table("frameworks", "Frameworks", cols, rows)


def key_figures(result: AssessmentResult) -> list[tuple[str, Cell]]:
    """The programme's key figures as the rules decided them (``result.facts.coverage``), by name: the
    workbook's About sheet lists them and the Word pack's executive summary words them."""
    c = result.facts.coverage
    if c is None:
        return []
    return [
        ("Exercise window start", c.exercise_window_start), ("Critical services", c.critical_services),
        ("Critical services exercised in the window", c.critical_exercised),
        ("Critical services exercised in the window (%)", c.exercise_coverage),
        ("Services with a measured recovery and an RTO", c.recoveries_measured),
        ("Latest measured recoveries within the RTO", c.recoveries_within_rto),
        ("Corrective actions open", c.open_actions), ("Corrective actions overdue", c.overdue_actions),
        ("Oldest overdue corrective action", c.oldest_overdue), ("Evidence items", c.evidence_items),
        ("Stale evidence items", c.stale_evidence),
        ("Evidence items not current (stale, missing or changed)", c.evidence_not_current),
    ]


class _Owners:
    """Who owns a gap and when it is due: failing services' owners and the earliest due date of the
    actions open at as-of that follow them up (both decided in ``result.facts``)."""

    def __init__(self, result: AssessmentResult) -> None:
        facts = result.facts.services
        self.service_owner = {s.service_id: s.owner for s in facts if s.owner}
        self.service_due = {s.service_id: s.earliest_open_due for s in facts if s.earliest_open_due is not None}

    def owner_due(self, req: RequirementStatus) -> tuple[str | None, date | None]:
        services = [e.entity_id for e in req.failing if e.entity == "service"]
        owners = list(dict.fromkeys(o for s in services if (o := self.service_owner.get(s))))
        dues = [d for s in services if (d := self.service_due.get(s)) is not None]
        owner = _join(owners) if owners else (req.attestation.attested_by if req.attestation else None)
        return owner, (min(dues) if dues else None)


REQUIREMENT_COLUMNS = (
    Column("Framework", 14), Column("Requirement", 13), Column("Title", 30, "wrap"),
    Column("Status", 14, "status"), Column("Rationale", 50, "wrap"), Column("Evidence", 30, "wrap"),
    Column("Owner", 18, "wrap"), Column("Due date", 12, "date"),
    Column("Objectives (relationship, strength)", 36, "wrap"), Column("Rules", 28, "wrap"),
    Column("Decided by", 12), Column("Data status", 14, "status"), Column("Attestation", 30, "wrap"),
)
"""The columns an auditor prints first (framework to due date), then the traceability columns."""


def requirement_rows(result: AssessmentResult, framework: str | None = None) -> list[tuple[Cell, ...]]:
    owners = _Owners(result)
    ids = evidence_ids(result)
    rows: list[tuple[Cell, ...]] = []
    for r in result.requirements:
        if framework is not None and r.framework != framework:
            continue
        owner, due = owners.owner_due(r)
        contrib = "\n".join(f"{c.objective_label} ({c.relationship.value.replace('_', ' ')}, {c.strength}): "
                            f"{c.objective_status.label}" for c in r.contributions)
        evidence = cite_evidence(r.evidence, ids)
        att = r.attestation
        att_text = (f"{att.status.value.replace('_', ' ')} by {att.attested_by or 'unnamed'}"
                    f"{f' on {att.date}' if att.date else ''}" if att else None)
        # what the data alone says: the status itself, or "not assessed" where only an attestation decided it
        data_status = r.data_status or (Status.NOT_ASSESSED if att is not None else r.status)
        rows.append((r.framework, r.requirement_id, r.title, r.status.label, r.rationale, evidence, owner, due,
                     contrib, _join(r.rules), r.decided_by.value, data_status.label, att_text))
    return rows


def requirement_table(result: AssessmentResult, framework: str | None = None) -> Table:
    title = f"GM {framework}" if framework else "Requirements"
    return Table("requirements", title, REQUIREMENT_COLUMNS, requirement_rows(result, framework))


def objective_table(result: AssessmentResult) -> Table:
    cols = (Column("Objective", 22), Column("Title", 36, "wrap"), Column("Status", 14, "status"),
            Column("Rationale", 60, "wrap"), Column("Rules", 28, "wrap"), Column("Evidence", 30, "wrap"),
            Column("Attested by", 18))
    rows: list[tuple[Cell, ...]] = [
        (o.objective_id, o.title, o.status.label, o.rationale, _join(o.rules), _join(o.evidence),
         o.attestation.attested_by if o.attestation else None)
        for o in result.objectives
    ]
    return Table("objectives", "Objectives", cols, rows)


def crosswalk_table(result: AssessmentResult) -> Table:
    """Objectives x frameworks: which requirements each objective serves, and how."""
    fws = [f.framework for f in result.frameworks] or sorted({r.framework for r in result.requirements})
    serves: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in result.requirements:
        for c in r.contributions:
            serves[(c.objective_id, r.framework)].append(
                f"{r.requirement_id} ({c.relationship.value.replace('_', ' ')})")
    cols = (Column("Objective", 22), Column("Title", 32, "wrap"), Column("Status", 14, "status"),
            *(Column(fw, 24, "wrap") for fw in fws))
    rows: list[tuple[Cell, ...]] = [
        (o.objective_id, o.title, o.status.label,
         *(("\n".join(serves[(o.objective_id, fw)]) or None) for fw in fws))
        for o in result.objectives
    ]
    return Table("crosswalk", "Cross-framework", cols, rows)


def check_table(result: AssessmentResult) -> Table:
    cols = (Column("Rule", 26), Column("Title", 36, "wrap"), Column("Outcome", 12, "outcome"),
            Column("Summary", 70, "wrap"), Column("Failing entities", 10, "number"),
            Column("Evidence", 30, "wrap"))
    rows: list[tuple[Cell, ...]] = [
        (c.rule_id, c.title, c.outcome.value, c.summary,
         c.counts.get(Outcome.FAIL.value, 0) + c.counts.get(Outcome.PARTIAL.value, 0), _join(c.evidence))
        for c in result.checks
    ]
    return Table("checks", "Rules", cols, rows)


FAILING_COLUMNS = (Column("Rule", 26), Column("Entity", 14), Column("Entity id", 16),
                   Column("Outcome", 10, "outcome"), Column("Message", 60, "wrap"), Column("Metric", 9, "number"),
                   *_SOURCE_COLUMNS)


def failing_rows(result: AssessmentResult, per_rule: int | None = None,
                 more: Callable[[str, int], str] | None = None) -> Iterator[tuple[Cell, ...]]:
    """One row per failing entity and source row, rule by rule. With ``per_rule``, at most that many
    entities of each rule, then one row saying how many more there are (worded by ``more``)."""
    for c in result.checks:
        failing = c.failing
        shown = failing if per_rule is None else failing[:per_rule]
        for e in shown:
            for s in e.sources or (None,):
                yield (c.rule_id, e.entity, e.entity_id, e.outcome.value, e.message, e.metric, *source_cells(s))
        if len(shown) < len(failing) and more is not None:
            yield (c.rule_id, None, None, None, more(c.rule_id, len(failing) - len(shown)), None,
                   *source_cells(None))


def failing_table(result: AssessmentResult, per_rule: int | None = None,
                  more: Callable[[str, int], str] | None = None) -> Table:
    """Every failing entity (``per_rule``: the first ones of each rule and a line saying how many more)."""
    return Table("failing_entities", "Failing entities", FAILING_COLUMNS, list(failing_rows(result, per_rule, more)))


def _within(met: bool | None) -> str | None:
    """``yes``, ``no``, or an empty cell when the answer is not recorded (never "no" on a guess)."""
    return None if met is None else "yes" if met else "no"


def _coverage(in_window: bool, latest: str | None) -> str:
    return "never exercised" if latest is None else "in window" if in_window else "not in window"


SERVICE_COLUMNS = (
    Column("Service", 12), Column("Name", 28, "wrap"), Column("Tier", 6, "number"), Column("Owner", 18),
    Column("In scope", 8), Column("MTPD (h)", 9, "number"), Column("RTO (h)", 9, "number"),
    Column("RPO (h)", 9, "number"), Column("Latest exercise", 14), Column("Exercised on", 12, "date"),
    Column("Type", 12), Column("Result", 10, "outcome"), Column("Achieved recovery (h)", 11, "number"),
    Column("Within RTO", 9, "outcome"), Column("Achieved data loss (h)", 11, "number"),
    Column("Within RPO", 9, "outcome"), Column("Coverage", 16), *_SOURCE_COLUMNS[:3],
)


def service_table(result: AssessmentResult) -> Table:
    """Each service's recovery objectives against the latest exercise and the latest measured recovery,
    as the rules decided them at the as-of date."""
    cols = SERVICE_COLUMNS
    records: dict[str, Service] = {}
    for record in result.data.services:
        records.setdefault(record.id, record)
    exercises = {e.id: e for e in result.data.exercises}
    rows: list[tuple[Cell, ...]] = []
    for f in result.facts.services:
        s = records.get(f.service_id)
        ex = exercises.get(f.latest_exercise) if f.latest_exercise else None
        src = s.source if s is not None else None
        rows.append((f.service_id, s.name if s else None, f.tier, f.owner, "yes" if f.in_scope else "no",
                     hours(f.mtpd), hours(f.rto), hours(f.rpo), f.latest_exercise, f.latest_exercise_date,
                     ex.type.value if ex and ex.type else None, ex.result.value if ex and ex.result else None,
                     hours(f.latest_recovery), _within(f.within_rto), hours(f.latest_data_loss),
                     _within(f.within_rpo), _coverage(f.exercised_in_window, f.latest_exercise),
                     *source_cells(src)[:3]))
    return Table("services", "Services", cols, rows)


def exercises_in_window(result: AssessmentResult) -> list[Exercise]:
    """Exercises held within the exercise window ending on the as-of date (``facts.coverage``)."""
    coverage = result.facts.coverage
    as_of = result.run.as_of
    start = coverage.exercise_window_start if coverage is not None else date.min
    return [e for e in result.data.exercises if start <= e.date <= as_of]


def exercise_table(result: AssessmentResult) -> Table:
    """Each exercise held in the window against the tightest RTO/RPO of the services it tested."""
    cols = (Column("Exercise", 12), Column("Date", 12, "date"), Column("Type", 12), Column("Scenario", 32, "wrap"),
            Column("Services", 18, "wrap"), Column("Result", 10, "outcome"),
            Column("Achieved recovery (h)", 11, "number"), Column("RTO (h)", 9, "number"),
            Column("Within RTO", 9, "outcome"), Column("Achieved data loss (h)", 11, "number"),
            Column("RPO (h)", 9, "number"), Column("Within RPO", 9, "outcome"), Column("Report", 28),
            *_SOURCE_COLUMNS[:3])
    rto = {s.service_id: s.rto for s in result.facts.services}
    rpo = {s.service_id: s.rpo for s in result.facts.services}
    rows: list[tuple[Cell, ...]] = []
    for ex in exercises_in_window(result):
        rtos = [t for sid in ex.services if (t := rto.get(sid)) is not None]
        rpos = [t for sid in ex.services if (t := rpo.get(sid)) is not None]
        target_rto = min(rtos) if rtos else None
        target_rpo = min(rpos) if rpos else None
        rec, loss = ex.achieved_recovery_time, ex.achieved_data_loss
        rows.append((ex.id, ex.date, ex.type.value if ex.type else None, ex.scenario, _join(ex.services),
                     ex.result.value if ex.result else None, hours(rec), hours(target_rto),
                     None if rec is None or target_rto is None else _within(rec <= target_rto), hours(loss),
                     hours(target_rpo), None if loss is None or target_rpo is None else _within(loss <= target_rpo),
                     ex.report, ex.source.file, ex.source.sheet, ex.source.row))
    return Table("exercises", "Exercises", cols, rows)


def ageing_label(bucket: str | None) -> str | None:
    """``overdue_31_90_days`` -> ``31-90 days overdue``."""
    if bucket is None:
        return None
    span = bucket.removeprefix("overdue_").removesuffix("_days").replace("_", "-").replace("over-", "over ")
    return f"{span} days overdue"


def action_table(result: AssessmentResult) -> Table:
    """Corrective actions POA&M style, as they stood at the as-of date: status, age from opening to
    closure or as-of, days past due, ageing bucket (all decided in ``result.facts``)."""
    cols = (Column("Action", 10), Column("Finding", 10), Column("Description", 40, "wrap"), Column("Owner", 18),
            Column("Opened", 12, "date"), Column("Due", 12, "date"), Column("Status", 11),
            Column("Closed", 12, "date"), Column("Age (days)", 9, "number"), Column("Days overdue", 9, "number"),
            Column("Ageing", 13), Column("On time", 9, "outcome"), *_SOURCE_COLUMNS[:3])
    facts = result.facts.actions_by_id()
    rows: list[tuple[Cell, ...]] = []
    for a in result.data.corrective_actions:
        f = facts.get(a.id)
        on_time = None if f is None or f.due is None else ("overdue" if f.overdue else "yes")
        rows.append((a.id, a.finding_id, a.description, a.owner, a.opened, a.due,
                     (f.status if f is not None else a.status).value, a.closed,
                     f.age_days if f else None, f.days_overdue if f else None,
                     ageing_label(f.ageing) if f else None, on_time, a.source.file, a.source.sheet, a.source.row))
    return Table("corrective_actions", "Corrective actions", cols, rows)


def evidence_ids(result: AssessmentResult) -> dict[str, str]:
    """The id of each evidence item (``E-012``), by path: ordered by type then path, so the items a
    requirement relies on (often one type) have neighbouring ids. The Word pack and the workbook cite them."""
    paths = sorted({e.item.path: e.item.evidence_type for e in result.evidence}.items(), key=lambda p: (p[1], p[0]))
    digits = max(3, len(str(len(paths))))
    return {path: f"E-{i:0{digits}d}" for i, (path, _) in enumerate(paths, 1)}


def id_ranges(ids: Iterable[str], limit: int = 6) -> str:
    """``E-001, E-002, E-003, E-007`` -> ``E-001–E-003, E-007``, one range per line; past ``limit`` ranges,
    ``and n more``. One line per range: a range never breaks at its hyphens."""
    numbered = sorted({(int(i.rsplit("-", 1)[-1]), i) for i in ids if i and i.rsplit("-", 1)[-1].isdigit()})
    ranges: list[list[tuple[int, str]]] = []
    for n, label in numbered:
        if ranges and n == ranges[-1][-1][0] + 1:
            ranges[-1].append((n, label))
        else:
            ranges.append([(n, label)])
    shown = [r[0][1] if len(r) == 1 else f"{r[0][1]}–{r[-1][1]}" for r in ranges[:limit]]
    rest = sum(len(r) for r in ranges[limit:])
    return "\n".join(shown) + (f"\nand {rest} more" if rest else "")


EVIDENCE_LISTED = 5
"""Evidence items a requirement cell lists one by one; more are cited as id ranges with a tally."""


def cite_evidence(statuses: Iterable[EvidenceStatus], ids: dict[str, str]) -> str:
    """The evidence a requirement relies on, as the workbook shows it: each item (id, path, freshness)
    when there are few, else the id ranges and how many are in each state."""
    items = list(statuses)
    if len(items) <= EVIDENCE_LISTED:
        return "\n".join(f"{ids.get(e.item.path, '')} {e.item.path} ({e.state.value})".lstrip() for e in items)
    tally = Counter(e.state.value for e in items)
    states = ", ".join(f"{n} {state}" for state, n in sorted(tally.items()))
    return f"{id_ranges(ids.get(e.item.path, '') for e in items)}\n({len(items)} items: {states})"


def evidence_table(result: AssessmentResult) -> Table:
    """The evidence index: each item once, with the id every other table cites."""
    cols = (Column("Id", 7), Column("Path", 34), Column("Type", 18), Column("Title", 30, "wrap"),
            Column("SHA-256", 30), Column("Collected", 12, "date"), Column("Expires", 12, "date"),
            Column("Freshness", 10, "outcome"), Column("Message", 40, "wrap"), Column("Services", 16, "wrap"),
            Column("Exercises", 14, "wrap"), Column("Objectives", 20, "wrap"))
    ids = evidence_ids(result)
    rows: list[tuple[Cell, ...]] = sorted(
        ((ids[e.item.path], e.item.path, e.item.evidence_type, e.item.title, e.item.sha256, e.item.collected,
          e.expires, e.state.value, e.message, _join(e.item.services), _join(e.item.exercises),
          _join(e.item.objectives)) for e in result.evidence), key=lambda row: str(row[0]))
    return Table("evidence", "Evidence index", cols, rows)


def issue_table(result: AssessmentResult) -> Table:
    cols = (Column("Severity", 9), Column("Code", 20), Column("Message", 60, "wrap"), *_SOURCE_COLUMNS)
    rows: list[tuple[Cell, ...]] = [
        (i.severity.value, i.code, i.message, *source_cells(i.source)) for i in result.issues
    ]
    return Table("issues", "Data quality", cols, rows)


def account_table(result: AssessmentResult) -> Table:
    cols = (Column("File", 30), Column("Sheet", 18), Column("Entity", 18), Column("Rows read", 9, "number"),
            Column("Imported", 9, "number"), Column("Rejected", 9, "number"), Column("Skipped", 9, "number"))
    rows: list[tuple[Cell, ...]] = [
        (a.file, a.sheet, a.entity, a.rows_read, a.imported, a.rejected, a.skipped) for a in result.accounts
    ]
    return Table("accounts", "Import accounting", cols, rows)


def remediation_table(result: AssessmentResult) -> Table:
    cols = (Column("Rank", 6, "number"), Column("Objective", 22), Column("Title", 32, "wrap"),
            Column("Action", 60, "wrap"), Column("Requirements", 36, "wrap"), Column("Weight", 8, "number"),
            Column("Failing entities", 9, "number"))
    rows: list[tuple[Cell, ...]] = [
        (m.rank, m.objective_id, m.title, m.action, _join(m.requirements), m.weight, m.failing_entities)
        for m in result.remediation
    ]
    return Table("remediation", "Remediation", cols, rows)


def contact_table(result: AssessmentResult) -> Table:
    cols = (Column("Role", 24), Column("Name", 20), Column("Alternate", 20), Column("Phone", 16),
            Column("E-mail", 26), Column("Backup channel", 18), Column("Critical role", 9),
            Column("Last verified", 12, "date"))
    rows: list[tuple[Cell, ...]] = [
        (c.role, c.name, c.alternate, c.phone, c.email, c.backup_channel, _within(c.critical_role),
         c.last_verified)
        for c in result.data.contacts
    ]
    return Table("contacts", "Contacts", cols, rows)


TABLE_BUILDERS: dict[str, Callable[[AssessmentResult], Table]] = {
    "frameworks": framework_table,
    "requirements": requirement_table,
    "objectives": objective_table,
    "crosswalk": crosswalk_table,
    "checks": check_table,
    "failing_entities": failing_table,
    "services": service_table,
    "exercises": exercise_table,
    "corrective_actions": action_table,
    "evidence": evidence_table,
    "issues": issue_table,
    "accounts": account_table,
    "remediation": remediation_table,
    "contacts": contact_table,
}
"""Every table by key, in the order the packs and notebooks present them."""
