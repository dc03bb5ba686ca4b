"""``itscm-audit evidence add|list|verify`` end to end on a small workspace."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from itscm_audit.cli import main
from itscm_audit.errors import ExitCode


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "evidence" / "exercises").mkdir(parents=True)
    (root / "evidence" / "exercises" / "EX-1.md").write_text("# EX-1 report\n", encoding="utf-8")
    (root / "itscm.yaml").write_text("organisation: {name: T}\nas_of: 2026-09-30\n"
                                     "policy: {evidence_ttl_days: {post_exercise_report: 100}}\n", encoding="utf-8")
    return root


def test_add_list_verify_and_tamper(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    runner = CliRunner()
    added = runner.invoke(main, ["evidence", "add", str(root), "exercises/EX-1.md", "--type", "post_exercise_report",
                                 "--collected", "2026-04-02", "--exercise", "EX-1", "--service", "SVC-4"])
    assert added.exit_code == 0, added.output
    assert "Recorded evidence/exercises/EX-1.md (post_exercise_report, collected 2026-04-02" in added.output

    listed = runner.invoke(main, ["evidence", "list", str(root), "--json"])
    assert listed.exit_code == 0, listed.output
    payload = json.loads(listed.output)
    assert payload["as_of"] == "2026-09-30"  # from itscm.yaml
    assert [(i["path"], i["state"], i["expires"]) for i in payload["items"]] == [
        ("evidence/exercises/EX-1.md", "stale", "2026-07-11")]  # the workspace policy's TTL of 100 days
    early = runner.invoke(main, ["evidence", "list", str(root), "--as-of", "2026-05-01"])
    assert early.exit_code == 0 and early.output.startswith("fresh")

    ok = runner.invoke(main, ["evidence", "verify", str(root)])
    assert ok.exit_code == 0, ok.output
    assert "1 item(s) checked: all present and unchanged" in ok.output

    (root / "evidence" / "exercises" / "EX-1.md").write_text("# EX-1 report (edited)\n", encoding="utf-8")
    (root / "evidence" / "exercises" / "extra.md").write_text("new\n", encoding="utf-8")
    bad = runner.invoke(main, ["evidence", "verify", str(root), "--json"])
    assert bad.exit_code == ExitCode.VERIFY_FAILED
    report = json.loads(bad.output)
    assert report["changed"] == ["exercises/EX-1.md"] and report["unlisted"] == ["exercises/extra.md"]
    assert report["ok"] is False


def test_add_errors_are_one_line_with_exit_code(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    outside = tmp_path / "outside.md"
    outside.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["evidence", "add", str(root), str(outside), "--type", "bia_report"])
    assert result.exit_code == ExitCode.INPUT
    assert "not inside the evidence locker" in result.output
    assert "Traceback" not in result.output
    unknown = CliRunner().invoke(main, ["evidence", "add", str(root), "exercises/EX-1.md", "--type", "memo"])
    assert unknown.exit_code == ExitCode.INPUT and "unknown evidence type 'memo'" in unknown.output


def test_tampering_in_the_example_downgrades_what_relies_on_it(workspace_copy: Path) -> None:
    from itscm_audit.pipeline import assess
    from itscm_audit.result import EvidenceState, Status
    from itscm_audit.status import downgrade

    before = assess(workspace_copy)
    relied = {p for o in before.objectives for p in o.evidence}
    fresh = [e for e in before.evidence if e.state == EvidenceState.FRESH and e.item.path in relied]
    assert fresh, "the example must have fresh evidence that some objective relies on"
    target = fresh[0].item.path
    with (workspace_copy / "evidence" / target).open("a", encoding="utf-8") as fh:
        fh.write("\nedited after collection\n")
    verify = CliRunner().invoke(main, ["evidence", "verify", str(workspace_copy)])
    assert verify.exit_code == ExitCode.VERIFY_FAILED and f"changed: evidence/{target}" in verify.output
    after = assess(workspace_copy)
    affected = [o for o in after.objectives if target in o.evidence]
    assert affected and all(f"evidence/{target} changed since" in o.rationale for o in affected)
    was = {o.objective_id: o.status for o in before.objectives}
    for o in affected:
        if was[o.objective_id] == Status.MET:
            assert o.status == downgrade(was[o.objective_id]) and "downgraded from" in o.rationale
    assert after.check("evidence.current").outcome.value in ("partial", "fail")
    assert before.run.input_digests[f"evidence/{target}"] != after.run.input_digests[f"evidence/{target}"]


def test_add_without_collected_says_which_date_it_used_and_whether_it_counts(tmp_path: Path) -> None:
    import os
    from datetime import datetime

    root = _workspace(tmp_path)
    report = root / "evidence" / "exercises" / "EX-1.md"
    os.utime(report, (datetime(2026, 10, 5, 12).timestamp(), datetime(2026, 10, 5, 12).timestamp()))
    runner = CliRunner()
    added = runner.invoke(main, ["evidence", "add", str(root), "exercises/EX-1.md", "--type", "post_exercise_report"])
    assert added.exit_code == 0, added.output
    lines = added.output.splitlines()
    assert lines[1] == ("collected 2026-10-05: the file's last-modified date, as --collected was not given (give "
                        "--collected YYYY-MM-DD for the day it was really collected)")
    assert lines[2] == ("note: collected after the workspace's as-of date 2026-09-30 (itscm.yaml): it does not count "
                        "as current evidence for an assessment as of 2026-09-30")
    listed = json.loads(runner.invoke(main, ["evidence", "list", str(root), "--json"]).output)
    assert listed["items"] == []  # not known on the as-of date
    assert "collected after 2026-09-30 was not considered" in listed["issues"][0]["message"]

    given = runner.invoke(main, ["evidence", "add", str(root), "exercises/EX-1.md", "--type", "post_exercise_report",
                                 "--collected", "2026-09-01"])
    assert given.exit_code == 0 and len(given.output.splitlines()) == 1
