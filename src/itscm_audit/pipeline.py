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
from itscm_audit.errors import UsageError
from itscm_audit.model import DataIssue
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


def load_catalogues(root: Path | None, config: WorkspaceConfig | None) -> CatalogueSet:
    """Shipped catalogues plus the workspace's own (``catalogues:`` in itscm.yaml)."""
    from itscm_audit.rules import RULES

    extra = [root / p for p in config.catalogues] if (root is not None and config is not None) else []
    return load_catalogue_set([frameworks_dir()], extra, known_rules=set(RULES))


def run_rules(ctx: object, rule_ids: Sequence[str] | None = None) -> tuple[CheckResult, ...]:
    from itscm_audit.rules import RULES, RuleContext

    assert isinstance(ctx, RuleContext)
    ids = sorted(RULES) if rule_ids is None else list(rule_ids)
    return tuple(RULES[r].evaluate(ctx) for r in ids)


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
    ``frameworks`` defaults to the frameworks in scope in itscm.yaml.
    """
    from itscm_audit.attestations import read_attestations
    from itscm_audit.evidence import load_evidence
    from itscm_audit.importers import import_sources
    from itscm_audit.rules import RuleContext

    root = Path(workspace)
    timer = timer or StageTimer()
    with timer.stage("config"):
        config, config_digest = read_config(root)
        as_of = as_of or config.as_of or today()
        fw_ids = tuple(frameworks) if frameworks else config.frameworks
    with timer.stage("catalogues"):
        catalogues = load_catalogues(root, config)
        known = {c.framework.id for c in catalogues.catalogues}
        unknown = [f for f in fw_ids if f not in known]
        if unknown:
            raise UsageError(f"unknown framework id(s): {', '.join(unknown)}",
                             hint=f"known: {', '.join(sorted(known))}")
    with timer.stage("import"):
        imported = import_sources(root, config, as_of=as_of)
    with timer.stage("evidence"):
        evidence = load_evidence(root, as_of, config.policy)
        attestations, att_issues, att_digest = read_attestations(root)
    with timer.stage("rules"):
        ctx = RuleContext(data=imported.data, as_of=as_of, policy=config.policy, config=config,
                          evidence=evidence)
        checks = run_rules(ctx)
    with timer.stage("objectives"):
        objectives = evaluate_objectives(catalogues.objectives, checks, evidence.statuses, attestations)
    with timer.stage("requirements"):
        jurisdictions = config.organisation.jurisdictions
        requirements = evaluate_requirements(catalogues, fw_ids, objectives, checks, evidence.statuses,
                                             attestations, imported.data, jurisdictions,
                                             config.organisation.sector)
        summaries = summarise(catalogues, fw_ids, requirements)
        critical = {s.id for s in imported.data.services if s.tier in config.policy.critical_tiers}
        remediation = prioritise(catalogues, objectives, requirements, checks, critical)
    digests = dict(sorted({**imported.digests, **evidence.digests, **att_digest,
                           CONFIG_NAME: config_digest}.items()))
    run_digest = hashlib.sha256(
        "\n".join(f"{k} {v}" for k, v in digests.items()).encode() + as_of.isoformat().encode()
    ).hexdigest()
    label = quarter_label(as_of)
    run = RunInfo(
        tool_version=__version__,
        run_id=f"{as_of.isoformat()}-{run_digest[:8]}",
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
    issues: tuple[DataIssue, ...] = (*imported.issues, *evidence.issues, *att_issues)
    accounts: tuple[TableAccount, ...] = imported.accounts
    return AssessmentResult(
        run=run, data=imported.data, issues=issues, accounts=accounts, checks=checks,
        evidence=evidence.statuses, attestations=attestations, objectives=objectives,
        requirements=requirements, frameworks=summaries, remediation=remediation,
    )
