"""itscm.yaml validation: every mistake located by line, all reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from itscm_audit.config import load_config, parse_config, read_config
from itscm_audit.errors import WorkspaceError

GOOD = """\
organisation:
  name: Acme
  jurisdictions: [EU]
frameworks: [iso22301]
as_of: 2026-09-30
policy:
  exercise_window_months: 12
sources:
  - path: data/services.xlsx
    entity: service
"""


def test_valid_config_has_defaults() -> None:
    cfg = parse_config(GOOD, Path("itscm.yaml"))
    assert cfg.organisation.name == "Acme"
    assert cfg.policy.plan_review_months == 12
    assert cfg.policy.critical_tiers == (1, 2)
    assert cfg.policy.notification_clocks.gdpr_regulator_hours == 72
    assert cfg.sources[0].entity == "service"


def test_every_mistake_is_reported_with_its_line() -> None:
    text = GOOD.replace("exercise_window_months: 12", "exercise_window_months: -3").replace(
        "frameworks: [iso22301]", "frameworks: [iso22301]\nunknown_key: 1")
    with pytest.raises(WorkspaceError) as info:
        parse_config(text, Path("ws/itscm.yaml"))
    msg = info.value.one_line()
    assert msg.startswith("ws/itscm.yaml: 2 problem(s)")
    assert "line 8 policy.exercise_window_months" in msg
    assert "line 5 unknown_key" in msg
    assert "\n" not in msg


def test_yaml_syntax_error_is_located() -> None:
    with pytest.raises(WorkspaceError) as info:
        parse_config("organisation:\n  name: [unclosed\n", Path("itscm.yaml"))
    assert info.value.location is not None and info.value.location.startswith("itscm.yaml:")


def test_not_a_mapping() -> None:
    with pytest.raises(WorkspaceError, match="expected a mapping"):
        parse_config("- a\n- b\n", Path("itscm.yaml"))


def test_source_cannot_escape_workspace() -> None:
    text = GOOD.replace("data/services.xlsx", "../secrets.xlsx")
    with pytest.raises(WorkspaceError, match="must stay inside the workspace"):
        parse_config(text, Path("itscm.yaml"))


def test_missing_workspace_and_file(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="does not exist"):
        load_config(tmp_path / "nope")
    with pytest.raises(WorkspaceError, match="no itscm.yaml"):
        load_config(tmp_path)


def test_read_config_digest_is_of_the_bytes(tmp_path: Path) -> None:
    import hashlib

    (tmp_path / "itscm.yaml").write_text(GOOD, encoding="utf-8")
    cfg, digest = read_config(tmp_path)
    assert digest == hashlib.sha256(GOOD.encode()).hexdigest()
    assert cfg.as_of is not None and cfg.as_of.isoformat() == "2026-09-30"


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "itscm.yaml").write_bytes(b"organisation:\n  name: \xff\xfe\n")
    with pytest.raises(WorkspaceError, match="not UTF-8"):
        load_config(tmp_path)
