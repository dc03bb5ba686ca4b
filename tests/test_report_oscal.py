"""assessment-results.json and poam.json: valid OSCAL (compliance-trestle), deterministic, traceable."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from itscm_audit.reporters import Format, write_all
from itscm_audit.reporters.oscal import token
from result_factory import make_result

FORMATS = (Format.OSCAL_ASSESSMENT_RESULTS, Format.OSCAL_POAM)


def _write(tmp_path: Path, hostile: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    write_all(make_result(hostile=hostile), tmp_path, formats=FORMATS)
    ar = json.loads((tmp_path / "assessment-results.json").read_text(encoding="utf-8"))
    poam = json.loads((tmp_path / "poam.json").read_text(encoding="utf-8"))
    return ar, poam


@pytest.mark.parametrize("hostile", [False, True])
def test_trestle_validates_both_documents(tmp_path: Path, hostile: bool) -> None:
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.poam import PlanOfActionAndMilestones

    ar, poam = _write(tmp_path, hostile)
    parsed_ar = AssessmentResults.parse_obj(ar["assessment-results"])
    parsed_poam = PlanOfActionAndMilestones.parse_obj(poam["plan-of-action-and-milestones"])
    assert ar["assessment-results"]["metadata"]["oscal-version"] == "1.1.2"
    assert len(parsed_ar.results[0].findings or []) == 6
    assert len(parsed_poam.poam_items) == 5


def test_findings_carry_status_and_trace(tmp_path: Path) -> None:
    ar, _ = _write(tmp_path)
    result = ar["assessment-results"]["results"][0]
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    assert set(findings) == {"iso22301_8.2.2", "iso22301_8.5", "iso22301_8.4.4", "iso22301_5.1",
                             "nist-800-53-cp_CP-4", "nist-800-53-cp_CP-2"}
    assert findings["iso22301_8.2.2"]["target"]["status"] == {"state": "satisfied"}
    assert findings["iso22301_8.5"]["target"]["status"] == {"state": "not-satisfied"}
    assert findings["iso22301_8.4.4"]["target"]["status"] == {"state": "not-satisfied", "reason": "partially-met"}
    obs = {o["uuid"]: o for o in result["observations"]}
    related = [obs[r["observation-uuid"]] for r in findings["iso22301_8.5"]["related-observations"]]
    assert [o["methods"] for o in related] == [["TEST"], ["EXAMINE"]]
    assert "SVC-001" in related[0]["remarks"] and "row 5" in related[0]["remarks"]
    resources = {r["uuid"]: r for r in ar["assessment-results"]["back-matter"]["resources"]}
    href = related[1]["relevant-evidence"][0]["href"]
    resource = resources[href.removeprefix("#")]
    assert resource["rlinks"][0] == {"href": "evidence/exercises/EX-2026-01-report.md",
                                     "hashes": [{"algorithm": "SHA-256", "value": "a" * 64}]}
    assert result["start"] == "2026-09-30T00:00:00+00:00"


def test_poam_items_from_gaps_and_open_actions(tmp_path: Path) -> None:
    _, poam = _write(tmp_path)
    body = poam["plan-of-action-and-milestones"]
    titles = [i["title"] for i in body["poam-items"]]
    assert titles == ["iso22301 8.5 is not met", "iso22301 8.4.4 is partially met", "nist-800-53-cp CP-4 is not met",
                      "nist-800-53-cp CP-2 is partially met", "Corrective action CA-01"]
    action = body["poam-items"][-1]
    props = {p["name"]: p["value"] for p in action["props"]}
    assert props == {"action-status": "open", "owner": "Marie Tremblay", "due-date": "2026-06-30",
                     "days-overdue": "92"}
    risk = next(r for r in body["risks"] if r["uuid"] == action["related-risks"][0]["risk-uuid"])
    assert risk["deadline"] == "2026-06-30T00:00:00+00:00" and risk["status"] == "open"


def test_same_result_same_bytes_and_uuid5(tmp_path: Path) -> None:
    _write(tmp_path / "a")
    _write(tmp_path / "b")
    for name in ("assessment-results.json", "poam.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    ar = json.loads((tmp_path / "a" / "assessment-results.json").read_text())
    assert uuid.UUID(ar["assessment-results"]["uuid"]).version == 5


def test_hostile_text_is_clean_in_oscal(tmp_path: Path) -> None:
    write_all(make_result(hostile=True), tmp_path, formats=FORMATS)
    text = (tmp_path / "assessment-results.json").read_text(encoding="utf-8")
    assert "\\u0000" not in text and "\\u0007" not in text
    assert "bell\\\\x07null\ufffdesc\\\\x1b end" in text


@pytest.mark.parametrize(("raw", "expected"), [("8.5", "_8.5"), ("CP-10(2)", "CP-10_2_"), ("a b", "a_b")])
def test_tokens(raw: str, expected: str) -> None:
    assert token(raw) == expected
