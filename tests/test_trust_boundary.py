"""Issue 13, case 1: bad input ends in one located line and exit 2, 3 or 4, never exit 70."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_script import trust
from trust_support import cli, one_line_error


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return trust.small_workspace(tmp_path / "ws")


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
def test_as_of_outside_the_calendar_is_a_usage_error(ws: Path, as_of: str) -> None:
    ran = cli("assess", ws, "--as-of", as_of, "--no-history")
    assert ran.code == 2
    assert f"{as_of} is outside the dates itscm-audit accepts (1900-01-01 to 2199-12-31)" in ran.stderr


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
def test_as_of_in_itscm_yaml_is_located_at_its_line(ws: Path, as_of: str) -> None:
    config = ws / "itscm.yaml"
    config.write_text(config.read_text().replace("as_of: 2026-09-30", f"as_of: {as_of}"))
    ran = cli("assess", ws, "--no-history")
    assert ran.code == 3
    line = one_line_error(ran)
    assert "itscm.yaml" in line and "line 4 as_of" in line and as_of in line


@pytest.mark.parametrize("policy", ["evidence_ttl_days: {continuity_plan: 1000000000}",
                                    "notification_clocks: {gdpr_regulator_hours: 1e300}",
                                    "notification_clocks: {dora_final_days: .nan}"])
def test_policy_values_that_would_overflow_are_refused(ws: Path, policy: str) -> None:
    with (ws / "itscm.yaml").open("a") as fh:
        fh.write(f"policy:\n  {policy}\n")
    ran = cli("assess", ws, "--no-history")
    assert ran.code == 3
    assert "itscm.yaml" in one_line_error(ran) and "policy." in ran.stderr


def test_evidence_add_refuses_far_dates_and_ttls(ws: Path) -> None:
    collected = cli("evidence", "add", ws, "evidence/plan.md", "--type", "continuity_plan",
                    "--collected", "9999-12-31")
    assert collected.code == 2 and "9999-12-31 is outside" in collected.stderr
    ttl = cli("evidence", "add", ws, "evidence/plan.md", "--type", "continuity_plan", "--collected", "2026-01-01",
              "--ttl-days", "1000000000")
    assert ttl.code == 2 and "1<=x<=36525" in ttl.stderr
    assert not (ws / "evidence" / "manifest.yaml").exists()


def test_a_manifest_edited_by_hand_with_far_values_is_read_with_located_issues(ws: Path) -> None:
    digest = "0" * 64
    (ws / "evidence" / "manifest.yaml").write_text(
        "items:\n"
        f"  - {{path: plan.md, sha256: '{digest}', type: continuity_plan, collected: 9999-12-31}}\n"
        f"  - {{path: plan.md, sha256: '{digest}', type: continuity_plan, collected: 2026-01-01,"
        " ttl_days: 1000000000}\n")
    listed = cli("evidence", "list", ws, "--json")
    assert listed.code == 0
    assert "collected" in listed.stdout and "ttl_days" in listed.stdout and "evidence.invalid_item" in listed.stdout
    assert cli("assess", ws, "--no-history").code == 0


def test_out_at_an_existing_file_is_a_usage_error(ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("keep me")
    ran = cli("assess", ws, "--no-history", "--out", target)
    assert ran.code == 2 and f"{target}: --out is a file" in one_line_error(ran)
    assert target.read_text() == "keep me"


def test_unwritable_output_folder_is_an_input_error_naming_it(ws: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Root ignores permissions, so the refusal of the disk is simulated where the pack folder is made."""
    from itscm_audit import reporters

    locked_dir = tmp_path / "read-only"

    def refuse(out_dir: Path) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied", str(locked_dir))

    monkeypatch.setattr(reporters, "_staging_folder", refuse)
    ran = cli("assess", ws, "--no-history", "--out", locked_dir / "q3")
    assert ran.code == 3
    assert one_line_error(ran) == (f"error: {locked_dir}: Permission denied (check the folder's permissions)")


def test_read_only_workspace_is_an_input_error(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workspace on a read-only disk: creating reports/ fails with EROFS."""
    from itscm_audit import reporters

    def refuse(out_dir: Path) -> Path:
        raise OSError(errno.EROFS, "Read-only file system", str(out_dir.parent))

    monkeypatch.setattr(reporters, "_staging_folder", refuse)
    ran = cli("assess", ws)
    assert ran.code == 3
    assert "Read-only file system (the disk is read-only: write somewhere else (e.g. --out))" in ran.stderr


def _stdout_closed(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the command with its stdout already closed by the reader, as ``| head -0`` (or a reader that
    died) leaves it: every write meets a broken pipe."""
    proc = subprocess.Popen([sys.executable, "-m", "itscm_audit", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    code = proc.wait(timeout=120)
    return subprocess.CompletedProcess(args, code, "", err)


@pytest.mark.parametrize("args", [["frameworks", "list"], ["schema"], ["frameworks", "show", "iso22301"]])
def test_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    done = _stdout_closed(args)
    assert (done.returncode, done.stderr) == (0, "")


def test_a_closed_pipe_keeps_the_assessment_and_its_gate(ws: Path, tmp_path: Path) -> None:
    done = _stdout_closed(["assess", str(ws), "--out", str(tmp_path / "pack"), "--fail-on", "not_met"])
    assert done.returncode == 1, done.stderr  # the CI gate still speaks
    assert done.stderr.startswith("--fail-on not_met: ")
    assert "BrokenPipe" not in done.stderr and "internal error" not in done.stderr
    assert (tmp_path / "pack" / "manifest.json").is_file()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with two recorded runs (copied by each test that damages it)."""
    ws = trust.small_workspace(tmp_path_factory.mktemp("history") / "ws")
    assert cli("assess", ws).code == 0
    assert cli("assess", ws, "--as-of", "2026-06-30").code == 0
    return ws


@pytest.fixture
def history_copy(two_runs: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(two_runs, tmp_path / "copy"))


@pytest.fixture
def damaged_history(history_copy: Path) -> Path:
    trust.history_with_damaged_rows(history_copy / ".itscm" / "history.db")
    return history_copy


@pytest.mark.parametrize("args", [["history", "{ws}"], ["diff", "{ws}", "1", "2"], ["report", "quarterly", "{ws}"]])
def test_damaged_history_rows_are_located(damaged_history: Path, args: list[str]) -> None:
    ran = cli(*(a.replace("{ws}", str(damaged_history)) for a in args))
    assert ran.code == 3
    line = one_line_error(ran)
    assert "history.db: damaged row in table run of run 1" in line and "'garbage'" in line


def test_a_damaged_child_row_names_its_table(history_copy: Path) -> None:
    import sqlite3

    ws = history_copy
    with sqlite3.connect(ws / ".itscm" / "history.db") as conn:
        conn.execute("UPDATE requirement_status SET mapping = '[bad' WHERE run_no = 2")
        conn.execute("UPDATE framework_score SET score = 'high' WHERE run_no = 1")
    diff = cli("diff", ws, "1", "2")
    assert diff.code == 3 and "damaged row in table" in one_line_error(diff)
    listing = cli("history", ws)
    assert listing.code == 3 and "table run of run 1" in listing.stderr and "'high'" in listing.stderr
