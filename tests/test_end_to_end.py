"""The main job end to end on the example workspace, through the CLI as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from itscm_audit.cli import main
from itscm_audit.result import Status


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "itscm_audit", *args], capture_output=True, text=True)


def test_example_result_shows_every_status_traced(example_run) -> None:  # type: ignore[no-untyped-def]
    result = example_run.result
    statuses = {r.status for r in result.requirements}
    assert {Status.MET, Status.PARTIALLY_MET, Status.NOT_MET} <= statuses
    gaps = [r for r in result.requirements if r.status == Status.NOT_MET and r.failing
            and r.failing[0].sources and r.failing[0].sources[0].file.startswith("data/")]
    assert gaps, "some not-met requirement must be traced to failing spreadsheet rows"
    src = gaps[0].failing[0].sources[0]
    assert src.row is not None and src.sheet
    assert all(r.rationale for r in result.requirements)
    traced = [r for r in result.requirements if r.status in (Status.MET, Status.PARTIALLY_MET, Status.NOT_MET)]
    assert all(r.contributions or r.attestation for r in traced)


def test_example_every_framework_assessed(example_run) -> None:  # type: ignore[no-untyped-def]
    fws = {f.framework for f in example_run.result.frameworks}
    assert fws == {"iso22301", "itil4-scm", "iso27001-2022", "nist-800-53-cp", "nist-csf2-rc",
                   "soc2-availability", "dora", "gdpr", "pipeda", "quebec-law25", "hipaa", "phipa"}


def test_one_exercise_counts_for_five_frameworks(example_run) -> None:  # type: ignore[no-untyped-def]
    """Issue 3: exercise evidence counts toward ISO 22301 8.5, CP-4, A1.3, HIPAA (ii)(D), DORA Art. 11(6)
    (Art. 11 itself is a heading since issue 12)."""
    result = example_run.result
    targets = [("iso22301", "8.5"), ("nist-800-53-cp", "CP-4"), ("soc2-availability", "A1.3"),
               ("hipaa", "164.308(a)(7)(ii)(D)"), ("dora", "Art.11(6)")]
    objective_sets = []
    for fw, rid in targets:
        matches = [r for r in result.requirements if r.framework == fw
                   and (r.requirement_id == rid or r.requirement_id.replace(" ", "") == rid)]
        assert matches, f"{fw}:{rid} not assessed"
        req = matches[0]
        assert "exercise.coverage" in req.rules or "exercise.rto_achieved" in req.rules, (fw, rid, req.rules)
        assert all(c.relationship and c.rationale for c in req.contributions)
        objective_sets.append({c.objective_id for c in req.contributions})
    assert set.intersection(*objective_sets), "no shared exercise objective across the five frameworks"


def test_reports_written(example_run) -> None:  # type: ignore[no-untyped-def]
    names = {p.name for p in example_run.paths}
    assert {"gap-matrix.xlsx", "evidence-pack.docx", "result.json", "assessment-results.json", "poam.json",
            "manifest.json"} <= names


def test_word_pack_shows_status_rationale_and_rows(example_run) -> None:  # type: ignore[no-untyped-def]
    import docx

    doc = docx.Document(str(example_run.out_dir / "evidence-pack.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    req = next(r for r in example_run.result.requirements if r.status == Status.NOT_MET and r.failing
               and r.failing[0].sources and r.failing[0].sources[0].file.startswith("data/"))
    assert req.rationale[:60] in text + cells
    src = req.failing[0].sources[0]
    assert src.file in cells and str(src.row) in cells


def test_same_inputs_same_pack_byte_for_byte(example_workspace: Path, tmp_path: Path) -> None:
    """result.json, the workbook, the Word pack (charts included, fixed zip entry times), the OSCAL files
    and manifest.json: two runs in two processes, the same bytes."""
    a = run_cli("assess", str(example_workspace), "--out", str(tmp_path / "a"), "--no-history")
    b = run_cli("assess", str(example_workspace), "--out", str(tmp_path / "b"), "--no-history")
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert {"evidence-pack.docx", "manifest.json", "gap-matrix.xlsx", "result.json"} <= set(names)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_json_summary_and_fail_on_gate(example_workspace: Path, tmp_path: Path) -> None:
    out = run_cli("assess", str(example_workspace), "--out", str(tmp_path / "r"), "--no-history", "--json",
                  "--fail-on", "not_met")
    assert out.returncode == 1
    summary = json.loads(out.stdout)
    assert summary["as_of"] == "2026-09-30" and summary["frameworks"]


def test_as_of_overrides_config(workspace_copy: Path, tmp_path: Path) -> None:
    out = run_cli("assess", str(workspace_copy), "--as-of", "2026-12-31", "--out", str(tmp_path / "r"),
                  "--no-history", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["label"] == "2026Q4"


@pytest.mark.parametrize("problem", ["missing_workspace", "broken_yaml", "missing_source", "unreadable_sheet",
                                     "unknown_framework"])
def test_bad_input_one_line_no_traceback(problem: str, workspace_copy: Path, tmp_path: Path) -> None:
    ws = workspace_copy
    args = ["assess", str(ws), "--no-history"]
    expected = 3
    if problem == "missing_workspace":
        args = ["assess", str(tmp_path / "nowhere")]
    elif problem == "broken_yaml":
        (ws / "itscm.yaml").write_text("organisation: [\n", encoding="utf-8")
    elif problem == "missing_source":
        (ws / "data" / "call-tree.xlsx").unlink()
    elif problem == "unreadable_sheet":
        (ws / "data" / "call-tree.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    else:
        args += ["-f", "nope"]
        expected = 2
    out = run_cli(*args)
    assert out.returncode == expected, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    if problem in ("missing_source", "unreadable_sheet"):
        assert "call-tree.xlsx" in lines[0]


def test_failed_run_leaves_earlier_reports_untouched(workspace_copy: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "r"
    first = run_cli("assess", str(workspace_copy), "--out", str(out_dir), "--no-history")
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    (workspace_copy / "itscm.yaml").write_text("organisation: {}\n", encoding="utf-8")
    second = run_cli("assess", str(workspace_copy), "--out", str(out_dir), "--no-history")
    assert second.returncode == 3
    after = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    assert after == before


def test_init_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "x")])
    assert result.exit_code == 3
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"


def test_default_out_dir_is_reports_run_id(workspace_copy: Path) -> None:
    out = run_cli("assess", str(workspace_copy), "--no-history", "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert Path(summary["out_dir"]) == workspace_copy / "reports" / summary["run_id"]
    assert (Path(summary["out_dir"]) / "gap-matrix.xlsx").is_file()


def test_public_api(example_workspace: Path) -> None:
    import itscm_audit

    result = itscm_audit.assess(example_workspace, as_of="2026-09-30", frameworks=["iso22301"])
    frames = result.tables()
    assert {"requirements", "services"} <= set(frames)
    assert len(frames["requirements"]) == len(result.requirements)
    assert set(frames["requirements"]["status"]) <= {s.value for s in Status} | {s.label for s in Status}


@pytest.mark.slow
def test_outputs_open_in_libreoffice(example_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (.ci/run installs it)")
    for name in ("gap-matrix.xlsx", "evidence-pack.docx"):
        src = example_run.out_dir / name
        proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                               "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                              capture_output=True, text=True, timeout=240)
        pdf = tmp_path / (src.stem + ".pdf")
        assert proc.returncode == 0 and pdf.is_file() and pdf.stat().st_size > 2000, proc.stderr
        assert pdf.read_bytes().startswith(b"%PDF")
