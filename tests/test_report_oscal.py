"""assessment-results.json and poam.json: valid OSCAL (compliance-trestle), joined up, deterministic, traceable."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from itscm_audit.model import EntityKind
from itscm_audit.oscal_ids import NS
from itscm_audit.reporters import Format, write_all
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.oscal import assessment_results, poam, token
from itscm_audit.result import EntityResult, Outcome
from result_factory import make_result

FORMATS = (Format.OSCAL_ASSESSMENT_RESULTS, Format.OSCAL_POAM)


def _write(tmp_path: Path, hostile: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    write_all(make_result(hostile=hostile), tmp_path, formats=FORMATS)
    ar = json.loads((tmp_path / "assessment-results.json").read_text(encoding="utf-8"))
    poam_doc = json.loads((tmp_path / "poam.json").read_text(encoding="utf-8"))
    return ar, poam_doc


def _props(obj: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in obj.get("props", [])}


def _walk(value: Any) -> list[dict[str, Any]]:
    """Every mapping in a document (to find every prop wherever it sits)."""
    out: list[dict[str, Any]] = []
    if isinstance(value, dict):
        out.append(value)
        for v in value.values():
            out.extend(_walk(v))
    elif isinstance(value, list):
        for v in value:
            out.extend(_walk(v))
    return out


@pytest.mark.parametrize("hostile", [False, True])
def test_trestle_validates_both_documents(tmp_path: Path, hostile: bool) -> None:
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.poam import PlanOfActionAndMilestones

    ar, poam_doc = _write(tmp_path, hostile)
    parsed_ar = AssessmentResults.parse_obj(ar["assessment-results"])
    parsed_poam = PlanOfActionAndMilestones.parse_obj(poam_doc["plan-of-action-and-milestones"])
    assert ar["assessment-results"]["metadata"]["oscal-version"] == "1.1.2"
    assert len(parsed_ar.results[0].findings or []) == 8  # every requirement, not-assessed and N/A included
    assert len(parsed_poam.poam_items) == 5
    assert len(parsed_poam.findings or []) == 4


def test_a_finding_for_every_requirement_with_its_state(tmp_path: Path) -> None:
    ar, _ = _write(tmp_path)
    result = ar["assessment-results"]["results"][0]
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    assert set(findings) == {"iso22301_8.2.2_obj", "iso22301_8.5_obj", "iso22301_8.4.4_obj", "iso22301_5.1_obj",
                             "cp-4_obj", "cp-2_obj", "cp-10.2_obj", "cp-8_obj"}
    assert {f["target"]["type"] for f in findings.values()} == {"objective-id"}
    assert findings["iso22301_8.2.2_obj"]["target"]["status"] == {"state": "satisfied", "reason": "pass"}
    assert findings["iso22301_8.5_obj"]["target"]["status"] == {"state": "not-satisfied", "reason": "fail"}
    partial = findings["iso22301_8.4.4_obj"]["target"]
    assert partial["status"]["reason"] == "other" and partial["status"]["remarks"].startswith("Partially met:")
    assert partial["implementation-status"] == {"state": "partial"}
    not_assessed = findings["cp-10.2_obj"]
    assert not_assessed["target"]["status"]["state"] == "not-satisfied"
    assert not_assessed["target"]["status"]["remarks"].startswith("Not assessed: No data yet")
    assert _props(not_assessed)["status"] == "not_assessed"
    na = findings["cp-8_obj"]["target"]
    assert na["status"]["state"] == "satisfied" and na["implementation-status"] == {"state": "not-applicable"}
    reviewed = result["reviewed-controls"]
    assert [c["control-id"] for c in reviewed["control-selections"][0]["include-controls"]] == [
        "iso22301_8.2.2", "iso22301_8.5", "iso22301_8.4.4", "iso22301_5.1", "cp-4", "cp-2", "cp-10.2", "cp-8"]
    objectives = reviewed["control-objective-selections"][0]["include-objectives"]
    assert {o["objective-id"] for o in objectives} == set(findings)


def test_observations_have_origins_subjects_and_evidence(tmp_path: Path) -> None:
    ar, _ = _write(tmp_path)
    result = ar["assessment-results"]["results"][0]
    local = result["local-definitions"]
    services = {c["uuid"]: c for c in local["components"]}
    assert {c["type"] for c in services.values()} == {"service"}
    tool = local["assessment-assets"]["components"][0]
    assert tool["title"] == "itscm-audit" and tool["type"] == "software"
    obs = {o["uuid"]: o for o in result["observations"]}
    assert all(o["origins"] == [{"actors": [{"type": "tool", "actor-uuid": tool["uuid"]}]}] for o in obs.values())
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    related = [obs[r["observation-uuid"]] for r in findings["iso22301_8.5_obj"]["related-observations"]]
    assert [o["methods"] for o in related] == [["TEST"], ["EXAMINE"]]
    test, examine = related
    assert [services[s["subject-uuid"]]["title"] for s in test["subjects"]] == ["Claims processing"]
    # the exercise report covers the exercise's two services
    assert [services[s["subject-uuid"]]["title"] for s in examine["subjects"]] == ["Claims processing", "Payroll"]
    assert "SVC-001" in test["remarks"] and "row 5" in test["remarks"]
    resources = {r["uuid"]: r for r in ar["assessment-results"]["back-matter"]["resources"]}
    resource = resources[examine["relevant-evidence"][0]["href"].removeprefix("#")]
    assert resource["rlinks"][0] == {"href": "evidence/exercises/EX-2026-01-report.md",
                                     "hashes": [{"algorithm": "SHA-256", "value": "a" * 64}]}
    assert result["start"] == "2026-09-30T00:00:00+00:00"


def test_long_lists_are_capped_and_only_named_services_are_components() -> None:
    result = make_result(n_services=120)
    many = tuple(EntityResult(entity="service", entity_id=s.id, outcome=Outcome.FAIL, message="no RTO")
                 for s in result.data.services[:80])
    checks = tuple(c.model_copy(update={"entities": many}) if c.rule_id == "exercise.rto_achieved" else c
                   for c in result.checks)
    body = assessment_results(PackContext(result=result.model_copy(update={"checks": checks})))
    obs = next(o for o in body["assessment-results"]["results"][0]["observations"]
               if _props(o).get("rule") == "exercise.rto_achieved")
    assert len(obs["subjects"]) == 50 and obs["remarks"].endswith("(80 records in all; every one is in result.json)")
    components = body["assessment-results"]["results"][0]["local-definitions"]["components"]
    assert [c["title"] for c in components][:2] == ["Claims processing", "Payroll"] and len(components) == 50


def test_failing_rules_are_risks_related_to_their_findings(tmp_path: Path) -> None:
    ar, _ = _write(tmp_path)
    result = ar["assessment-results"]["results"][0]
    risks = {r["uuid"]: r for r in result["risks"]}
    by_rule = {_props(r).get("rule"): r for r in risks.values() if "rule" in _props(r)}
    assert set(by_rule) == {"exercise.rto_achieved", "plan.approved"}  # the failing and the partial rule
    rto = by_rule["exercise.rto_achieved"]
    assert rto["status"] == "open" and rto["remediations"][0]["lifecycle"] == "recommendation"
    assert rto["remediations"][0]["title"] == "Remediation #1: Recovery proven within RTO"
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    cp4 = {r["risk-uuid"] for r in findings["cp-4_obj"]["related-risks"]}
    assert rto["uuid"] in cp4 and all(r in risks for r in cp4)
    assert "related-risks" not in findings["iso22301_8.2.2_obj"]  # met, and its rule passes


def test_metadata_roles_parties_plan_and_attestations(tmp_path: Path) -> None:
    ar, _ = _write(tmp_path)
    body = ar["assessment-results"]
    meta = body["metadata"]
    assert meta["published"] == "2026-09-30T00:00:00+00:00"
    assert {r["id"] for r in meta["roles"]} == {"prepared-for", "prepared-by", "attestor"}
    parties = {p["uuid"]: p for p in meta["parties"]}
    responsible = {r["role-id"]: r["party-uuids"] for r in meta["responsible-parties"]}
    assert parties[responsible["prepared-for"][0]]["name"] == "Aurora Mutual Insurance"
    assert [parties[u]["name"] for u in responsible["attestor"]] == ["Jean-Luc Picard"]
    attestation = body["results"][0]["attestations"][0]
    assert attestation["parts"][0]["title"] == "iso22301:5.1: met"
    assert attestation["responsible-parties"][0]["party-uuids"] == responsible["attestor"]
    plan = next(r for r in body["back-matter"]["resources"] if "#" + r["uuid"] == body["import-ap"]["href"])
    assert plan["rlinks"] == [{"href": "result.json", "media-type": "application/json"}]


def test_poam_findings_items_milestones_and_owners(tmp_path: Path) -> None:
    ar, poam_doc = _write(tmp_path)
    body = poam_doc["plan-of-action-and-milestones"]
    ar_findings = {f["uuid"] for f in ar["assessment-results"]["results"][0]["findings"]}
    findings = {f["uuid"]: f for f in body["findings"]}
    assert set(findings) <= ar_findings  # the same finding, the same uuid, in both documents
    items = body["poam-items"]
    assert [_props(i)["POAM-ID"] for i in items] == ["GAP-iso22301_8.5", "GAP-iso22301_8.4.4", "GAP-cp-4",
                                                   "GAP-cp-2", "CA-01"]
    for item in items[:4]:
        assert [findings[f["finding-uuid"]]["uuid"] for f in item["related-findings"]]
    action = items[-1]
    assert _props(action) == {"POAM-ID": "CA-01", "action-status": "open", "due-date": "2026-06-30",
                              "days-overdue": "92"}
    risk = next(r for r in body["risks"] if r["uuid"] == action["related-risks"][0]["risk-uuid"])
    assert risk["deadline"] == "2026-06-30T00:00:00+00:00" and risk["status"] == "open"
    milestone = risk["remediations"][0]["tasks"][0]
    assert milestone["type"] == "milestone" and milestone["timing"] == {"on-date": {"date": "2026-06-30T00:00:00+00:00"}}
    owner_uuid = milestone["responsible-roles"][0]["party-uuids"][0]
    owner = next(p for p in body["metadata"]["parties"] if p["uuid"] == owner_uuid)
    assert owner == {"uuid": owner_uuid, "type": "person", "name": "Marie Tremblay"}
    assert "owner" not in _props(action)  # an owner is a party, not a prop
    gap_risk = next(r for r in body["risks"] if r["uuid"] == items[0]["related-risks"][0]["risk-uuid"])
    assert gap_risk["remediations"][0]["lifecycle"] == "recommendation"


def test_poam_reads_status_and_days_overdue_from_the_facts() -> None:
    """An action closed after the as-of date was open on it: the POA&M lists it with the rules' figure."""
    from datetime import date

    from itscm_audit.model import ActionStatus

    result = make_result()
    late = next(a for a in result.data.corrective_actions if a.id == "CA-01").model_copy(
        update={"status": ActionStatus.CLOSED, "closed": date(2026, 12, 1)})
    data = result.data.model_copy(update={"corrective_actions": tuple(
        late if a.id == "CA-01" else a for a in result.data.corrective_actions)})
    facts = result.facts.model_copy(update={"actions": tuple(
        a.model_copy(update={"days_overdue": 91}) if a.action_id == "CA-01" else a for a in result.facts.actions)})
    body = poam(PackContext(result=result.model_copy(update={"data": data, "facts": facts})))
    item = next(i for i in body["plan-of-action-and-milestones"]["poam-items"] if _props(i)["POAM-ID"] == "CA-01")
    assert _props(item)["action-status"] == "open"
    assert _props(item)["days-overdue"] == "91"  # never recomputed from the due date


def test_an_action_answering_a_failing_record_relates_to_its_gap() -> None:
    result = make_result()
    overdue = EntityResult(entity=EntityKind.CORRECTIVE_ACTION.value, entity_id="CA-01", outcome=Outcome.FAIL,
                           message="92 days overdue")
    reqs = tuple(r.model_copy(update={"failing": (*r.failing, overdue)}) if r.requirement_id == "CP-4" else r
                 for r in result.requirements)
    body = poam(PackContext(result=result.model_copy(update={"requirements": reqs})))["plan-of-action-and-milestones"]
    gap = next(i for i in body["poam-items"] if _props(i)["POAM-ID"] == "GAP-cp-4")
    action = next(i for i in body["poam-items"] if _props(i)["POAM-ID"] == "CA-01")
    assert action["related-findings"] == gap["related-findings"]
    gap_risk = next(r for r in body["risks"] if r["uuid"] == gap["related-risks"][0]["risk-uuid"])
    assert gap_risk["status"] == "remediating"
    assert [r["lifecycle"] for r in gap_risk["remediations"]] == ["recommendation", "planned"]


def test_one_namespace_for_every_prop_of_ours(tmp_path: Path) -> None:
    ar, poam_doc = _write(tmp_path)
    namespaces = {m["ns"] for doc in (ar, poam_doc) for m in _walk(doc) if "ns" in m and "name" in m}
    assert namespaces == {NS}
    ctx = PackContext(result=make_result())
    assert assessment_results(ctx) == ar and poam(ctx) == poam_doc


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
