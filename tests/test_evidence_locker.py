"""The evidence locker: add, hash, freshness, tampering, escapes, and the downgrade of statuses."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from itscm_audit.catalog import Objective
from itscm_audit.config import Organisation, Policy, WorkspaceConfig
from itscm_audit.errors import EvidenceError
from itscm_audit.evidence import (
    MANIFEST,
    add_evidence,
    load_evidence,
    load_evidence_types,
    sha256_file,
    verify_evidence,
)
from itscm_audit.model import OrgData, PlanDocument, SourceRef
from itscm_audit.result import EvidenceState, Outcome, Status
from itscm_audit.rules import RULES, RuleContext
from itscm_audit.status import evaluate_objectives

AS_OF = date(2026, 9, 30)


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "evidence" / "plans").mkdir(parents=True)
    (root / "evidence" / "exercises").mkdir()
    (root / "evidence" / "plans" / "itsc-plan.md").write_text("# ITSC plan v3\napproved\n", encoding="utf-8")
    (root / "evidence" / "exercises" / "EX-1.md").write_text("# EX-1 report\n", encoding="utf-8")
    return root


def test_shipped_types_have_ttl_and_description() -> None:
    types = load_evidence_types()
    assert {"post_exercise_report", "bc_policy", "bia_report", "continuity_plan", "recovery_procedure",
            "call_tree_export", "backup_report", "restore_test_report", "training_record",
            "vendor_bc_attestation", "breach_register", "regulator_notification", "management_review_minutes",
            "internal_audit_report", "risk_assessment"} == set(types)
    assert all(t.ttl_days >= 1 and t.title and t.description for t in types.values())


def test_add_records_hash_and_links_then_loads_fresh(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    item = add_evidence(root, root / "evidence" / "exercises" / "EX-1.md", "post_exercise_report",
                        date(2026, 4, 2), services=("SVC-4",), exercises=("EX-1",))
    add_evidence(root, Path("plans/itsc-plan.md"), "continuity_plan", date(2026, 1, 10), ttl_days=30)
    assert item.path == "exercises/EX-1.md"
    assert item.sha256 == sha256_file(root / "evidence" / "exercises" / "EX-1.md")
    text = (root / MANIFEST).read_text(encoding="utf-8")
    assert "path: exercises/EX-1.md" in text and "ttl_days: 30" in text
    assert not [p for p in (root / "evidence").iterdir() if p.name.endswith(".tmp")]
    index = load_evidence(root, AS_OF, Policy())
    assert not index.issues
    ex = index.by_path("evidence/exercises/EX-1.md")
    assert ex is not None and ex.state == EvidenceState.FRESH
    assert ex.message == "evidence/exercises/EX-1.md fresh until 2027-05-07 (TTL 400 days)"
    assert index.for_exercise("EX-1") == (ex,) and index.for_service("SVC-4") == (ex,)
    plan = index.of_type("continuity_plan")[0]
    assert plan.state == EvidenceState.STALE  # the item's own 30-day TTL wins over the type's 400
    assert plan.message == "evidence/plans/itsc-plan.md stale since 2026-02-09 (TTL 30 days)"
    assert set(index.digests) == {MANIFEST, "evidence/exercises/EX-1.md", "evidence/plans/itsc-plan.md"}
    # re-adding replaces the entry instead of duplicating it
    add_evidence(root, Path("plans/itsc-plan.md"), "continuity_plan", date(2026, 9, 1))
    again = load_evidence(root, AS_OF, Policy())
    assert len(again.statuses) == 2 and again.of_type("continuity_plan")[0].state == EvidenceState.FRESH


def test_policy_ttl_override(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    add_evidence(root, Path("exercises/EX-1.md"), "post_exercise_report", date(2026, 4, 2))
    index = load_evidence(root, AS_OF, Policy(evidence_ttl_days={"post_exercise_report": 90}))
    status = index.statuses[0]
    assert status.state == EvidenceState.STALE and status.expires == date(2026, 7, 1)
    assert "stale since 2026-07-01 (TTL 90 days)" in status.message


def test_modified_file_fails_verify_and_downgrades_the_objective(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    add_evidence(root, Path("plans/itsc-plan.md"), "continuity_plan", date(2026, 9, 1))
    add_evidence(root, Path("exercises/EX-1.md"), "post_exercise_report", date(2026, 4, 2))
    assert verify_evidence(root).ok
    data = OrgData(plan_documents=(PlanDocument(id="P1", title="ITSC plan", owner="CIO", approved_by="CEO",
                                                approved=date(2026, 9, 1), source=SourceRef(file="t.xlsx", row=2)),))
    config = WorkspaceConfig(organisation=Organisation(name="T"))
    objective = Objective(id="OBJ-PLANS", title="Plans approved", description="d", rules=("plan.approved",),
                          evidence_types=("continuity_plan",))

    def assess() -> tuple[Status, str, Outcome]:
        index = load_evidence(root, AS_OF, Policy())
        ctx = RuleContext(data=data, as_of=AS_OF, policy=Policy(), config=config, evidence=index)
        checks = [RULES["plan.approved"].evaluate(ctx), RULES["evidence.current"].evaluate(ctx)]
        status = evaluate_objectives([objective], checks, index.statuses, [])[0]
        return status.status, status.rationale, checks[1].outcome

    assert assess()[0] == Status.MET
    (root / "evidence" / "plans" / "itsc-plan.md").write_text("# ITSC plan v3\nedited after approval\n",
                                                              encoding="utf-8")
    report = verify_evidence(root)
    assert not report.ok and report.changed == ("plans/itsc-plan.md",)
    status, rationale, evidence_outcome = assess()
    assert status == Status.PARTIALLY_MET
    assert "evidence/plans/itsc-plan.md changed since it was collected on 2026-09-01" in rationale
    assert "downgraded from met" in rationale
    assert evidence_outcome == Outcome.FAIL


def test_verify_reports_missing_and_unlisted(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    add_evidence(root, Path("exercises/EX-1.md"), "post_exercise_report", date(2026, 4, 2))
    (root / "evidence" / "exercises" / "EX-1.md").unlink()
    (root / "evidence" / ".keep").write_text("", encoding="utf-8")
    report = verify_evidence(root)
    assert report.missing == ("exercises/EX-1.md",)
    assert report.unlisted == ("plans/itsc-plan.md",)
    assert report.lines() == ["missing: evidence/exercises/EX-1.md", "unlisted: evidence/plans/itsc-plan.md"]
    status = load_evidence(root, AS_OF, Policy()).statuses[0]
    assert status.state == EvidenceState.MISSING
    assert status.message == ("evidence/exercises/EX-1.md missing: listed in the manifest (collected 2026-04-02)"
                              " but not found")


def _manifest(root: Path, body: str) -> None:
    (root / MANIFEST).write_text(body, encoding="utf-8")


def test_manifest_paths_cannot_escape(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", root / "evidence" / "link.txt")
    sha = "a" * 64
    _manifest(root, "items:\n"
              f"  - {{path: ../secret.txt, sha256: {sha}, type: bia_report, collected: 2026-01-01}}\n"
              f"  - {{path: /etc/passwd, sha256: {sha}, type: bia_report, collected: 2026-01-01}}\n"
              f"  - {{path: link.txt, sha256: {sha}, type: bia_report, collected: 2026-01-01}}\n"
              f"  - {{path: plans/itsc-plan.md, sha256: {sha}, type: no_such_type, collected: 2026-01-01}}\n")
    index = load_evidence(root, AS_OF, Policy())
    assert [s.item.path for s in index.statuses] == ["plans/itsc-plan.md"]
    codes = [(i.code, i.source.row) for i in index.issues]
    assert codes == [("evidence.invalid_item", 2), ("evidence.invalid_item", 3), ("evidence.escape", 4),
                     ("evidence.unknown_type", 5)]
    assert "climbs out of evidence/" in index.issues[0].message
    assert "absolute path" in index.issues[1].message
    assert "evidence/secret.txt" not in index.digests and "evidence/link.txt" not in index.digests
    report = verify_evidence(root)
    assert not report.ok and "link.txt" in report.rejected


def test_add_refuses_files_outside_the_locker(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", root / "evidence" / "link.txt")
    with pytest.raises(EvidenceError, match="not inside the evidence locker"):
        add_evidence(root, tmp_path / "secret.txt", "bia_report", AS_OF)
    with pytest.raises(EvidenceError, match="outside the workspace"):
        add_evidence(root, root / "evidence" / "link.txt", "bia_report", AS_OF)
    with pytest.raises(EvidenceError, match="unknown evidence type 'pdf'") as err:
        add_evidence(root, Path("exercises/EX-1.md"), "pdf", AS_OF)
    assert err.value.hint is not None and "post_exercise_report" in err.value.hint
    assert not (root / MANIFEST).exists()


def test_broken_manifest_is_a_located_error(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    _manifest(root, "items:\n  - path: a.md\n   sha256: [\n")
    with pytest.raises(EvidenceError) as err:
        load_evidence(root, AS_OF, Policy())
    assert err.value.location is not None and "manifest.yaml:" in err.value.location
    _manifest(root, "- just a list\n")
    with pytest.raises(EvidenceError, match="'items:'"):
        verify_evidence(root)
    # and add_evidence does not overwrite a manifest it cannot read
    with pytest.raises(EvidenceError):
        add_evidence(root, Path("exercises/EX-1.md"), "post_exercise_report", AS_OF)
    assert (root / MANIFEST).read_text(encoding="utf-8") == "- just a list\n"


def test_no_manifest_is_an_empty_locker(tmp_path: Path) -> None:
    index = load_evidence(_workspace(tmp_path), AS_OF, Policy())
    assert index.statuses == () and index.issues == () and index.digests == {}
    ctx = RuleContext(data=OrgData(), as_of=AS_OF, policy=Policy(),
                      config=WorkspaceConfig(organisation=Organisation(name="T")), evidence=index)
    assert RULES["evidence.current"].evaluate(ctx).outcome == Outcome.NO_DATA
