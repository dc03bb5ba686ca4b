"""Issue 13, case 7: nothing is accepted silently: attestations.xlsx with wrong headers or in a folder's
shape, attestations for requirements that do not exist, a call tree verified in the future, and a
--fail-on gate that does not say which requirements tripped it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_script import trust
from trust_support import cli, one_line_error


def test_attestations_with_wrong_headers_are_an_error_naming_them(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    trust.attestations_wrong_headers(ws)
    ran = cli("assess", ws, "--no-history")
    assert ran.code == 3
    line = one_line_error(ran)
    assert line.startswith("error: attestations.xlsx: no header row with 'Requirement' (or 'Target') and 'Status' "
                           "in sheet 'Attestations' (first row: 'Requirement', 'Verdict', 'Statement')")


def test_a_folder_named_attestations_xlsx_is_an_error(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    trust.attestations_folder(ws)
    ran = cli("assess", ws, "--no-history")
    assert ran.code == 3 and "attestations.xlsx: is a folder, not a workbook" in one_line_error(ran)


def test_an_attestation_for_an_unknown_requirement_is_a_located_issue(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    trust.attestations_unknown_target(ws)
    ran = cli("assess", ws, "--no-history", "--out", tmp_path / "pack")
    assert ran.code == 0
    result = json.loads((tmp_path / "pack" / "result.json").read_text(encoding="utf-8"))
    assert [a["target"] for a in result["attestations"]] == ["iso22301:5.1"]
    issue = next(i for i in result["issues"] if i["code"] == "attestation.unknown_target")
    assert issue["severity"] == "error"
    assert issue["message"] == "target iso22301:99.9: iso22301 has no requirement '99.9'; row ignored"
    assert (issue["source"]["file"], issue["source"]["row"], issue["source"]["column"]) == (
        "attestations.xlsx", 2, "Target")


def test_attestations_are_read_without_openpyxl(tmp_path: Path) -> None:
    """python-calamine reads the register: openpyxl costs 0.15 s to import (issue 15)."""
    ws = tmp_path / "ws"
    trust.attestations_unknown_target(ws)
    code = ("import sys\nfrom pathlib import Path\nfrom itscm_audit.attestations import read_attestations\n"
            f"found, issues, digest = read_attestations(Path({str(ws)!r}))\n"
            "assert [a.target for a in found] == ['iso22301:99.9', 'iso22301:5.1'], found\n"
            "print('openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("when", ["9999-12-31", "2027-01-15"])
def test_a_call_tree_verified_after_as_of_does_not_pass(tmp_path: Path, when: str) -> None:
    ws = tmp_path / "ws"
    trust.call_tree_verified_in_future(ws, when)
    ran = cli("assess", ws, "--no-history", "--out", tmp_path / "pack")
    assert ran.code == 0
    result = json.loads((tmp_path / "pack" / "result.json").read_text(encoding="utf-8"))
    check = next(c for c in result["checks"] if c["rule_id"] == "contact.verified")
    first = next(e for e in check["entities"] if e["entity_id"] == "IT Disaster Recovery Coordinator")
    assert first["outcome"] == "fail"
    # after issue 10's value bounds, 9999-12-31 may be refused as a cell value: "never verified" then
    assert ("after the as-of date" in first["message"] and "not counted" in first["message"]) or \
        first["message"].startswith("never verified (last verified unreadable ('9999-12-31'")


def test_fail_on_lists_the_requirements_that_tripped_it(tmp_path: Path) -> None:
    ws = trust.small_workspace(tmp_path / "ws")
    ran = cli("assess", ws, "--no-history", "--out", tmp_path / "pack", "--fail-on", "not_met")
    assert ran.code == 1
    result = json.loads((tmp_path / "pack" / "result.json").read_text(encoding="utf-8"))
    tripped = [f"{r['framework']}:{r['requirement_id']}" for r in result["requirements"] if r["status"] == "not_met"]
    lines = ran.stderr.splitlines()
    assert lines[0] == f"--fail-on not_met: {len(tripped)} requirement(s) at or below not met:"
    assert [line.split()[0] for line in lines[1:]] == tripped
    as_json = cli("assess", ws, "--no-history", "--out", tmp_path / "pack", "--fail-on", "not_met", "--json")
    assert json.loads(as_json.stdout)["gate"] == {"fail_on": "not_met", "tripped": tripped}
