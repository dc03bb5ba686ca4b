"""OSCAL catalog export (validated with compliance-trestle), CISO Assistant import, framework coverage."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from itscm_audit.catalog import Catalogue, CatalogueSet, load_catalogue_set, load_file
from itscm_audit.ciso_assistant import import_library, write_catalogue
from itscm_audit.coverage import Decision, framework_coverage, requirement_coverage
from itscm_audit.errors import CatalogError
from itscm_audit.oscal_catalog import catalogue_to_oscal, oscal_json, write_oscal_catalog
from itscm_audit.oscal_ids import NS, control_id, objective_id
from itscm_audit.resources import frameworks_dir


@pytest.fixture(scope="module")
def cs() -> CatalogueSet:
    return load_catalogue_set([frameworks_dir()])


def trestle_catalog(doc: dict[str, Any]) -> Any:
    from trestle.oscal.catalog import Catalog  # trestle >= 3 is pydantic v2

    return Catalog.model_validate(doc["catalog"])


def walk(controls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in controls:
        out.append(c)
        out.extend(walk(c.get("controls", [])))
    return out


@pytest.mark.parametrize("framework", ["iso22301", "nist-800-53-cp", "hipaa", "dora", "quebec-law25"])
def test_oscal_export_validates_with_trestle(cs: CatalogueSet, framework: str) -> None:
    cat = cs.catalogue(framework)
    doc = catalogue_to_oscal(cat)
    model = trestle_catalog(doc)
    assert model.metadata.title == cat.framework.title
    controls = walk(doc["catalog"]["controls"])
    assert len(controls) == len(cat.requirements)
    labels = {next(p["value"] for p in c["props"] if p["name"] == "label") for c in controls}
    assert labels == {r.id for r in cat.requirements}


def test_oscal_tree_props_and_statements(cs: CatalogueSet) -> None:
    doc = catalogue_to_oscal(cs.catalogue("nist-800-53-cp"))
    top = {c["id"]: c for c in doc["catalog"]["controls"]}
    assert "cp-2.1" in {c["id"] for c in top["cp-2"]["controls"]}
    cp5 = {p["name"]: p["value"] for p in top["cp-5"]["props"]}
    assert cp5["status"] == "withdrawn" and cp5["label"] == "CP-5"
    assert "assessment-objective" not in {p["name"] for p in top["cp-5"].get("parts", [])}
    cp4 = top["cp-4"]
    assert [p["value"] for p in cp4["props"] if p["name"] == "baseline"] == ["low", "moderate", "high"]
    assert cp4["parts"][0]["name"] == "statement" and "Test the plan" in cp4["parts"][0]["prose"]
    assert cp4["parts"][-1]["id"] == "cp-4_obj" and cp4["parts"][-1]["name"] == "assessment-objective"
    hipaa = walk(catalogue_to_oscal(cs.catalogue("hipaa"))["catalog"]["controls"])
    d = next(c for c in hipaa if c["title"] == "Testing and revision procedures")
    assert d["id"] == "hipaa_164.308.a.7.ii.d"
    assert {"name": "implementation-specification", "value": "addressable", "ns": NS} in d["props"]


@pytest.mark.parametrize(("framework", "requirement", "expected"), [
    ("nist-800-53-cp", "CP-2", "cp-2"), ("nist-800-53-cp", "CP-2(8)", "cp-2.8"), ("nist-800-53-cp", "CP-10(2)", "cp-10.2"),
    ("iso22301", "8.5", "iso22301_8.5"), ("dora", "Art.11(6)", "dora_art.11.6"), ("gdpr", "Art.32(1)(b)", "gdpr_art.32.1.b"),
    ("nist-csf2-rc", "RC.RP-01", "nist-csf2-rc_rc.rp-01"), ("acme", "Policy §3 / a", "acme_policy-3-a"),
    ("acme", "R5+", "acme_r5-plus"), ("acme", "R5--", "acme_r5--"),  # ANSSI's levels stay apart
])
def test_control_ids_follow_one_scheme(framework: str, requirement: str, expected: str) -> None:
    assert control_id(framework, requirement) == expected
    assert objective_id(framework, requirement) == f"{expected}_obj"


def test_control_ids_are_unique_across_every_shipped_catalogue(cs: CatalogueSet) -> None:
    from itscm_audit.oscal_catalog import control_ids

    ids = [cid for cat in cs.catalogues for cid in control_ids(cat).values()]
    assert len(ids) == len(set(ids)) == sum(len(c.requirements) for c in cs.catalogues)


def test_oscal_export_is_deterministic_and_written_atomically(cs: CatalogueSet, tmp_path: Path) -> None:
    cat = cs.catalogue("soc2-availability")
    assert oscal_json(cat) == oscal_json(cat)
    doc = catalogue_to_oscal(cat)
    assert doc["catalog"]["metadata"]["last-modified"] == "2026-11-30T00:00:00+00:00"
    stamp = datetime(2026, 12, 31, 12, 0, tzinfo=timezone.utc)
    assert catalogue_to_oscal(cat, last_modified=stamp)["catalog"]["metadata"]["last-modified"].startswith("2026-12-31")
    out = write_oscal_catalog(cat, tmp_path / "sub" / "soc2.json")
    assert json.loads(out.read_text(encoding="utf-8")) == doc
    assert [p.name for p in out.parent.iterdir()] == ["soc2.json"]


def test_oscal_id_collision_is_an_error() -> None:
    cat = Catalogue.model_validate({
        "framework": {"id": "x", "title": "X", "version": "1", "publisher": "p", "jurisdiction": "j",
                      "source": "s", "licence_note": "l"},
        "requirements": [{"id": "A(1)", "title": "a"}, {"id": "a.1", "title": "b"}]})
    with pytest.raises(CatalogError, match="same OSCAL control id 'x_a.1'"):
        catalogue_to_oscal(cat)


# --- CISO Assistant framework library (our own small sample, in the library's format) ---

def ciso_library() -> dict[str, Any]:
    base = "urn:acme:risk:req_node:acme-bcp"
    return {
        "urn": "urn:acme:risk:library:acme-bcp",
        "locale": "en",
        "ref_id": "ACME-BCP",
        "name": "Acme BCP library",
        "description": "Sample",
        "copyright": "(c) Acme, sample for tests",
        "version": 2,
        "provider": "Acme",
        "packager": "acme",
        "objects": {"framework": {
            "urn": "urn:acme:risk:framework:acme-bcp",
            "ref_id": "ACME-BCP",
            "name": "Acme business continuity requirements",
            "requirement_nodes": [
                {"urn": f"{base}:1", "assessable": False, "depth": 1, "ref_id": "1", "name": "Preparedness"},
                {"urn": f"{base}:1.1", "assessable": True, "depth": 2, "parent_urn": f"{base}:1", "ref_id": "1.1",
                 "name": "Exercises", "description": "Exercise critical\nservices every year."},
                {"urn": f"{base}:1.1.a", "assessable": True, "depth": 3, "parent_urn": f"{base}:1.1",
                 "description": "Include a failover test."},
            ],
        }},
    }


def test_ciso_assistant_library_becomes_a_catalogue(tmp_path: Path) -> None:
    src = tmp_path / "acme-bcp.yaml"
    src.write_text(yaml.safe_dump(ciso_library()), encoding="utf-8")
    imported = import_library(src)
    cat = imported.catalogue
    assert cat.framework.id == "acme-bcp"
    assert cat.framework.publisher == "Acme" and cat.framework.version == "2"
    assert [(r.id, r.parent, r.heading) for r in cat.requirements] == [
        ("1", None, True), ("1.1", "1", False), ("1.1.a", "1.1", False)]
    assert cat.requirement("1.1.a").title == "Include a failover test."
    assert cat.requirement("1.1.a").derived == ("id", "title")  # no ref_id, no name in the library
    assert imported.notes[0].startswith("1 requirement(s) have no ref_id")
    assert cat.requirement("1.1").summary == "Exercise critical\nservices every year."  # the full text, as written
    # written as our YAML, it loads back identically and can be mapped by a workspace crosswalk
    out = write_catalogue(cat, tmp_path / "ours" / "acme-bcp.yaml")
    assert load_file(out) == cat
    cw = tmp_path / "cw.yaml"
    cw.write_text(yaml.safe_dump({"crosswalk": {"framework": "acme-bcp"}, "mappings": [
        {"requirement": "1.1", "objective": "OBJ-EXERCISE-COVERAGE", "relationship": "equal",
         "rationale_type": "semantic", "strength": 10, "rationale": "Same"}]}), encoding="utf-8")
    cs = load_catalogue_set([frameworks_dir()], [src, cw])  # the library file is read directly too
    rows = {r.requirement.id: r for r in requirement_coverage(cs, "acme-bcp")}
    assert rows["1.1"].decision == Decision.DATA and rows["1.1"].whole
    assert rows["1.1.a"].decision == Decision.UNMAPPED


def test_ciso_assistant_bad_library_is_located(tmp_path: Path) -> None:
    lib = ciso_library()
    lib["objects"]["framework"]["requirement_nodes"][1]["parent_urn"] = "urn:nowhere"
    src = tmp_path / "bad.yaml"
    src.write_text(yaml.safe_dump(lib), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"unknown parent_urn 'urn:nowhere' \(entry 1.1\)") as info:
        import_library(src)
    assert info.value.location == str(src)
    src.write_text(yaml.safe_dump({"urn": "urn:x", "objects": {"risk_matrix": []}}), encoding="utf-8")
    with pytest.raises(CatalogError, match="no 'objects.framework'"):
        import_library(src)


# --- coverage ---

def test_coverage_counts_every_framework(cs: CatalogueSet) -> None:
    covs = {c.framework: c for c in framework_coverage(cs)}
    assert len(covs) == 12
    for c in covs.values():
        assert c.unmapped == ()
        assert c.counts["data"] > 0
    cp = covs["nist-800-53-cp"]
    assert cp.counts["withdrawn"] == 7
    assert cp.assessable == 56 - 7
    iso = covs["iso22301"]
    assert iso.counts["heading"] == 18 and iso.counts["attestation"] > 0 and iso.counts["evidence"] > 0


def test_coverage_of_single_requirements(cs: CatalogueSet) -> None:
    rows = {r.requirement.id: r for r in requirement_coverage(cs, "iso22301")}
    assert rows["8.5"].decision == Decision.DATA
    assert {"exercise.coverage", "exercise.rto_achieved", "exercise.report"} <= set(rows["8.5"].rules)
    assert not rows["8.5"].whole and rows["8.5"].depth == 1
    assert rows["5.1"].decision == Decision.ATTESTATION and rows["5.1"].whole
    assert rows["9.3.1"].decision == Decision.EVIDENCE
    assert rows["8.2.2"].depth == 2
    qc = {r.requirement.id: r for r in requirement_coverage(cs, "quebec-law25")}
    assert qc["3.6"].decision == Decision.NOT_ASSESSABLE and qc["3.7"].decision == Decision.ATTESTATION
