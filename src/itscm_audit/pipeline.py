"""The pipeline, in one direction: import -> model -> rules -> objectives -> requirements -> result.

Each stage is a plain function so notebooks, the CLI and the benchmark call the same code; the clock
is injected (``as_of``) and nothing here writes files. Reporters and the history consume the
:class:`~itscm_audit.result.AssessmentResult` this returns.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from itscm_audit import __version__
from itscm_audit.catalog import CatalogueSet, load_catalogue_set
from itscm_audit.config import CONFIG_NAME, WorkspaceConfig, read_config
from itscm_audit.errors import UsageError, WorkspaceError
from itscm_audit.fsio import inside
from itscm_audit.gcpause import paused_gc
from itscm_audit.model import DataIssue
from itscm_audit.periods import date_problem
from itscm_audit.resources import frameworks_dir
from itscm_audit.result import AssessmentResult, CheckResult, RunInfo, TableAccount
from itscm_audit.status import evaluate_objectives, evaluate_requirements, prioritise, summarise

StageHook = Callable[[str], None]


@dataclass
class StageTimer:
    """Collects wall time per stage (the benchmark prints it) and tells a progress hook."""

    hook: StageHook | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.hook is not None:
            self.hook(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def quarter_label(as_of: date) -> str:
    """``2026Q4`` for any date in October-December 2026."""
    return f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"


def run_identity(input_digests: dict[str, str], as_of: date, frameworks: Sequence[str], redacted: bool) -> str:
    """The run id: as-of date and a digest of everything that decides the packs' content.

    Inputs (by SHA-256), the as-of date, the set of frameworks assessed and the redaction: change any of
    them and the run is another run, in another report folder and another history entry.
    """
    lines = [f"{k} {v}" for k, v in sorted(input_digests.items())]
    lines += [f"as-of {as_of.isoformat()}", f"frameworks {' '.join(sorted(set(frameworks)))}",
              f"redacted {'yes' if redacted else 'no'}"]
    return f"{as_of.isoformat()}-{hashlib.sha256(chr(10).join(lines).encode()).hexdigest()[:8]}"


def load_catalogues(root: Path | None, config: WorkspaceConfig | None) -> CatalogueSet:
    """Shipped catalogues plus the workspace's own (``catalogues:`` in itscm.yaml)."""
    from itscm_audit.rules import RULES

    extra = [root / p for p in config.catalogues] if (root is not None and config is not None) else []
    for path in extra:
        assert root is not None
        if not inside(root, path):
            raise WorkspaceError("catalogue file is outside the workspace (a link elsewhere); not read",
                                 location=str(path), hint="copy the file itself into the workspace")
    return load_catalogue_set([frameworks_dir()], extra, known_rules=set(RULES))


def run_rules(ctx: object, rule_ids: Sequence[str] | None = None) -> tuple[CheckResult, ...]:
    """Every rule (or ``rule_ids``), each check kept lean: failing, partial and no-data entities in full,
    the others counted, so memory follows the gaps rather than the size of the inventory."""
    from itscm_audit.rules import RULES, RuleContext

    assert isinstance(ctx, RuleContext)
    ids = sorted(RULES) if rule_ids is None else list(rule_ids)
    return tuple(RULES[r].evaluate(ctx).lean() for r in ids)


def assess(
    workspace: str | Path,
    as_of: date | None = None,
    frameworks: Sequence[str] | None = None,
    *,
    today: Callable[[], date] = date.today,
    timer: StageTimer | None = None,
) -> AssessmentResult:
    """Assess a workspace and return the immutable result.

    ``as_of`` defaults to ``as_of`` in itscm.yaml, then to ``today()`` (the only clock read, injected).
    ``frameworks`` defaults to the frameworks in scope in itscm.yaml. The cyclic garbage collector is
    paused meanwhile (``gcpause``).
    """
    with paused_gc():
        return _assess(Path(workspace), as_of, frameworks, today, timer or StageTimer())


def _assess(root: Path, as_of: date | None, frameworks: Sequence[str] | None, today: Callable[[], date],
            timer: StageTimer) -> AssessmentResult:
    from itscm_audit.asof import attestations_at, known_at
    from itscm_audit.attestations import check_targets, read_attestations
    from itscm_audit.evidence import load_evidence
    from itscm_audit.importers import import_sources
    from itscm_audit.registers import imported_registers
    from itscm_audit.rules import RuleContext
    from itscm_audit.rules.facts import decide_facts

    with timer.stage("config"):
        config, config_digest = read_config(root)
        as_of = as_of or config.as_of or today()
        if date_problem(as_of) is not None:
            raise UsageError(f"as-of date {date_problem(as_of)}", hint="give a date such as 2026-12-31")
        fw_ids = tuple(dict.fromkeys(frameworks)) if frameworks else config.frameworks
    with timer.stage("catalogues"):
        catalogues = load_catalogues(root, config)
        shipped = {c.framework.id for c in catalogues.catalogues}
        unknown = [f for f in fw_ids if f not in shipped]
        if unknown:
            raise UsageError(f"unknown framework id(s): {', '.join(unknown)}",
                             hint=f"known: {', '.join(sorted(shipped))}")
    with timer.stage("import"):
        imported = import_sources(root, config, as_of=as_of)
        known = known_at(imported.data, as_of)  # what was true on the as-of date, and what was left out
        registers = imported_registers(imported)  # a register given but empty at as-of is still given
    with timer.stage("evidence"):
        evidence = load_evidence(root, as_of, config.policy)
        attestations, att_issues, att_digest = read_attestations(root)
        attestations, late = attestations_at(attestations, as_of)
        att_issues = (*att_issues, *late)
        attestations, unknown_targets = check_targets(
            attestations, {f"{c.framework.id}:{r.id}" for c in catalogues.catalogues for r in c.requirements},
            {o.id for o in catalogues.objectives})
        att_issues = (*att_issues, *unknown_targets)
    with timer.stage("rules"):
        ctx = RuleContext(data=known.data, as_of=as_of, policy=config.policy, config=config,
                          evidence=evidence, registers=registers)
        checks = run_rules(ctx)
    with timer.stage("facts"):
        facts = decide_facts(ctx)
    with timer.stage("objectives"):
        objectives = evaluate_objectives(catalogues.objectives, checks, evidence.statuses, attestations)
    with timer.stage("requirements"):
        jurisdictions = config.organisation.jurisdictions
        requirements = evaluate_requirements(catalogues, fw_ids, objectives, checks, evidence.statuses,
                                             attestations, known.data, jurisdictions,
                                             config.organisation.sector)
        summaries = summarise(catalogues, fw_ids, requirements)
        critical = {s.service_id for s in facts.services if s.critical}
        remediation = prioritise(catalogues, objectives, requirements, checks, critical)
    digests = dict(sorted({**imported.digests, **evidence.digests, **att_digest,
                           CONFIG_NAME: config_digest}.items()))
    label = quarter_label(as_of)
    run = RunInfo(
        tool_version=__version__,
        run_id=run_identity(digests, as_of, fw_ids, redacted=False),
        label=label,
        as_of=as_of,
        organisation=config.organisation.name,
        scope=config.scope.description,
        frameworks=fw_ids,
        catalogue_versions={c.framework.id: c.framework.version for c in catalogues.catalogues
                            if c.framework.id in fw_ids},
        input_digests=digests,
        policy=config.policy.model_dump(mode="json"),
    )
    issues: tuple[DataIssue, ...] = (*imported.issues, *known.issues, *evidence.issues, *att_issues)
    accounts: tuple[TableAccount, ...] = imported.accounts
    return AssessmentResult(
        run=run, facts=facts, data=known.data, issues=issues, accounts=accounts, checks=checks,
        evidence=evidence.statuses, attestations=attestations, objectives=objectives,
        requirements=requirements, frameworks=summaries, remediation=remediation,
    )
