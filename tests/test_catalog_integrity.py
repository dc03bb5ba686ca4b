"""Every shipped catalogue, objective and crosswalk file loads through the models and hangs together."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from itscm_audit.catalog import (
    Catalogue,
    CatalogueSet,
    Crosswalk,
    DecidedBy,
    ObjectiveSet,
    RationaleType,
    Relationship,
    Verification,
    json_schemas,
    load_catalogue_set,
    load_file,
    schema_text,
)
from itscm_audit.resources import frameworks_dir

FRAMEWORKS = frameworks_dir()
FRAMEWORK_IDS = {"iso22301", "itil4-scm", "iso27001-2022", "nist-800-53-cp", "nist-csf2-rc", "soc2-availability",
                 "dora", "gdpr", "pipeda", "quebec-law25", "hipaa", "phipa"}
RULE_IDS = {
    "bia.complete", "bia.critical_rto_rpo", "bia.data_flags", "bia.rto_within_mtpd", "bia.rpo_backup_interval",
    "bia.dependency_rto", "bia.vendor_terms", "bia.reviewed", "exercise.coverage", "exercise.rto_achieved", "exercise.rpo_achieved",
    "exercise.type_mix", "exercise.report", "exercise.failures_have_findings", "finding.corrective_action",
    "action.not_overdue", "plan.approved", "plan.reviewed", "contact.verified", "contact.alternates",
    "contact.backup_channel", "vendor.bc_reviewed", "backup.gap_within_rpo", "backup.restore_tested",
    "training.current", "privacy.breach_register", "privacy.gdpr_notification", "privacy.gdpr_communication",
    "privacy.pipeda_notification", "privacy.law25_notification", "privacy.dora_reporting", "privacy.hipaa_notification",
    "evidence.current",
}
EVIDENCE_TYPES = {
    "post_exercise_report", "bc_policy", "bia_report", "continuity_plan", "recovery_procedure", "call_tree_export",
    "backup_report", "restore_test_report", "training_record", "vendor_bc_attestation", "breach_register",
    "regulator_notification", "management_review_minutes", "internal_audit_report", "risk_assessment",
}
SHIPPED_FILES = sorted(FRAMEWORKS.rglob("*.yaml"))


def known_rules() -> set[str]:
    """The rules registry when the rules package is populated, else the fixed list of the issue."""
    from itscm_audit.rules import RULES

    return set(RULES) or RULE_IDS


@pytest.fixture(scope="module")
def cs() -> CatalogueSet:
    return load_catalogue_set([FRAMEWORKS], known_rules=known_rules())


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.relative_to(FRAMEWORKS).as_posix())
def test_every_shipped_file_loads_through_the_models(path: Path) -> None:
    loaded = load_file(path)
    assert isinstance(loaded, Catalogue | ObjectiveSet | Crosswalk)


def test_the_twelve_frameworks_ship_each_with_a_crosswalk(cs: CatalogueSet) -> None:
    assert {c.framework.id for c in cs.catalogues} == FRAMEWORK_IDS
    assert set(cs.mappings) == FRAMEWORK_IDS
    assert 30 <= len(cs.objectives) <= 60


def test_registry_rules_match_the_fixed_list() -> None:
    from itscm_audit.rules import RULES

    if RULES:
        assert set(RULES) >= RULE_IDS


def test_every_rule_is_used_by_an_objective_and_every_evidence_type_is_known(cs: CatalogueSet) -> None:
    used_rules = {r for o in cs.objectives for r in o.rules}
    assert used_rules == RULE_IDS
    for obj in cs.objectives:
        assert set(obj.evidence_types) <= EVIDENCE_TYPES, obj.id
        assert obj.attestation_only or obj.rules or obj.evidence_types, obj.id
        assert not (obj.attestation_only and (obj.rules or obj.evidence_types)), obj.id
    for cat in cs.catalogues:
        for req in cat.requirements:
            assert set(req.expected_evidence) <= EVIDENCE_TYPES, (cat.framework.id, req.id)


def test_every_objective_is_mapped_from_some_requirement(cs: CatalogueSet) -> None:
    mapped = {m.objective for rows in cs.mappings.values() for m in rows}
    assert {o.id for o in cs.objectives} == mapped


def test_no_dangling_ids_anywhere(cs: CatalogueSet) -> None:
    objectives = {o.id for o in cs.objectives}
    for cat in cs.catalogues:
        ids = {r.id for r in cat.requirements}
        assert all(r.parent is None or r.parent in ids for r in cat.requirements)
        for m in cs.mappings[cat.framework.id]:
            assert m.requirement in ids and m.objective in objectives


def test_no_orphan_requirement(cs: CatalogueSet) -> None:
    """Each live requirement is mapped, or explicitly decided by attestation / not assessable / a heading."""
    orphans = []
    for cat in cs.catalogues:
        mapped = {m.requirement for m in cs.mappings[cat.framework.id] if m.relationship != Relationship.NOT_RELATED}
        for req in cat.requirements:
            if req.withdrawn or req.id in mapped:
                continue
            if req.decided_by in (DecidedBy.ATTESTATION, DecidedBy.NOT_ASSESSABLE) or not req.assessable:
                continue
            orphans.append(f"{cat.framework.id}:{req.id}")
    assert orphans == []


def test_requirements_said_to_be_decided_by_data_have_a_rule_behind_them(cs: CatalogueSet) -> None:
    objectives = {o.id: o for o in cs.objectives}
    wrong = []
    for cat in cs.catalogues:
        for req in cat.requirements:
            if req.withdrawn or req.heading or req.decided_by != DecidedBy.DATA:
                continue
            rows = [objectives[m.objective] for m in cs.mappings[cat.framework.id] if m.requirement == req.id]
            if not any(o.rules for o in rows):
                wrong.append(f"{cat.framework.id}:{req.id}")
    assert wrong == []


def test_partial_relationships_say_what_is_uncovered(cs: CatalogueSet) -> None:
    for fw, rows in cs.mappings.items():
        for m in rows:
            if m.relationship in (Relationship.SUPERSET_OF, Relationship.INTERSECTS_WITH):
                assert m.uncovered, f"{fw}:{m.requirement} -> {m.objective}"
            assert m.rationale.strip()


def test_crosswalks_are_honest_mostly_partial(cs: CatalogueSet) -> None:
    rows = [m for ms in cs.mappings.values() for m in ms]
    partial = [m for m in rows if not m.relationship.covers_whole_requirement]
    assert len(partial) / len(rows) > 0.75


@pytest.mark.parametrize(("framework", "requirement"), [
    ("iso22301", "8.5"), ("nist-800-53-cp", "CP-4"), ("soc2-availability", "A1.3"),
    ("hipaa", "164.308(a)(7)(ii)(D)"), ("dora", "Art.11(6)"),
])
def test_one_failover_exercise_counts_toward_five_frameworks(cs: CatalogueSet, framework: str,
                                                              requirement: str) -> None:
    rows = [m for m in cs.mappings[framework] if m.requirement == requirement]
    by_obj = {m.objective: m for m in rows}
    assert "OBJ-EXERCISE-COVERAGE" in by_obj
    assert "OBJ-RECOVERY-WITHIN-RTO" in by_obj or "OBJ-EXERCISE-REPORTED" in by_obj
    cov = cs.objective("OBJ-EXERCISE-COVERAGE")
    assert {"exercise.coverage", "exercise.type_mix"} <= set(cov.rules)
    assert cs.objective("OBJ-RECOVERY-WITHIN-RTO").rules == ("exercise.rto_achieved",)
    m = by_obj["OBJ-EXERCISE-COVERAGE"]
    assert m.relationship in (Relationship.SUPERSET_OF, Relationship.INTERSECTS_WITH)
    assert m.rationale and m.uncovered


def test_iso22301_clauses_4_to_10_are_all_there(cs: CatalogueSet) -> None:
    ids = {r.id for r in cs.catalogue("iso22301").requirements}
    expected = {"4.1", "4.2.1", "4.2.2", "4.3.1", "4.3.2", "4.4", "5.1", "5.2.1", "5.2.2", "5.3", "6.1.1", "6.1.2",
                "6.2.1", "6.2.2", "6.3", "7.1", "7.2", "7.3", "7.4", "7.5.1", "7.5.2", "7.5.3", "8.1", "8.2.1",
                "8.2.2", "8.2.3", "8.3.1", "8.3.2", "8.3.3", "8.3.4", "8.3.5", "8.4.1", "8.4.2", "8.4.3", "8.4.4",
                "8.4.5", "8.5", "8.6", "9.1", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3", "10.1", "10.2"}
    assert expected <= ids
    assert cs.catalogue("iso22301").requirement("5.1").decided_by == DecidedBy.ATTESTATION


def test_nist_cp_withdrawn_and_baselines(cs: CatalogueSet) -> None:
    cat = cs.catalogue("nist-800-53-cp")
    assert {f"CP-{n}" for n in range(1, 14)} <= {r.id for r in cat.requirements}
    assert cat.requirement("CP-5").withdrawn
    assert cat.requirement("CP-4").baselines == ("low", "moderate", "high")
    assert cat.requirement("CP-2(8)").parent == "CP-2"
    withdrawn = {r.id for r in cat.requirements if r.withdrawn}
    assert not any(m.requirement in withdrawn for m in cs.mappings["nist-800-53-cp"])


def test_hipaa_required_versus_addressable(cs: CatalogueSet) -> None:
    cat = cs.catalogue("hipaa")
    flags = {r.id.rsplit("(", 1)[-1].rstrip(")"): r.required for r in cat.requirements if "(ii)" in r.id}
    assert flags == {"A": True, "B": True, "C": True, "D": False, "E": False}


def test_laws_carry_citations_applicability_and_honest_verification(cs: CatalogueSet) -> None:
    for fw in ("gdpr", "pipeda", "quebec-law25", "hipaa", "phipa", "dora"):
        for req in cs.catalogue(fw).requirements:
            if not req.heading and req.assessable:
                assert req.citation, f"{fw}:{req.id}"
                assert req.applicability is not None, f"{fw}:{req.id}"
    assert all(r.verification == Verification.PARTLY_VERIFIED for r in cs.catalogue("quebec-law25").requirements)
    assert cs.catalogue("phipa").requirement("12(1)").verification == Verification.UNVERIFIED
    assert cs.catalogue("dora").requirement("Art.11(6)").verification == Verification.VERIFIED
    assert all(r.verification == Verification.PARTLY_VERIFIED for r in cs.catalogue("dora").requirements
               if r.id.startswith("2024/1774 "))
    hipaa = cs.catalogue("hipaa").requirement("164.308(a)(7)(ii)(D)").applicability
    assert hipaa is not None and hipaa.phi
    gdpr = cs.catalogue("gdpr").requirement("Art.33(1)").applicability
    assert gdpr is not None and gdpr.personal_data and gdpr.jurisdictions == ("EU",)
    dora = cs.catalogue("dora").requirement("Art.19(4)").applicability
    assert dora is not None and "insurance" in dora.sectors
    assert cs.catalogue("quebec-law25").requirement("3.8").applicability.jurisdictions == ("CA-QC",)  # type: ignore[union-attr]
    assert cs.catalogue("phipa").requirement("12(2)").applicability.jurisdictions == ("CA-ON",)  # type: ignore[union-attr]


def test_headings_are_never_assessed() -> None:
    cat = load_file(FRAMEWORKS / "catalogues" / "iso22301.yaml")
    assert isinstance(cat, Catalogue)
    heading = cat.requirement("8")
    assert heading.heading and not heading.assessable and heading.decided_by == DecidedBy.NOT_ASSESSABLE
    assert not heading.needs_mapping and cat.requirement("8.5").needs_mapping


@pytest.mark.parametrize("kind", ["catalogue", "objectives", "crosswalk"])
def test_shipped_json_schema_matches_the_models(kind: str) -> None:
    shipped = (FRAMEWORKS / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text(json_schemas()[kind]), "regenerate with catalog.write_json_schemas"


def test_json_schema_describes_the_real_files() -> None:
    schema = json.loads((FRAMEWORKS / "schema" / "crosswalk.schema.json").read_text(encoding="utf-8"))
    rel = schema["$defs"]["Relationship"]["enum"]
    assert rel == ["equal", "subset_of", "superset_of", "intersects_with", "not_related"]
    data = yaml.safe_load((FRAMEWORKS / "crosswalks" / "iso22301.yaml").read_text(encoding="utf-8"))
    assert set(data) == set(schema["properties"])


# --- Issue 12: what a lead auditor checks in the catalogues and the crosswalk ---

LAW_KINDS = ("law", "regulation")


def test_headings_group_and_are_never_assessed_or_mapped(cs: CatalogueSet) -> None:
    """A heading is a grouping node: not assessable, has children, and no crosswalk row maps it. In a law
    every article or section that has paragraphs is a heading, so it is not scored beside them."""
    wrong = []
    for cat in cs.catalogues:
        fw = cat.framework.id
        parents = {r.parent for r in cat.requirements if r.parent}
        mapped = {m.requirement for m in cs.mappings[fw]}
        for req in cat.requirements:
            if req.heading and (req.assessable or req.needs_mapping or req.decided_by != DecidedBy.NOT_ASSESSABLE
                                or req.id not in parents or req.id in mapped):
                wrong.append(f"{fw}:{req.id} heading")
            if cat.framework.kind in LAW_KINDS and req.id in parents and not req.heading:
                wrong.append(f"{fw}:{req.id} has paragraphs but is not a heading")
    assert wrong == []
    dora = cs.catalogue("dora")
    assert all(dora.requirement(h).heading for h in ("Art.11", "Art.12", "Art.19", "2024/1774 Art.25",
                                                   "2024/1774 Art.26"))


def test_every_equal_row_has_strength_ten_and_no_other_row_does(cs: CatalogueSet) -> None:
    for fw, rows in cs.mappings.items():
        for m in rows:
            if m.relationship == Relationship.EQUAL:
                assert m.strength == 10, f"{fw}:{m.requirement} -> {m.objective}"
            else:
                assert 1 <= m.strength <= 9, f"{fw}:{m.requirement} -> {m.objective}"


def test_no_objective_is_equal_to_two_requirements_of_one_framework(cs: CatalogueSet) -> None:
    """Two requirements of one framework 'equal' to one objective would be equal to each other."""
    for fw, rows in cs.mappings.items():
        equal = Counter(m.objective for m in rows if m.relationship == Relationship.EQUAL)
        assert [o for o, n in equal.items() if n > 1] == [], fw
    iso = {(m.requirement, m.objective): m.relationship for m in cs.mappings["iso22301"]}
    for siblings, obj in ((("4.3.1", "4.3.2"), "OBJ-SCOPE-DEFINED"), (("6.2.1", "6.2.2"), "OBJ-BC-OBJECTIVES"),
                          (("8.3.1", "8.3.3"), "OBJ-STRATEGY-SELECTED")):
        assert [iso[(r, obj)] for r in siblings].count(Relationship.EQUAL) <= 1


def test_cross_framework_equals_are_meant(cs: CatalogueSet) -> None:
    """Requirements of different frameworks equal to one objective are equal to each other: the issue's
    doubtful pairs are no longer equal."""
    rel = {(fw, m.requirement, m.objective): m.relationship for fw, rows in cs.mappings.items() for m in rows}
    assert rel[("nist-800-53-cp", "CP-2(2)", "OBJ-CAPACITY-MANAGED")] != Relationship.EQUAL
    assert rel[("soc2-availability", "A1.1", "OBJ-CAPACITY-MANAGED")] != Relationship.EQUAL
    assert rel[("iso27001-2022", "A.8.14", "OBJ-ALTERNATE-CAPACITY")] != Relationship.EQUAL
    assert rel[("dora", "Art.12(4)", "OBJ-ALTERNATE-CAPACITY")] != Relationship.EQUAL
    equal_to: dict[str, set[str]] = {}
    for (fw, _req, obj), r in rel.items():
        if r == Relationship.EQUAL:
            equal_to.setdefault(obj, set()).add(fw)
    assert {o: f for o, f in equal_to.items() if len(f) > 1} == {}


def test_every_catalogue_id_follows_its_official_numbering(cs: CatalogueSet) -> None:
    for cat in cs.catalogues:
        pattern = cat.framework.id_pattern
        assert pattern, cat.framework.id
        off = [r.id for r in cat.requirements if not re.fullmatch(pattern, r.id)]
        assert off == [], cat.framework.id
    invented = {"iso22301": "11.1", "nist-800-53-cp": "CP-14", "iso27001-2022": "A.9.1", "nist-csf2-rc": "RC.IM-01",
                "dora": "Art.11.4", "gdpr": "Art.33.1", "hipaa": "164.308(a)(7)(ii)(F)(1)", "quebec-law25": "3.5.1",
                "soc2-availability": "A1", "itil4-scm": "SCM.PSF4", "pipeda": "10.4", "phipa": "12.1"}
    for fw, bad in invented.items():
        assert not re.fullmatch(cs.catalogue(fw).framework.id_pattern or "", bad), (fw, bad)


def test_no_row_claims_the_same_wording(cs: CatalogueSet) -> None:
    """'syntactic' means word for word; the hub's objectives are written in our own words, so no row is."""
    assert [f"{fw}:{m.requirement}" for fw, rows in cs.mappings.items() for m in rows
            if m.rationale_type == RationaleType.SYNTACTIC] == []


def test_partial_rows_name_only_parts_the_objective_has(cs: CatalogueSet) -> None:
    for fw, rows in cs.mappings.items():
        for m in rows:
            obj = cs.objective(m.objective)
            assert set(m.covers) <= set(obj.rules) | set(obj.evidence_types), f"{fw}:{m.requirement}"
            assert not (m.covers and obj.attestation_only), f"{fw}:{m.requirement}"
    # the objective conditions the issue names: a requirement that does not ask for them does not carry them
    rows = {(fw, m.requirement, m.objective): m for fw, ms in cs.mappings.items() for m in ms}
    assert rows[("gdpr", "Art.33(1)", "OBJ-GDPR-NOTIFICATION")].covers == ("privacy.gdpr_notification",
                                                                           "regulator_notification")
    assert rows[("gdpr", "Art.34(1)", "OBJ-GDPR-NOTIFICATION")].covers == ("privacy.gdpr_communication",)
    assert "bia.data_flags" not in rows[("iso22301", "8.2.2", "OBJ-BIA-COMPLETE")].covers
    assert rows[("nist-800-53-cp", "CP-4", "OBJ-EXERCISE-COVERAGE")].covers == ("exercise.coverage",)
    for key in (("iso22301", "8.2.2", "OBJ-BIA-COMPLETE"), ("gdpr", "Art.33(1)", "OBJ-GDPR-NOTIFICATION"),
                ("nist-800-53-cp", "CP-4", "OBJ-EXERCISE-COVERAGE")):
        assert rows[key].relationship == Relationship.INTERSECTS_WITH, key


def test_quebec_sections_are_numbered_as_in_the_act(cs: CatalogueSet) -> None:
    qc = cs.catalogue("quebec-law25")
    assert qc.requirement("3.6").title == "Definition of confidentiality incident"
    assert not qc.requirement("3.6").assessable
    assert qc.requirement("3.7").title == "Assessment of the risk of injury"
    assert qc.requirement("3.7").decided_by == DecidedBy.ATTESTATION
    mapped = {m.requirement for m in cs.mappings["quebec-law25"]}
    assert "3.6" not in mapped and "3.7" in mapped


def test_missing_provisions_are_there_and_decided(cs: CatalogueSet) -> None:
    expected = {
        "dora": {"Art.11(4)", "Art.11(9)", "Art.11(10)", "Art.19(5)", "2024/1774 Art.24", "2024/1774 Art.25(1)",
                 "2024/1774 Art.25(2)", "2024/1774 Art.25(5)", "2024/1774 Art.26(1)", "2024/1774 Art.26(4)"},
        "gdpr": {"Art.33(2)", "Art.33(3)", "Art.33(4)", "Art.34(1)", "Art.34(2)", "Art.34(3)", "Art.34(4)"},
        "iso27001-2022": {"A.5.27", "A.7.11", "A.8.6"},
    }
    for fw, ids in expected.items():
        cat = cs.catalogue(fw)
        assert ids <= {r.id for r in cat.requirements}, fw
        for rid in ids:
            req = cat.requirement(rid)
            assert req.citation or cat.framework.kind not in LAW_KINDS, rid
    assert cs.catalogue("dora").requirement("Art.11(4)").needs_mapping
    mapped27 = {m.requirement for m in cs.mappings["iso27001-2022"]}
    assert {"A.5.27", "A.7.11", "A.8.6"} <= mapped27
    assert cs.catalogue("gdpr").requirement("Art.33(3)").decided_by == DecidedBy.ATTESTATION


def test_iso22301_8_2_2_does_not_claim_rpo() -> None:
    cat = load_file(FRAMEWORKS / "catalogues" / "iso22301.yaml")
    assert isinstance(cat, Catalogue)
    bia = cat.requirement("8.2.2")
    assert "RPO" not in (bia.summary or "")
    assert bia.status_note and "does not name the RPO" in bia.status_note and "ISO/TS 22317" in bia.status_note


def test_dora_reporting_cites_the_rts_article_for_the_hours(cs: CatalogueSet) -> None:
    req = cs.catalogue("dora").requirement("Art.19(4)")
    assert "Commission Delegated Regulation (EU) 2025/301, Art. 5" in (req.citation or "")
    assert "Art. 5(2)" in (req.status_note or "") and "72 h of submitting the initial notification" in (
        req.status_note or "")
