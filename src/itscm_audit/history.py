"""The workspace history: every assessment run in ``<workspace>/.itscm/history.db`` (SQLite), and the diff
between two runs that a compliance officer needs every quarter.

Why SQLite: one file beside the workspace, no server, transactional. Each run is written in a single
``BEGIN IMMEDIATE ... COMMIT`` transaction, so a run killed mid-write leaves no trace and the previous
runs intact; WAL mode and a busy timeout let two runs on one workspace wait for each other instead of
failing or corrupting the file. The schema is versioned (``PRAGMA user_version``) and migrated forward
on open. Semantics of labels and of the diff are documented in ``docs/history.md``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from itscm_audit.asof import after
from itscm_audit.errors import ItscmError, UsageError, WorkspaceError
from itscm_audit.fsio import locked
from itscm_audit.model import ActionStatus
from itscm_audit.periods import bounded_date
from itscm_audit.result import (
    FAILING_OUTCOMES,
    KEPT_OUTCOMES,
    STATUS_RANK,
    AssessmentResult,
    EvidenceState,
    RemediationItem,
    Status,
)

HISTORY_DIR = ".itscm"
HISTORY_FILE = "history.db"
SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 60_000
"""How long a run waits for another run writing the same history before giving up."""

_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_GAP = frozenset({Status.PARTIALLY_MET.value, Status.NOT_MET.value})
_FAILING = frozenset(o.value for o in FAILING_OUTCOMES)
_RANK = {s.value: r for s, r in STATUS_RANK.items()}


class HistoryError(ItscmError):
    """The history database cannot be read or written, or a run reference is unknown."""


# --------------------------------------------------------------------------- stored values


@dataclass(frozen=True)
class RunRecord:
    """One recorded run, as listed by ``itscm-audit history``."""

    run_no: int
    """Assigned by the history, 1, 2, 3... in recording order; never reused."""
    run_id: str
    label: str
    as_of: date
    organisation: str
    tool_version: str
    frameworks: tuple[str, ...]
    catalogue_versions: dict[str, str]
    input_digests: dict[str, str]
    metrics: dict[str, Any]
    """Overall figures (see :func:`run_metrics`)."""
    scores: dict[str, float]
    """Score per framework, 0-100."""
    redacted: bool = False
    """Personal data was masked (``--redact``): what the history keeps of this run is masked too."""
    manifest_sha256: str | None = None
    """SHA-256 of the pack's manifest.json: ``verify-pack`` checks a pack against it."""


@dataclass(frozen=True)
class StoredRequirement:
    framework: str
    requirement_id: str
    title: str
    status: str
    rationale: str
    decided_by: str
    mapping: tuple[str, ...]
    """``OBJECTIVE:relationship:strength`` per crosswalk row: tells catalogue movements apart."""

    @property
    def ref(self) -> str:
        return f"{self.framework}:{self.requirement_id}"


@dataclass(frozen=True)
class StoredObjective:
    objective_id: str
    title: str
    status: str
    rationale: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class StoredRule:
    rule_id: str
    title: str
    outcome: str
    summary: str
    metrics: dict[str, float]
    failing: int


@dataclass(frozen=True)
class StoredFramework:
    framework: str
    title: str
    version: str
    score: float
    counts: dict[str, int]


@dataclass(frozen=True)
class StoredAction:
    """A corrective action as it stood on the run's as-of date (an action closed later is open here)."""

    action_id: str
    finding_id: str | None
    status: str
    owner: str | None
    opened: date | None
    due: date | None
    closed: date | None
    description: str | None
    overdue: bool | None = None
    """As ``action.not_overdue`` decided (None: a run recorded before the history stored it)."""
    days_overdue: int | None = None


@dataclass(frozen=True)
class StoredEvidence:
    path: str
    evidence_type: str
    state: str
    expires: date | None
    message: str


@dataclass(frozen=True)
class StoredService:
    """The key attributes of one service that drive gaps, as the run's facts gave them."""

    service_id: str
    name: str
    tier: int | None
    rto_s: int | None
    rpo_s: int | None
    mtpd_s: int | None
    in_scope: bool
    owner: str | None = None
    critical: bool | None = None
    latest_exercise: str | None = None
    """Latest exercise held on or before the as-of date."""
    latest_exercise_date: date | None = None
    exercised_in_window: bool | None = None


@dataclass(frozen=True)
class StoredEntity:
    """One entity a rule kept in full (failing, partial or without data), with the rule's message."""

    entity: str
    entity_id: str
    outcome: str
    message: str

    @property
    def failing(self) -> bool:
        return self.outcome in _FAILING


@dataclass(frozen=True)
class StoredExercise:
    """Runs recorded with schema 1-2 kept every exercise; from schema 3 the history keeps each service's
    latest exercise instead (:class:`StoredService`), and ``StoredRun.exercises`` is empty."""

    exercise_id: str
    date: date
    type: str | None
    result: str | None
    services: tuple[str, ...]


@dataclass(frozen=True)
class StoredRun:
    """Everything the history keeps of one run: enough to diff it and to report on it."""

    record: RunRecord
    frameworks: tuple[StoredFramework, ...]
    requirements: tuple[StoredRequirement, ...]
    objectives: tuple[StoredObjective, ...]
    rules: tuple[StoredRule, ...]
    actions: tuple[StoredAction, ...]
    evidence: tuple[StoredEvidence, ...]
    services: tuple[StoredService, ...]
    exercises: tuple[StoredExercise, ...]
    remediation: tuple[RemediationItem, ...]
    entities: dict[str, tuple[StoredEntity, ...]] | None = None
    """Per rule id, the entities it kept in full; None for a run recorded before schema 3."""
    service_fields: frozenset[str] = frozenset()
    """The service attributes this run recorded (a migrated run lacks owner and latest exercise)."""


# --------------------------------------------------------------------------- metrics


def _coverage(result: AssessmentResult) -> tuple[list[str], list[str]]:
    """Critical services, and those exercised within the window, as the rules decided (``result.facts``)."""
    critical = [s for s in result.facts.services if s.critical]
    return (sorted({s.service_id for s in critical}),
            sorted({s.service_id for s in critical if s.exercised_in_window}))


def _overdue(actions: Sequence[StoredAction], as_of: date, grace_days: int) -> list[StoredAction]:
    """For runs recorded before the facts existed: actions open on the as-of date (one closed after it was
    open on it, as ``asof`` decides) whose due date plus the policy's grace days lies before it. Later runs
    store the rules' own list (``overdue_action_ids``)."""
    return sorted((a for a in actions if (a.status != "closed" or after(a.closed, as_of)) and a.due is not None
                   and (as_of - a.due).days > grace_days), key=lambda a: (a.due or as_of, a.action_id))


def _overdue_ids(run: StoredRun) -> list[str]:
    """Overdue actions of a stored run, oldest due date first: what its rules decided when recorded."""
    stored = run.record.metrics.get("overdue_action_ids")
    if stored is not None:
        return [str(a) for a in stored]
    grace = int(run.record.metrics.get("grace_days", 0))
    return [a.action_id for a in _overdue(run.actions, run.record.as_of, grace)]


def run_metrics(result: AssessmentResult) -> dict[str, Any]:
    """The figures the quarterly trend shows, read from the result's facts when the run is recorded."""
    reqs = result.requirements
    counts = {s.value: sum(1 for r in reqs if r.status == s) for s in Status}
    decided = counts["met"] + counts["partially_met"] + counts["not_met"]
    score = round(100.0 * (counts["met"] + 0.5 * counts["partially_met"]) / decided, 1) if decided else 0.0
    grace = int(result.run.policy.get("corrective_action_grace_days", 0))
    actions = result.facts.actions
    overdue = sorted((a for a in actions if a.overdue), key=lambda a: (a.due or result.run.as_of, a.action_id))
    critical, exercised = _coverage(result)
    states = [e.state for e in result.evidence]
    return {
        "overall_score": score,
        "requirements": len(reqs),
        "status_counts": counts,
        "open_gaps": counts["partially_met"] + counts["not_met"],
        "open_actions": sum(1 for a in actions if a.status != ActionStatus.CLOSED),
        "overdue_actions": len(overdue),
        "overdue_action_ids": [a.action_id for a in overdue],
        "oldest_overdue": (None if not overdue else
                           {"action_id": overdue[0].action_id, "due": overdue[0].due.isoformat() if overdue[0].due
                            else None, "days_overdue": overdue[0].days_overdue}),
        "critical_services": critical,
        "critical_exercised": exercised,
        "exercise_coverage": round(100.0 * len(exercised) / len(critical), 1) if critical else None,
        "stale_evidence": sum(1 for s in states if s == EvidenceState.STALE),
        "evidence_not_current": sum(1 for s in states if s != EvidenceState.FRESH),
        "data_issues": len(result.issues),
        "grace_days": grace,
    }


def _actions(result: AssessmentResult) -> list[StoredAction]:
    """Every corrective action on the as-of date: the records as known then, the status and overdue
    verdict as the rules decided them (``result.facts``)."""
    facts = result.facts.actions_by_id()
    out: list[StoredAction] = []
    seen: set[str] = set()
    for a in result.data.corrective_actions:
        if a.id in seen:
            continue
        seen.add(a.id)
        fact = facts.get(a.id)
        out.append(StoredAction(
            action_id=a.id, finding_id=a.finding_id, status=(fact.status if fact else a.status).value, owner=a.owner,
            opened=a.opened, due=a.due, closed=a.closed, description=a.description,
            overdue=fact.overdue if fact else None, days_overdue=fact.days_overdue if fact else None))
    return out


def _services(result: AssessmentResult) -> list[StoredService]:
    """Each service's key attributes, read from the facts (names from the records)."""
    names = {s.id: s.name for s in result.data.services}
    out = [StoredService(
        service_id=f.service_id, name=names.get(f.service_id, ""), tier=f.tier, rto_s=_secs(f.rto),
        rpo_s=_secs(f.rpo), mtpd_s=_secs(f.mtpd), in_scope=f.in_scope, owner=f.owner, critical=f.critical,
        latest_exercise=f.latest_exercise, latest_exercise_date=f.latest_exercise_date,
        exercised_in_window=f.exercised_in_window) for f in result.facts.services]
    known = {f.service_id for f in result.facts.services}
    for s in result.data.services:  # a result built without facts still records its services
        if s.id not in known:
            known.add(s.id)
            out.append(StoredService(service_id=s.id, name=s.name, tier=s.tier, rto_s=_secs(s.rto),
                                     rpo_s=_secs(s.rpo), mtpd_s=_secs(s.mtpd), in_scope=s.in_scope, owner=s.owner))
    return out


# --------------------------------------------------------------------------- schema and migrations

_V1 = (
    """CREATE TABLE run (
        run_no INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL, label TEXT NOT NULL, as_of TEXT NOT NULL, organisation TEXT NOT NULL,
        scope TEXT, tool_version TEXT NOT NULL, frameworks TEXT NOT NULL, catalogue_versions TEXT NOT NULL,
        input_digests TEXT NOT NULL, policy TEXT NOT NULL, metrics TEXT NOT NULL)""",
    "CREATE INDEX run_label ON run(label, run_no)",
    "CREATE INDEX run_run_id ON run(run_id)",
    """CREATE TABLE framework_score (
        run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
        framework TEXT NOT NULL, title TEXT NOT NULL, version TEXT NOT NULL, score REAL NOT NULL,
        counts TEXT NOT NULL)""",
    """CREATE TABLE requirement_status (
        run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
        framework TEXT NOT NULL, requirement_id TEXT NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL,
        rationale TEXT NOT NULL, decided_by TEXT NOT NULL, mapping TEXT NOT NULL)""",
    """CREATE TABLE objective_status (
        run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
        objective_id TEXT NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL, rationale TEXT NOT NULL,
        rules TEXT NOT NULL)""",
    """CREATE TABLE rule_outcome (
        run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
        rule_id TEXT NOT NULL, title TEXT NOT NULL, outcome TEXT NOT NULL, summary TEXT NOT NULL,
        metrics TEXT NOT NULL, failing INTEGER NOT NULL)""",
    """CREATE TABLE corrective_action (
        run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
        action_id TEXT NOT NULL, finding_id TEXT, status TEXT NOT NULL, owner TEXT, opened TEXT, due TEXT,
        closed TEXT, description TEXT)""",
    """CREATE TABLE evidence_state (
        run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
        path TEXT NOT NULL, evidence_type TEXT NOT NULL, state TEXT NOT NULL, expires TEXT,
        message TEXT NOT NULL)""",
    """CREATE TABLE service_snapshot (
        run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
        service_id TEXT NOT NULL, name TEXT NOT NULL, tier INTEGER, rto_s INTEGER, rpo_s INTEGER,
        mtpd_s INTEGER, in_scope INTEGER NOT NULL)""",
    """CREATE TABLE exercise_snapshot (
        run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
        exercise_id TEXT NOT NULL, date TEXT NOT NULL, type TEXT, result TEXT, services TEXT NOT NULL)""",
    """CREATE TABLE remediation (
        run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
        rank INTEGER NOT NULL, objective_id TEXT NOT NULL, title TEXT NOT NULL, action TEXT NOT NULL,
        requirements TEXT NOT NULL, weight REAL NOT NULL, failing_entities INTEGER NOT NULL)""",
    *(f"CREATE INDEX {t}_run ON {t}(run_no)" for t in (
        "framework_score", "requirement_status", "objective_status", "rule_outcome", "corrective_action",
        "evidence_state", "service_snapshot", "exercise_snapshot", "remediation")),
)


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    """Version 0 is an empty database (or one made by a tool that never set a version): create v1."""
    for statement in _V1:
        conn.execute(statement)


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Version 2 records whether a run was redacted and the SHA-256 of its pack's manifest."""
    conn.execute("ALTER TABLE run ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE run ADD COLUMN manifest_sha256 TEXT")


_V3_PARTS = """CREATE TABLE run_part (
    run_no INTEGER NOT NULL REFERENCES run(run_no) ON DELETE CASCADE,
    part TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (run_no, part))"""


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Version 3 keeps each run's services (key attributes), corrective actions and failing entities per
    rule as compressed parts (``run_part``) instead of a row per service, exercise and action: a large
    organisation's run grew history.db by 6.7 MB, mostly exercise rows. Earlier runs' services and actions
    move into parts as they were recorded; their exercise rows are dropped (a diff now reads each service's
    latest exercise, which those runs did not record, and says so)."""
    conn.execute(_V3_PARTS)
    service_cols = ("service_id", "name", "tier", "rto_s", "rpo_s", "mtpd_s", "in_scope")
    action_cols = ("action_id", "finding_id", "status", "owner", "opened", "due", "closed", "description")
    for (run_no,) in conn.execute("SELECT run_no FROM run ORDER BY run_no").fetchall():
        services = conn.execute(f"SELECT {', '.join(service_cols)} FROM service_snapshot WHERE run_no = ? "
                                "ORDER BY rowid", (run_no,)).fetchall()
        actions = conn.execute(f"SELECT {', '.join(action_cols)} FROM corrective_action WHERE run_no = ? "
                               "ORDER BY rowid", (run_no,)).fetchall()
        conn.executemany("INSERT INTO run_part (run_no, part, body) VALUES (?,?,?)", [
            (run_no, "services", _pack({c: [r[i] for r in services] for i, c in enumerate(service_cols)})),
            (run_no, "actions", _pack({c: [r[i] for r in actions] for i, c in enumerate(action_cols)}))])
    for table in ("service_snapshot", "exercise_snapshot", "corrective_action"):
        conn.execute(f"DROP TABLE {table}")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2,
                                                                2: _migrate_2_to_3}
"""``MIGRATIONS[n]`` turns a version-n database into version n+1, inside the opening transaction."""


def history_path(root: Path) -> Path:
    return Path(root) / HISTORY_DIR / HISTORY_FILE


@contextmanager
def _errors(path: Path) -> Iterator[None]:
    """sqlite3 failures become one located line with a hint, never a traceback."""
    try:
        yield
    except HistoryError as exc:
        if exc.location is None:
            exc.location = str(path)
        raise
    except sqlite3.OperationalError as exc:
        text = str(exc)
        hint = ("another run is writing this history; wait for it and try again" if "locked" in text or
                "busy" in text else "check the disk and the file permissions")
        raise HistoryError(f"history database error: {text}", location=str(path), hint=hint) from None
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"the history database is damaged or not a history database: {exc}",
                           location=str(path),
                           hint="move the file aside; the next assess run starts a new history") from None


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION:
        return  # the common case: no write lock needed, so reads never wait for a writer
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise HistoryError(f"the history was written by a newer itscm-audit (schema {version}, this "
                               f"version reads up to {SCHEMA_VERSION})", location=str(path),
                               hint="upgrade itscm-audit")
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


@contextmanager
def connect(root: Path, *, create: bool = False) -> Iterator[sqlite3.Connection]:
    """An open, migrated history of the workspace ``root`` (autocommit: callers open transactions)."""
    root = Path(root)
    path = history_path(root)
    if not root.is_dir():
        raise WorkspaceError("workspace folder not found", location=str(root),
                             hint="give the folder that holds itscm.yaml")
    if not path.is_file():
        if not create:
            raise HistoryError("no run has been recorded in this workspace yet", location=str(path),
                               hint=f"run: itscm-audit assess {root}")
        path.parent.mkdir(parents=True, exist_ok=True)
    with _errors(path):
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Switching to WAL and migrating take SQLite's exclusive lock, for which it may answer "database
            # is locked" at once instead of waiting: two processes opening a new history take turns here.
            settled = (conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                       and int(conn.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION)
            if not settled:  # the common case needs no lock, so a read-only workspace still reads
                with locked(path):
                    conn.execute("PRAGMA journal_mode = WAL")
                    _migrate(conn, path)
            conn.execute("PRAGMA foreign_keys = ON")
            yield conn
        finally:
            conn.close()


# --------------------------------------------------------------------------- recording


def check_label(label: str) -> str:
    """Labels name a reporting period (``2026Q4``, ``FY26-H2``); digits alone are run numbers."""
    if not _LABEL.match(label) or label.isdigit() or label == "latest":
        raise UsageError(f"invalid history label {label!r}",
                         hint="use letters, digits, '.', '_' or '-' (up to 40), not digits alone nor 'latest', "
                         "e.g. 2026Q4")
    return label


def _j(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _d(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _secs(value: Any) -> int | None:
    return None if value is None else int(value.total_seconds())


def _rows(result: AssessmentResult) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every child table for one run (without the run number)."""
    return {
        "framework_score": [(f.framework, f.title, f.version, f.score, _j(f.counts)) for f in result.frameworks],
        "requirement_status": [
            (r.framework, r.requirement_id, r.title, r.status.value, r.rationale, r.decided_by.value,
             _j([f"{c.objective_id}:{c.relationship.value}:{c.strength}" for c in r.contributions]))
            for r in result.requirements],
        "objective_status": [(o.objective_id, o.title, o.status.value, o.rationale, _j(list(o.rules)))
                             for o in result.objectives],
        "rule_outcome": [(c.rule_id, c.title, c.outcome.value, c.summary, _j(c.metrics), len(c.failing))
                         for c in result.checks],
        "evidence_state": [(e.item.path, e.item.evidence_type, e.state.value, _d(e.expires), e.message)
                           for e in result.evidence],
        "remediation": [(m.rank, m.objective_id, m.title, m.action, _j(list(m.requirements)), m.weight,
                         m.failing_entities) for m in result.remediation],
    }


# The parts of a run kept as one compressed JSON document each (``run_part``): a large organisation has
# tens of thousands of services, actions and failing entities, and a row per item would grow history.db by
# megabytes per run. Lists of records are stored by column ({"id": [...], "owner": [...]}), which
# compresses well; the bytes are the same for the same result (sorted keys, fixed compression level).

_SERVICE_COLUMNS = ("service_id", "name", "tier", "rto_s", "rpo_s", "mtpd_s", "in_scope", "owner", "critical",
                    "latest_exercise", "latest_exercise_date", "exercised_in_window")
_ACTION_COLUMNS = ("action_id", "finding_id", "status", "owner", "opened", "due", "closed", "description",
                   "overdue", "days_overdue")


def _pack(value: Any) -> bytes:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return zlib.compress(text.encode("utf-8"), 6)


def _by_column(records: Sequence[Any], columns: Sequence[str]) -> dict[str, list[Any]]:
    return {c: [_plain(getattr(r, c)) for r in records] for c in columns}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _parts(result: AssessmentResult) -> dict[str, bytes]:
    """The compressed parts of one run: services' key attributes, actions, failing entities per rule."""
    entities = {c.rule_id: [[e.entity, e.entity_id, e.outcome.value, e.message] for e in c.entities
                            if e.outcome in KEPT_OUTCOMES] for c in result.checks}
    return {"services": _pack(_by_column(_services(result), _SERVICE_COLUMNS)),
            "actions": _pack(_by_column(_actions(result), _ACTION_COLUMNS)),
            "entities": _pack(entities)}


_AFTER_INSERT_HOOK: Callable[[str], None] | None = None
"""Test seam: called after each child table is written, to simulate a run killed mid-write."""


def record_run(root: Path, result: AssessmentResult, label: str | None = None, *,
               manifest_sha256: str | None = None) -> RunRecord:
    """Record one run in one transaction and return it with its history-assigned run number.

    Every run is kept; recording the same label again does not replace the earlier run: "the run for
    a label" is the latest recorded with that label. Record the result the packs were written from
    (the redacted one under ``--redact``), so the history holds no more than the packs did.
    ``manifest_sha256`` anchors the pack: ``verify-pack`` compares a pack's manifest with it.
    """
    label = check_label(label if label is not None else result.run.label)
    run = result.run
    metrics = run_metrics(result)
    rows = _rows(result)
    parts = _parts(result)
    path = history_path(root)
    with connect(root, create=True) as conn, _errors(path):
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                "INSERT INTO run (run_id, label, as_of, organisation, scope, tool_version, frameworks, "
                "catalogue_versions, input_digests, policy, metrics, redacted, manifest_sha256) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (run.run_id, label, run.as_of.isoformat(), run.organisation, run.scope, run.tool_version,
                 _j(list(run.frameworks)), _j(run.catalogue_versions), _j(run.input_digests), _j(run.policy),
                 _j(metrics), int(run.redacted), manifest_sha256))
            run_no = int(cur.lastrowid or 0)
            for table, values in rows.items():
                if values:
                    marks = ",".join("?" * (len(values[0]) + 1))
                    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", [(run_no, *v) for v in values])
                if _AFTER_INSERT_HOOK is not None:
                    _AFTER_INSERT_HOOK(table)
            conn.executemany("INSERT INTO run_part (run_no, part, body) VALUES (?,?,?)",
                             [(run_no, name, body) for name, body in parts.items()])
            if _AFTER_INSERT_HOOK is not None:
                _AFTER_INSERT_HOOK("run_part")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return RunRecord(run_no=run_no, run_id=run.run_id, label=label, as_of=run.as_of,
                     organisation=run.organisation, tool_version=run.tool_version, frameworks=run.frameworks,
                     catalogue_versions=dict(run.catalogue_versions), input_digests=dict(run.input_digests),
                     metrics=json.loads(_j(metrics)), scores={f.framework: f.score for f in result.frameworks},
                     redacted=run.redacted, manifest_sha256=manifest_sha256)


# --------------------------------------------------------------------------- reading

_RUN_COLUMNS = ("run_no, run_id, label, as_of, organisation, tool_version, frameworks, catalogue_versions, "
                "input_digests, metrics, redacted, manifest_sha256")


class _Damaged(ValueError):
    """A value in history.db that is not what itscm-audit wrote there (edited, or a disk fault)."""


def _stored_date(value: Any) -> date:
    if not isinstance(value, str):
        raise _Damaged(f"{value!r} is not a date")
    try:
        return bounded_date(date.fromisoformat(value))
    except ValueError as exc:
        raise _Damaged(str(exc)) from None


def _opt_date(value: Any) -> date | None:
    return None if value is None else _stored_date(value)


def _json_of(value: Any, kind: type) -> Any:
    """A JSON column decoded and checked to be a ``kind`` (list or dict)."""
    try:
        decoded = json.loads(value)
    except (TypeError, ValueError):
        raise _Damaged(f"{str(value)[:40]!r} is not JSON") from None
    if not isinstance(decoded, kind):
        raise _Damaged(f"expected a JSON {kind.__name__}, found {type(decoded).__name__}")
    return decoded


_NUMERIC_METRICS = ("overall_score", "requirements", "open_gaps", "open_actions", "overdue_actions",
                    "exercise_coverage", "stale_evidence", "evidence_not_current", "data_issues", "grace_days")


def _metrics(value: Any) -> dict[str, Any]:
    metrics: dict[str, Any] = _json_of(value, dict)
    for key in _NUMERIC_METRICS:
        figure = metrics.get(key)
        if figure is not None and (isinstance(figure, bool) or not isinstance(figure, (int, float))):
            raise _Damaged(f"metric {key} is {figure!r}, not a number")
    for key in ("critical_services", "critical_exercised"):
        if not isinstance(metrics.get(key, []), list):
            raise _Damaged(f"metric {key} is not a list")
    return metrics


@contextmanager
def _decoding(table: str, run_no: Any) -> Iterator[None]:
    """A row that cannot be decoded becomes a located HistoryError, never an internal error."""
    try:
        yield
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise HistoryError(f"damaged row in table {table} of run {run_no}: {exc}",
                           hint="restore history.db from a backup, or move it aside to start a new history "
                           "(the packs already written are unaffected)") from None


def _record(conn: sqlite3.Connection, row: tuple[Any, ...]) -> RunRecord:
    with _decoding("run", row[0]):
        run_no = int(row[0])
        scores = {str(fw): float(score) for fw, score in conn.execute(
            "SELECT framework, score FROM framework_score WHERE run_no = ? ORDER BY rowid", (run_no,))}
        return RunRecord(run_no=run_no, run_id=str(row[1]), label=str(row[2]), as_of=_stored_date(row[3]),
                         organisation=str(row[4]), tool_version=str(row[5]),
                         frameworks=tuple(str(f) for f in _json_of(row[6], list)),
                         catalogue_versions=_json_of(row[7], dict), input_digests=_json_of(row[8], dict),
                         metrics=_metrics(row[9]), scores=scores, redacted=bool(row[10]),
                         manifest_sha256=None if row[11] is None else str(row[11]))


def list_runs(root: Path) -> list[RunRecord]:
    """Every recorded run, in recording order (empty when nothing was recorded yet)."""
    if not history_path(root).is_file():
        if not Path(root).is_dir():
            raise WorkspaceError("workspace folder not found", location=str(root),
                                 hint="give the folder that holds itscm.yaml")
        return []
    with connect(root) as conn, _errors(history_path(root)):
        rows = conn.execute(f"SELECT {_RUN_COLUMNS} FROM run ORDER BY run_no").fetchall()
        return [_record(conn, r) for r in rows]


def _resolve(conn: sqlite3.Connection, ref: str | int, path: Path) -> int:
    """Run number for a reference: a run number, ``latest``, a run id, or a label (its latest run)."""
    text = str(ref).strip()
    if text.isdigit():
        row = conn.execute("SELECT run_no FROM run WHERE run_no = ?", (int(text),)).fetchone()
    elif text == "latest":
        row = conn.execute("SELECT max(run_no) FROM run").fetchone()
        row = row if row and row[0] is not None else None
    else:
        row = (conn.execute("SELECT max(run_no) FROM run WHERE run_id = ?", (text,)).fetchone()
               if text else None)
        if not row or row[0] is None:
            row = conn.execute("SELECT max(run_no) FROM run WHERE label = ?", (text,)).fetchone()
        row = row if row and row[0] is not None else None
    if row is None:
        labels = [r[0] for r in conn.execute("SELECT label FROM run GROUP BY label ORDER BY min(run_no)")]
        numbers = [r[0] for r in conn.execute("SELECT run_no FROM run ORDER BY run_no")]
        known = (f"known labels: {', '.join(labels)}; run numbers {numbers[0]}-{numbers[-1]}" if labels
                 else "no run recorded yet")
        raise UsageError(f"no recorded run matches {text!r}", location=str(path), hint=known)
    return int(row[0])


def _unpack(body: Any) -> Any:
    if not isinstance(body, bytes):
        raise _Damaged(f"{str(body)[:40]!r} is not a compressed part")
    try:
        return json.loads(zlib.decompress(body).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError):
        raise _Damaged("a part that does not decompress to JSON") from None


def _columns(body: Any, required: Sequence[str]) -> tuple[list[dict[str, Any]], frozenset[str]]:
    """Records stored by column, and the columns present (a migrated run lacks the newer ones)."""
    cols = _unpack(body)
    if not isinstance(cols, dict) or not all(isinstance(v, list) for v in cols.values()):
        raise _Damaged("a part that is not a table of columns")
    missing = [c for c in required if c not in cols]
    if missing:
        raise _Damaged(f"a part without its column(s) {', '.join(missing)}")
    lengths = {len(v) for v in cols.values()}
    if len(lengths) > 1:
        raise _Damaged("a part whose columns differ in length")
    count = lengths.pop() if lengths else 0
    return [{c: cols[c][i] for c in cols} for i in range(count)], frozenset(cols)


def _opt_str(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _Damaged(f"{value!r} is not text")
    return value


def _opt_int(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise _Damaged(f"{value!r} is not a whole number")
    return value


def _opt_bool(value: Any) -> bool | None:
    if value is not None and not isinstance(value, (bool, int)):
        raise _Damaged(f"{value!r} is not yes or no")
    return None if value is None else bool(value)


def _stored_services(body: Any) -> tuple[tuple[StoredService, ...], frozenset[str]]:
    rows, present = _columns(body, ("service_id", "name", "tier", "rto_s", "rpo_s", "mtpd_s", "in_scope"))
    return tuple(StoredService(
        service_id=str(r["service_id"]), name=str(r["name"]), tier=_opt_int(r["tier"]), rto_s=_opt_int(r["rto_s"]),
        rpo_s=_opt_int(r["rpo_s"]), mtpd_s=_opt_int(r["mtpd_s"]), in_scope=bool(_opt_bool(r["in_scope"])),
        owner=_opt_str(r.get("owner")), critical=_opt_bool(r.get("critical")),
        latest_exercise=_opt_str(r.get("latest_exercise")), latest_exercise_date=_opt_date(r.get("latest_exercise_date")),
        exercised_in_window=_opt_bool(r.get("exercised_in_window"))) for r in rows), present


def _stored_actions(body: Any) -> tuple[StoredAction, ...]:
    rows, _ = _columns(body, ("action_id", "finding_id", "status", "owner", "opened", "due", "closed", "description"))
    return tuple(StoredAction(
        action_id=str(r["action_id"]), finding_id=_opt_str(r["finding_id"]), status=str(r["status"]),
        owner=_opt_str(r["owner"]), opened=_opt_date(r["opened"]), due=_opt_date(r["due"]), closed=_opt_date(r["closed"]),
        description=_opt_str(r["description"]), overdue=_opt_bool(r.get("overdue")),
        days_overdue=_opt_int(r.get("days_overdue"))) for r in rows)


def _stored_entities(body: Any) -> dict[str, tuple[StoredEntity, ...]]:
    rules = _unpack(body)
    if not isinstance(rules, dict):
        raise _Damaged("the failing entities are not a table by rule")
    out: dict[str, tuple[StoredEntity, ...]] = {}
    for rule_id, rows in rules.items():
        if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == 4 for r in rows):
            raise _Damaged(f"the failing entities of {rule_id} are not (kind, id, outcome, message) rows")
        out[str(rule_id)] = tuple(StoredEntity(str(k), str(i), str(o), str(m)) for k, i, o, m in rows)
    return out


def _load(conn: sqlite3.Connection, run_no: int) -> StoredRun:
    def q(table: str, build: Callable[[Any], Any]) -> tuple[Any, ...]:
        rows = conn.execute(f"SELECT * FROM {table} WHERE run_no = ? ORDER BY rowid", (run_no,)).fetchall()
        with _decoding(table, run_no):
            return tuple(build(r) for r in rows)

    head = conn.execute(f"SELECT {_RUN_COLUMNS} FROM run WHERE run_no = ?", (run_no,)).fetchone()
    parts = dict(conn.execute("SELECT part, body FROM run_part WHERE run_no = ?", (run_no,)).fetchall())
    with _decoding("run_part", run_no):
        services, fields = _stored_services(parts["services"]) if "services" in parts else ((), frozenset())
        actions = _stored_actions(parts["actions"]) if "actions" in parts else ()
        entities = _stored_entities(parts["entities"]) if "entities" in parts else None
    return StoredRun(
        record=_record(conn, head),
        frameworks=q("framework_score", lambda r: StoredFramework(r[1], r[2], r[3], float(r[4]),
                                                                  _json_of(r[5], dict))),
        requirements=q("requirement_status", lambda r: StoredRequirement(
            r[1], r[2], r[3], r[4], r[5], r[6], tuple(_json_of(r[7], list)))),
        objectives=q("objective_status", lambda r: StoredObjective(r[1], r[2], r[3], r[4],
                                                                   tuple(_json_of(r[5], list)))),
        rules=q("rule_outcome", lambda r: StoredRule(r[1], r[2], r[3], r[4], _json_of(r[5], dict), int(r[6]))),
        actions=actions,
        evidence=q("evidence_state", lambda r: StoredEvidence(r[1], r[2], r[3], _opt_date(r[4]), r[5])),
        services=services,
        exercises=(),
        remediation=q("remediation", lambda r: RemediationItem(
            rank=int(r[1]), objective_id=r[2], title=r[3], action=r[4], requirements=tuple(_json_of(r[5], list)),
            weight=float(r[6]), failing_entities=int(r[7]))),
        entities=entities,
        service_fields=fields,
    )


def load_run(root: Path, ref: str | int) -> StoredRun:
    """One run by label (its latest run), run number, run id or ``latest``."""
    path = history_path(root)
    with connect(root) as conn, _errors(path):
        conn.execute("BEGIN")
        try:
            return _load(conn, _resolve(conn, ref, path))
        finally:
            conn.execute("COMMIT")


def load_runs(root: Path, refs: Sequence[str | int] | None = None) -> list[StoredRun]:
    """Runs for a trend, oldest as-of first: the given references, or the latest run of every label."""
    path = history_path(root)
    with connect(root) as conn, _errors(path):
        conn.execute("BEGIN")
        try:
            if refs is None:
                numbers = [int(r[0]) for r in conn.execute("SELECT max(run_no) FROM run GROUP BY label")]
            else:
                numbers = list(dict.fromkeys(_resolve(conn, ref, path) for ref in refs))
            runs = [_load(conn, n) for n in numbers]
        finally:
            conn.execute("COMMIT")
    return sorted(runs, key=lambda r: (r.record.as_of, r.record.run_no))


# --------------------------------------------------------------------------- the diff


@dataclass(frozen=True)
class Movement:
    """One requirement whose status differs between the two runs."""

    framework: str
    requirement_id: str
    title: str
    before: str
    after: str
    kinds: tuple[str, ...]
    """Any of ``new_gap``, ``closed_gap``, ``regression``, ``improvement``, ``other``."""
    cause: str
    """``organisation`` (the data or an attestation changed) or ``catalogue`` (the crosswalk or the
    objective's rules changed between catalogue versions)."""


@dataclass(frozen=True)
class CatalogueChange:
    framework: str
    version_before: str | None
    version_after: str | None
    added: tuple[str, ...]
    """Requirement ids that exist only in the later run (reported here, never as new gaps)."""
    removed: tuple[str, ...]


@dataclass(frozen=True)
class FrameworkDiff:
    framework: str
    score_before: float | None
    score_after: float | None
    gaps_before: int
    gaps_after: int
    new_gaps: int
    closed_gaps: int
    regressions: int
    improvements: int

    @property
    def score_change(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return round(self.score_after - self.score_before, 1)


@dataclass(frozen=True)
class ActionChange:
    action_id: str
    description: str | None
    owner: str | None
    due: date | None
    status_before: str | None
    status_after: str | None


@dataclass(frozen=True)
class EvidenceChange:
    path: str
    evidence_type: str
    state_before: str | None
    state_after: str
    message: str


@dataclass(frozen=True)
class ServiceChange:
    service_id: str
    name: str
    field: str
    """``tier``, ``rto``, ``rpo``, ``mtpd``, ``name``, ``in_scope``, ``owner`` or ``latest_exercise``."""
    before: str
    after: str


@dataclass(frozen=True)
class ObjectiveMovement:
    """One control objective whose status differs between the two runs."""

    objective_id: str
    title: str
    before: str
    after: str
    kinds: tuple[str, ...]
    """As for a requirement: ``new_gap``, ``closed_gap``, ``regression``, ``improvement``, ``other``."""


@dataclass(frozen=True)
class EntityChange:
    """An entity that entered or left a rule's failing set (failing or partial) between the two runs."""

    entity: str
    entity_id: str
    before: str | None
    """Its outcome under the rule in the earlier run; None when it was not kept (it passed, did not
    apply, or did not exist)."""
    after: str | None
    message: str
    """The rule's words where it fails: the later run's when it entered, the earlier run's when it left."""
    reason: str
    """What changed, in words: ``owner removed``, ``became overdue (due 2026-10-31)``, ``went stale on
    2026-11-14``, ``new service``, ``no longer failing``..."""


@dataclass(frozen=True)
class RuleChange:
    """A rule whose outcome or failing set changed, with the entities that entered and left it."""

    rule_id: str
    title: str
    outcome_before: str
    outcome_after: str
    entered: tuple[EntityChange, ...]
    left: tuple[EntityChange, ...]


@dataclass(frozen=True)
class SourceDiff:
    """What changed in the organisation's data: explains movements that are not the catalogue's."""

    services_added: tuple[str, ...]
    services_removed: tuple[str, ...]
    service_changes: tuple[ServiceChange, ...]
    exercises_added: tuple[str, ...]
    exercises_removed: tuple[str, ...]
    files_added: tuple[str, ...]
    files_removed: tuple[str, ...]
    files_changed: tuple[str, ...]


@dataclass(frozen=True)
class RunDiff:
    """Run ``before`` -> run ``after``: what a compliance officer explains at the quarterly review."""

    before: RunRecord
    after: RunRecord
    frameworks: tuple[FrameworkDiff, ...]
    movements: tuple[Movement, ...]
    catalogue: tuple[CatalogueChange, ...]
    frameworks_added: tuple[str, ...]
    frameworks_removed: tuple[str, ...]
    stale_evidence: tuple[EvidenceChange, ...]
    """Evidence not current now that was current (or absent) last time."""
    actions_opened: tuple[ActionChange, ...]
    actions_closed: tuple[ActionChange, ...]
    actions_reopened: tuple[ActionChange, ...]
    overdue_before: int
    overdue_after: int
    newly_overdue: tuple[str, ...]
    """Overdue now but not last time, oldest due date first."""
    oldest_overdue: dict[str, Any] | None
    coverage_before: float | None
    coverage_after: float | None
    newly_exercised: tuple[str, ...]
    no_longer_exercised: tuple[str, ...]
    source: SourceDiff
    unlike: tuple[str, ...] = ()
    """Why the two runs are not like for like (framework sets, redaction): said before any figure."""
    objective_movements: tuple[ObjectiveMovement, ...] = ()
    rule_changes: tuple[RuleChange, ...] = ()
    """Rules present in both runs whose outcome or failing set changed (see :class:`EntityChange`)."""
    notes: tuple[str, ...] = ()
    """What the diff could not compare (a run recorded before the history kept failing entities)."""
    overall: FrameworkDiff = field(init=False)

    def __post_init__(self) -> None:
        m_before, m_after = self.before.metrics, self.after.metrics
        object.__setattr__(self, "overall", FrameworkDiff(
            framework="overall", score_before=m_before.get("overall_score"),
            score_after=m_after.get("overall_score"), gaps_before=int(m_before.get("open_gaps", 0)),
            gaps_after=int(m_after.get("open_gaps", 0)),
            new_gaps=len(self.new_gaps), closed_gaps=len(self.closed_gaps),
            regressions=len(self.regressions), improvements=len(self.improvements)))

    def _kind(self, kind: str) -> tuple[Movement, ...]:
        return tuple(m for m in self.movements if kind in m.kinds)

    @property
    def new_gaps(self) -> tuple[Movement, ...]:
        return self._kind("new_gap")

    @property
    def closed_gaps(self) -> tuple[Movement, ...]:
        return self._kind("closed_gap")

    @property
    def regressions(self) -> tuple[Movement, ...]:
        return self._kind("regression")

    @property
    def improvements(self) -> tuple[Movement, ...]:
        return self._kind("improvement")

    @property
    def inputs_unchanged(self) -> bool:
        """Same input files (by SHA-256): every movement then comes from the passing of time."""
        s = self.source
        return not (s.files_added or s.files_removed or s.files_changed)

    @property
    def changed(self) -> bool:
        """Anything at all to report."""
        return bool(self.movements or self.objective_movements or self.rule_changes or self.catalogue
                    or self.frameworks_added or self.frameworks_removed or self.newly_exercised
                    or self.no_longer_exercised or not self.inputs_unchanged or self.source.services_added
                    or self.source.services_removed or self.source.service_changes or self.actions_opened
                    or self.actions_closed or self.actions_reopened or self.stale_evidence)

    @property
    def coverage_change(self) -> float | None:
        if self.coverage_before is None or self.coverage_after is None:
            return None
        return round(self.coverage_after - self.coverage_before, 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (``diff --json``)."""
        from dataclasses import asdict

        out = asdict(self)
        out["overall"] = asdict(self.overall)
        for key in ("new_gaps", "closed_gaps", "regressions", "improvements"):
            out[key] = [f"{m.framework}:{m.requirement_id}" for m in getattr(self, key)]
        out["coverage_change"] = self.coverage_change
        out["inputs_unchanged"] = self.inputs_unchanged
        for fw in out["frameworks"]:
            fw["score_change"] = (None if fw["score_before"] is None or fw["score_after"] is None
                                  else round(fw["score_after"] - fw["score_before"], 1))
        plain: dict[str, Any] = json.loads(_j(out))
        return plain


def unlike_runs(records: Sequence[RunRecord]) -> tuple[str, ...]:
    """Sentences saying how the runs compared (a diff's two, a trend's quarters) are not like for like.

    Overall scores and open-gap counts add up every framework assessed, so runs over different framework
    sets (102 -> 6 -> 102 open gaps) or mixing redacted and plain runs must say so beside the figures.
    """
    notes: list[str] = []
    sets = {tuple(sorted(r.frameworks)) for r in records}
    if len(sets) > 1:
        groups: dict[tuple[str, ...], list[str]] = {}
        for r in records:
            groups.setdefault(tuple(sorted(r.frameworks)), []).append(f"{r.label} (run {r.run_no})")
        parts = [f"{', '.join(dict.fromkeys(labels))}: {len(fws)} framework(s) ({', '.join(fws)})"
                 for fws, labels in groups.items()]
        notes.append("these runs do not assess the same frameworks (" + "; ".join(parts) + "): overall "
                     "scores and open-gap counts are not comparable between them; compare per framework")
    if len({r.redacted for r in records}) > 1:
        masked = ", ".join(f"{r.label} (run {r.run_no})" for r in records if r.redacted)
        notes.append(f"some runs were redacted ({masked}) and others were not: names show as pseudonyms in "
                     "the redacted ones")
    return tuple(notes)


def _kinds(before: str, after: str) -> tuple[str, ...]:
    kinds = []
    if before not in _GAP and after in _GAP:
        kinds.append("new_gap")
    if before in _GAP and after in (Status.MET.value, Status.NOT_APPLICABLE.value):
        kinds.append("closed_gap")
    if before in _RANK and after in _RANK:
        kinds.append("regression" if _RANK[after] > _RANK[before] else "improvement")
    return tuple(kinds) or ("other",)


def _movements(a: StoredRun, b: StoredRun) -> list[Movement]:
    req_a = {(r.framework, r.requirement_id): r for r in a.requirements}
    obj_a = {o.objective_id: o for o in a.objectives}
    obj_b = {o.objective_id: o for o in b.objectives}
    out = []
    for r in b.requirements:
        old = req_a.get((r.framework, r.requirement_id))
        if old is None or old.status == r.status:
            continue
        objectives = {m.split(":", 1)[0] for m in (*old.mapping, *r.mapping)}
        rules_changed = any((obj_a[o].rules if o in obj_a else None) != (obj_b[o].rules if o in obj_b else None)
                            for o in objectives)
        catalogue = (old.mapping != r.mapping or old.decided_by != r.decided_by or rules_changed)
        out.append(Movement(r.framework, r.requirement_id, r.title, old.status, r.status,
                            _kinds(old.status, r.status), "catalogue" if catalogue else "organisation"))
    return out


def _hours(seconds: int | None) -> str:
    if seconds is None:
        return "not set"
    hours = seconds / 3600
    return f"{hours:g} h" if hours >= 1 or hours == 0 else f"{seconds / 60:g} min"


def _exercise(s: StoredService) -> str:
    if s.latest_exercise is None:
        return "none"
    return f"{s.latest_exercise} ({s.latest_exercise_date})" if s.latest_exercise_date else s.latest_exercise


def _exercise_changes(sa: dict[str, StoredService],
                      sb: dict[str, StoredService]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(added, removed) exercises, read from each service's latest exercise: added, those that became a
    service's latest exercise; removed, a latest exercise that is gone while its services remain with only
    older exercises (the log lost it)."""
    latest_a = {s.latest_exercise for s in sa.values() if s.latest_exercise}
    latest_b = {s.latest_exercise for s in sb.values() if s.latest_exercise}
    removed = set()
    for sid, old in sa.items():
        new = sb.get(sid)
        if old.latest_exercise is None or old.latest_exercise in latest_b or new is None:
            continue
        if new.latest_exercise_date is None or old.latest_exercise_date is None \
                or new.latest_exercise_date < old.latest_exercise_date:
            removed.add(old.latest_exercise)
    return tuple(sorted(latest_b - latest_a)), tuple(sorted(removed))


def _source_diff(a: StoredRun, b: StoredRun) -> SourceDiff:
    sa = {s.service_id: s for s in a.services}
    sb = {s.service_id: s for s in b.services}
    fields = a.service_fields & b.service_fields
    changes: list[ServiceChange] = []
    for sid in sorted(sa.keys() & sb.keys()):
        old, new = sa[sid], sb[sid]
        pairs: list[tuple[str, str, str]] = [
            ("tier", "none" if old.tier is None else str(old.tier), "none" if new.tier is None else str(new.tier)),
            ("rto", _hours(old.rto_s), _hours(new.rto_s)),
            ("rpo", _hours(old.rpo_s), _hours(new.rpo_s)),
            ("mtpd", _hours(old.mtpd_s), _hours(new.mtpd_s)),
            ("name", old.name, new.name),
            ("in_scope", "yes" if old.in_scope else "no", "yes" if new.in_scope else "no"),
        ]
        if {"owner"} <= fields:
            pairs.append(("owner", old.owner or "none", new.owner or "none"))
        if {"latest_exercise"} <= fields:
            pairs.append(("latest_exercise", _exercise(old), _exercise(new)))
        changes.extend(ServiceChange(sid, new.name, f, x, y) for f, x, y in pairs if x != y)
    if a.exercises or b.exercises:  # runs built by hand with every exercise listed
        ea, eb = {e.exercise_id for e in a.exercises}, {e.exercise_id for e in b.exercises}
        added, removed = tuple(sorted(eb - ea)), tuple(sorted(ea - eb))
    else:  # recorded runs keep each service's latest exercise
        added, removed = _exercise_changes(sa, sb) if {"latest_exercise"} <= fields else ((), ())
    da, db = a.record.input_digests, b.record.input_digests
    return SourceDiff(
        services_added=tuple(sorted(sb.keys() - sa.keys())), services_removed=tuple(sorted(sa.keys() - sb.keys())),
        service_changes=tuple(changes), exercises_added=added, exercises_removed=removed, files_added=tuple(sorted(db.keys() - da.keys())),
        files_removed=tuple(sorted(da.keys() - db.keys())),
        files_changed=tuple(sorted(k for k in da.keys() & db.keys() if da[k] != db[k])))


def _action_at(action: StoredAction, as_of: date) -> StoredAction:
    """A stored action as it stood on the run's as-of date: runs recorded before schema 3 kept the rows as
    written, so one closed after the as-of date is read as open (``asof``); later runs already are."""
    if action.status == "closed" and after(action.closed, as_of):
        return replace(action, status="open", closed=None)
    return action


def _action_change(before: StoredAction | None, now: StoredAction) -> ActionChange:
    return ActionChange(now.action_id, now.description, now.owner, now.due,
                        None if before is None else before.status, now.status)


def _objective_movements(a: StoredRun, b: StoredRun) -> tuple[ObjectiveMovement, ...]:
    old = {o.objective_id: o for o in a.objectives}
    return tuple(ObjectiveMovement(o.objective_id, o.title, old[o.objective_id].status, o.status,
                                   _kinds(old[o.objective_id].status, o.status))
                 for o in b.objectives if o.objective_id in old and old[o.objective_id].status != o.status)


_SERVICE_ATTRIBUTES = frozenset({"owner", "tier", "rto", "rpo", "mtpd", "in_scope", "latest_exercise",
                                 "exercised_in_window"})
_RULE_ATTRIBUTES = {
    "bia": frozenset({"owner", "tier", "rto", "rpo", "mtpd", "in_scope"}),
    "exercise": frozenset({"tier", "rto", "rpo", "in_scope", "latest_exercise", "exercised_in_window"}),
    "backup": frozenset({"rpo", "in_scope"}),
}
"""The service attributes that can move a service in or out of each family of rules: a service entering
``bia.complete`` is explained by its owner, not by its latest exercise."""


def _service_phrases(old: StoredService, new: StoredService, fields: frozenset[str]) -> list[str]:
    """The key attributes of a service that changed, in words (``owner removed``, ``RTO 8 h -> 4 h``),
    among ``fields``."""
    out = []
    if "owner" in fields and old.owner != new.owner:
        out.append("owner removed" if new.owner is None else "owner recorded" if old.owner is None
                   else "owner changed")
    if "tier" in fields and old.tier != new.tier:
        out.append(f"tier {'none' if old.tier is None else old.tier} -> {'none' if new.tier is None else new.tier}")
    for attr, label in (("rto_s", "RTO"), ("rpo_s", "RPO"), ("mtpd_s", "MTPD")):
        x, y = getattr(old, attr), getattr(new, attr)
        if label.lower() in fields and x != y:
            out.append(f"{label} removed" if y is None else f"{label} recorded ({_hours(y)})" if x is None
                       else f"{label} {_hours(x)} -> {_hours(y)}")
    if "in_scope" in fields and old.in_scope != new.in_scope:
        out.append("brought into scope" if new.in_scope else "taken out of scope")
    if "latest_exercise" in fields and old.latest_exercise != new.latest_exercise:
        out.append(f"latest exercise {_exercise(old)} -> {_exercise(new)}")
    if "exercised_in_window" in fields and old.exercised_in_window != new.exercised_in_window:
        out.append("now exercised within the window" if new.exercised_in_window
                   else "no longer exercised within the window")
    return out


def _action_phrases(old: StoredAction, new: StoredAction) -> list[str]:
    out = []
    if old.status != new.status:
        out.append("closed" if new.status == "closed" else "reopened" if old.status == "closed"
                   else f"status {old.status.replace('_', ' ')} -> {new.status.replace('_', ' ')}")
    if old.due != new.due:
        out.append(f"due date {old.due or 'none'} -> {new.due or 'none'}")
    elif new.overdue and old.overdue is False:
        out.append(f"became overdue (due {new.due})")
    if old.owner != new.owner:
        out.append("owner removed" if new.owner is None else "owner recorded" if old.owner is None
                   else "owner changed")
    return out


def _evidence_phrase(old: StoredEvidence, new: StoredEvidence) -> str | None:
    if old.state == new.state:
        return None
    if new.state == EvidenceState.STALE.value:
        return f"went stale on {new.expires}" if new.expires else "went stale"
    if new.state == EvidenceState.MISSING.value:
        return "file missing from the locker"
    if new.state == EvidenceState.CHANGED.value:
        return "file changed since it was collected"
    return "current again"


class _Explainer:
    """Words for why an entity entered or left a rule's failing set, from what the two runs stored."""

    def __init__(self, a: StoredRun, b: StoredRun) -> None:
        self.services = ({s.service_id: s for s in a.services}, {s.service_id: s for s in b.services})
        self.actions = ({x.action_id: x for x in a.actions}, {x.action_id: x for x in b.actions})
        self.evidence = ({e.path: e for e in a.evidence}, {e.path: e for e in b.evidence})
        recorded = a.service_fields & b.service_fields
        self.fields = (_SERVICE_ATTRIBUTES - {"owner", "latest_exercise", "exercised_in_window"}) | (
            recorded & _SERVICE_ATTRIBUTES)

    def phrases(self, kind: str, ident: str, rule_id: str) -> list[str] | None:
        """The entity's own changes between the runs; None when it exists in only one of them."""
        tables: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
            "service": self.services, "corrective_action": self.actions, "evidence": self.evidence}
        if kind not in tables:
            return []
        old, new = tables[kind][0].get(ident), tables[kind][1].get(ident)
        if old is None or new is None:
            return None
        if kind == "service":
            return _service_phrases(old, new, self.fields & _RULE_ATTRIBUTES.get(rule_id.split(".")[0],
                                                                                 _SERVICE_ATTRIBUTES))
        if kind == "corrective_action":
            return _action_phrases(old, new)
        phrase = _evidence_phrase(old, new)
        return [phrase] if phrase else []

    def entered(self, rule_id: str, e: StoredEntity, before: StoredEntity | None) -> str:
        found = self.phrases(e.entity, e.entity_id, rule_id)
        if found is None:
            return {"service": "new service", "corrective_action": "new action",
                    "evidence": "new item in the locker"}.get(e.entity, "newly failing")
        if before is not None:  # it was kept without data, and now fails
            found.append("now checked (had no data)")
        return "; ".join(found) or "newly failing"

    def left(self, rule_id: str, e: StoredEntity, after: StoredEntity | None) -> str:
        found = self.phrases(e.entity, e.entity_id, rule_id)
        if found is None:
            return {"service": "service removed", "corrective_action": "no longer listed",
                    "evidence": "no longer in the locker"}.get(e.entity, "no longer failing")
        if after is not None:
            found.append("now without data")
        return "; ".join(found) or "no longer failing"


def _rule_changes(a: StoredRun, b: StoredRun) -> tuple[RuleChange, ...]:
    """Rules in both runs whose outcome or failing set changed, with the entities that entered and left."""
    if a.entities is None or b.entities is None:
        return ()
    explain = _Explainer(a, b)
    outcome_a = {r.rule_id: r for r in a.rules}
    out = []
    for rule in b.rules:
        if rule.rule_id not in outcome_a or rule.rule_id not in a.entities or rule.rule_id not in b.entities:
            continue
        kept_a = {(e.entity, e.entity_id): e for e in a.entities[rule.rule_id]}
        kept_b = {(e.entity, e.entity_id): e for e in b.entities[rule.rule_id]}
        entered = tuple(EntityChange(e.entity, e.entity_id, kept_a[k].outcome if k in kept_a else None, e.outcome,
                                     e.message, explain.entered(rule.rule_id, e, kept_a.get(k)))
                        for k, e in kept_b.items() if e.failing and not (k in kept_a and kept_a[k].failing))
        left = tuple(EntityChange(e.entity, e.entity_id, e.outcome, kept_b[k].outcome if k in kept_b else None,
                                  e.message, explain.left(rule.rule_id, e, kept_b.get(k)))
                     for k, e in kept_a.items() if e.failing and not (k in kept_b and kept_b[k].failing))
        before = outcome_a[rule.rule_id].outcome
        if entered or left or before != rule.outcome:
            out.append(RuleChange(rule.rule_id, rule.title, before, rule.outcome, entered, left))
    return tuple(out)


def _notes(a: StoredRun, b: StoredRun) -> tuple[str, ...]:
    def runs(which: list[StoredRun]) -> str:
        return " and ".join(f"run {r.record.run_no} ({r.record.label})" for r in which)

    notes = []
    older = [r for r in (a, b) if r.entities is None]
    if older:
        notes.append(f"{runs(older)} {'was' if len(older) == 1 else 'were'} recorded before the history kept each "
                     "rule's failing entities: entities entering and leaving rules are not compared")
    partial = [r for r in (a, b) if r.services and not {"owner", "latest_exercise"} <= r.service_fields]
    if partial:
        notes.append(f"{runs(partial)} did not record service owners and latest exercises: those are not compared")
    return tuple(notes)


def compare(a: StoredRun, b: StoredRun) -> RunDiff:
    """The diff from run ``a`` (before) to run ``b`` (after); pure, for tests and reports."""
    movements = _movements(a, b)
    fw_a = {f.framework: f for f in a.frameworks}
    fw_b = {f.framework: f for f in b.frameworks}
    both = [f for f in b.record.frameworks if f in fw_a or f in a.record.frameworks]
    fdiffs = []
    for fw in both:
        mine = [m for m in movements if m.framework == fw]
        gaps = [sum(1 for r in run.requirements if r.framework == fw and r.status in _GAP) for run in (a, b)]
        fdiffs.append(FrameworkDiff(
            framework=fw, score_before=fw_a[fw].score if fw in fw_a else None,
            score_after=fw_b[fw].score if fw in fw_b else None, gaps_before=gaps[0], gaps_after=gaps[1],
            new_gaps=sum(1 for m in mine if "new_gap" in m.kinds),
            closed_gaps=sum(1 for m in mine if "closed_gap" in m.kinds),
            regressions=sum(1 for m in mine if "regression" in m.kinds),
            improvements=sum(1 for m in mine if "improvement" in m.kinds)))
    cats = []
    for fw in both:
        ids_a = [r.requirement_id for r in a.requirements if r.framework == fw]
        ids_b = [r.requirement_id for r in b.requirements if r.framework == fw]
        v_a, v_b = a.record.catalogue_versions.get(fw), b.record.catalogue_versions.get(fw)
        added = tuple(i for i in ids_b if i not in set(ids_a))
        removed = tuple(i for i in ids_a if i not in set(ids_b))
        if v_a != v_b or added or removed:
            cats.append(CatalogueChange(fw, v_a, v_b, added, removed))
    ev_a = {e.path: e for e in a.evidence}
    stale = tuple(EvidenceChange(e.path, e.evidence_type, ev_a[e.path].state if e.path in ev_a else None,
                                 e.state, e.message)
                  for e in b.evidence if e.state != EvidenceState.FRESH.value
                  and (e.path not in ev_a or ev_a[e.path].state == EvidenceState.FRESH.value))
    act_a = {x.action_id: _action_at(x, a.record.as_of) for x in a.actions}
    actions_b = [_action_at(x, b.record.as_of) for x in b.actions]
    opened = tuple(_action_change(None, x) for x in actions_b if x.action_id not in act_a)
    closed = tuple(_action_change(act_a.get(x.action_id), x) for x in actions_b if x.status == "closed"
                   and (x.action_id not in act_a or act_a[x.action_id].status != "closed"))
    reopened = tuple(_action_change(act_a[x.action_id], x) for x in actions_b if x.status != "closed"
                     and x.action_id in act_a and act_a[x.action_id].status == "closed")
    over_a = set(_overdue_ids(a))
    over_b = _overdue_ids(b)
    m_a, m_b = a.record.metrics, b.record.metrics
    ex_a, ex_b = set(m_a.get("critical_exercised", ())), set(m_b.get("critical_exercised", ()))
    return RunDiff(
        before=a.record, after=b.record, frameworks=tuple(fdiffs), movements=tuple(movements),
        catalogue=tuple(cats),
        frameworks_added=tuple(f for f in b.record.frameworks if f not in a.record.frameworks),
        frameworks_removed=tuple(f for f in a.record.frameworks if f not in b.record.frameworks),
        stale_evidence=stale, actions_opened=opened, actions_closed=closed, actions_reopened=reopened,
        overdue_before=len(over_a), overdue_after=len(over_b),
        newly_overdue=tuple(x for x in over_b if x not in over_a),
        oldest_overdue=m_b.get("oldest_overdue"),
        coverage_before=m_a.get("exercise_coverage"), coverage_after=m_b.get("exercise_coverage"),
        newly_exercised=tuple(sorted(ex_b - ex_a)), no_longer_exercised=tuple(sorted(ex_a - ex_b)),
        source=_source_diff(a, b), unlike=unlike_runs((a.record, b.record)),
        objective_movements=_objective_movements(a, b), rule_changes=_rule_changes(a, b), notes=_notes(a, b))


def diff_runs(root: Path, a: str | int, b: str | int) -> RunDiff:
    """What changed from run ``a`` to run ``b`` (labels, run numbers, run ids or ``latest``)."""
    path = history_path(root)
    with connect(root) as conn, _errors(path):
        conn.execute("BEGIN")
        try:
            run_a = _load(conn, _resolve(conn, a, path))
            run_b = _load(conn, _resolve(conn, b, path))
        finally:
            conn.execute("COMMIT")
    return compare(run_a, run_b)
