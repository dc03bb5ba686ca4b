"""The workspace settings file ``itscm.yaml``: organisation, scope, frameworks, policy and sources.

Validated by pydantic; every mistake is reported with its line in the YAML file, all at once, so the
officer fixes the file in one pass.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path, PureWindowsPath
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from itscm_audit.errors import WorkspaceError
from itscm_audit.periods import MAX_TTL_DAYS, bounded_date

CONFIG_NAME = "itscm.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(_Strict):
    name: str
    sector: str | None = None
    jurisdictions: tuple[str, ...] = ()
    """Where the organisation operates, e.g. ``EU``, ``CA``, ``CA-QC``, ``CA-ON``, ``US``."""


class Scope(_Strict):
    description: str | None = None
    services: Literal["all"] | tuple[str, ...] = "all"
    exclusions: tuple[str, ...] = ()
    """Out-of-scope service ids, each explained in ``exclusion_justification``."""
    exclusion_justification: str | None = None


class NotificationClocks(_Strict):
    """Legal clocks, in hours from awareness unless said otherwise; bounded (ten years at most) so a
    typing mistake is a located error, not an overflow."""

    gdpr_regulator_hours: float = Field(72, ge=0, le=87_600, allow_inf_nan=False)
    dora_initial_hours_after_classification: float = Field(4, ge=0, le=87_600, allow_inf_nan=False)
    dora_initial_hours_after_awareness: float = Field(24, ge=0, le=87_600, allow_inf_nan=False)
    dora_intermediate_hours: float = Field(72, ge=0, le=87_600, allow_inf_nan=False)
    dora_final_months: int = Field(1, ge=1, le=12)
    """DORA final report: calendar months after the latest intermediate report (RTS 2025/301 Art. 5(1)(c))."""
    dora_final_days: float | None = Field(None, ge=0, le=3_660, allow_inf_nan=False)
    """Older setting kept for existing workspaces: when given, the final report is due this many days after
    the latest intermediate report instead of ``dora_final_months`` calendar months."""
    pipeda_record_months: int = Field(24, ge=0, le=1_200)
    pipeda_feasible_hours: float = Field(72, ge=0, le=87_600, allow_inf_nan=False)
    """PIPEDA says "as soon as feasible": the hours after which we flag the delay for review."""
    law25_prompt_hours: float = Field(72, ge=0, le=87_600, allow_inf_nan=False)
    """Quebec Law 25 says "promptly": the hours after which we flag the delay for review."""
    hipaa_individuals_days: float = Field(60, ge=0, le=3_660, allow_inf_nan=False)


class Policy(_Strict):
    """The officer's parameters, with defaults a careful auditor would accept."""

    critical_tiers: tuple[int, ...] = (1, 2)
    exercise_window_months: int = Field(12, ge=1, le=60)
    plan_review_months: int = Field(12, ge=1, le=60)
    bia_review_months: int = Field(12, ge=1, le=60)
    """How often each service's business impact analysis is reviewed (ISO 22301 8.2.2: planned intervals)."""
    contact_verification_months: int = Field(6, ge=1, le=60)
    training_interval_months: int = Field(12, ge=1, le=60)
    restore_test_window_months: int = Field(12, ge=1, le=60)
    backup_period_days: int = Field(90, ge=1, le=3660)
    """How far back from as-of the backup-gap rule looks."""
    corrective_action_grace_days: int = Field(0, ge=0, le=365)
    partial_threshold: float = Field(0.8, ge=0, le=1)
    """A rule with at least this share of compliant entities is 'partially met' rather than 'not met'."""
    evidence_ttl_days: dict[str, Annotated[int, Field(ge=1, le=MAX_TTL_DAYS)]] = Field(default_factory=dict)
    """Overrides of the evidence types' time-to-live, by evidence type id."""
    notification_clocks: NotificationClocks = NotificationClocks()
    date_order: Literal["auto", "dmy", "mdy"] = "auto"
    """How to read ambiguous dates such as 06/07/2025 in the organisation's files."""


class Source(_Strict):
    """One spreadsheet (or CSV) under ``data/``; entity, sheet and column mapping are detected unless given."""

    path: str
    entity: str | None = None
    sheet: str | None = None
    columns: dict[str, str | None] = Field(default_factory=dict)
    """The officer's own column mapping: header as written (or column letter) -> model field, e.g.
    ``"PII (Y/N)": personal_data``, ``"Issues Found": finding.description``; empty keeps the column as an
    extra attribute. Detection never overrides it."""


def _relative_inside(path: str, what: str) -> None:
    """Paths in itscm.yaml are relative to the workspace and never climb out of it (checked again on
    disk, symlinks followed, when the file is read)."""
    parts = PureWindowsPath(path).parts
    if Path(path).is_absolute() or PureWindowsPath(path).is_absolute() or ".." in parts:
        raise ValueError(f"{what} path {path!r} must stay inside the workspace (relative, without '..')")


class WorkspaceConfig(_Strict):
    organisation: Organisation
    scope: Scope = Scope()
    frameworks: tuple[str, ...] = ("iso22301",)
    as_of: date | None = None
    policy: Policy = Policy()
    sources: tuple[Source, ...] = ()
    vocabularies: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Extra vocabulary entries by table (``tier``, ``exercise_type``...): raw text -> canonical value."""
    catalogues: tuple[str, ...] = ()
    """Extra catalogue or crosswalk files of the organisation, relative to the workspace."""

    @field_validator("as_of")
    @classmethod
    def _plausible_as_of(cls, value: date | None) -> date | None:
        return None if value is None else bounded_date(value)

    @field_validator("catalogues")
    @classmethod
    def _catalogues_inside(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for path in value:
            _relative_inside(path, "catalogue")
        return value

    @field_validator("sources")
    @classmethod
    def _no_escape(cls, value: tuple[Source, ...]) -> tuple[Source, ...]:
        for source in value:
            _relative_inside(source.path, "source")
        return value


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a 1-based line number."""
    line = None if node is None else node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = None
            for k, v in node.value:
                if k.value == key:
                    found = v
                    line = k.start_mark.line + 1
                    break
            if found is None:
                return line
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def parse_config(text: str, path: Path) -> WorkspaceConfig:
    """Validate the text of an itscm.yaml, raising one error that lists every mistake with its line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise WorkspaceError(f"not valid YAML: {problem}", location=where) from None
    if not isinstance(data, dict):
        raise WorkspaceError(
            "expected a mapping with at least 'organisation: {name: ...}'",
            location=f"{path}:1",
            hint="run 'itscm-audit init DIR' to see a complete example",
        )
    try:
        return WorkspaceConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            line = _line_of(node, loc)
            dotted = ".".join(str(p) for p in loc) or "(top level)"
            where = f"line {line}" if line else "?"
            problems.append(f"{where} {dotted}: {err['msg'].removeprefix('Value error, ')}")
        raise WorkspaceError(
            f"{len(problems)} problem(s): " + "; ".join(problems), location=str(path)
        ) from None


def read_config(root: Path) -> tuple[WorkspaceConfig, str]:
    """Read ``root/itscm.yaml`` once: the validated settings and the SHA-256 of the file's bytes.

    A missing folder or file is a located error, not a traceback.
    """
    import hashlib

    if not root.exists():
        raise WorkspaceError("workspace folder does not exist", location=str(root),
                             hint="create one with 'itscm-audit init DIR'")
    if not root.is_dir():
        raise WorkspaceError("workspace must be a folder", location=str(root))
    path = root / CONFIG_NAME
    if not path.is_file():
        raise WorkspaceError(f"no {CONFIG_NAME} in the workspace", location=str(root),
                             hint="create one with 'itscm-audit init DIR'")
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise WorkspaceError(f"cannot read: {exc.strerror}", location=str(path)) from None
    except UnicodeDecodeError as exc:
        raise WorkspaceError(f"not UTF-8 text (byte {exc.start})", location=str(path),
                             hint="save the file as UTF-8") from None
    return parse_config(text, path), hashlib.sha256(raw).hexdigest()


def load_config(root: Path) -> WorkspaceConfig:
    """The validated settings of the workspace at ``root``."""
    return read_config(root)[0]
