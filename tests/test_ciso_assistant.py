"""CISO Assistant round trips: its libraries in (YAML in any encoding, workbooks), ours out (frameworks, mappings)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from conftest import SAMPLES
from fixture_script import load
from itscm_audit.catalog import CatalogueSet, load_catalogue_set, load_file
from itscm_audit.ciso_assistant import (
    export_libraries,
    framework_library,
    import_library,
    library_yaml,
    write_catalogue,
)
from itscm_audit.cli import main
from itscm_audit.errors import CatalogError
from itscm_audit.resources import frameworks_dir

ca = load("make_ciso_assistant_fixtures")

URN = re.compile(r"^urn:([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+)(?::([a-zA-Z0-9_-]+))?:"
                 r"([0-9A-Za-z\[\]\(\)\-\._:]+)$")
"""CISO Assistant's URN_REGEX (backend/core/models.py)."""
RELATIONSHIPS = {"subset", "intersect", "equal", "superset", "not_related"}
"""RequirementMapping.Relationship choices in CISO Assistant."""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["frameworks", *args])
    return result.exit_code, result.stdout, result.stderr


def nodes(library: dict[str, Any]) -> list[dict[str, Any]]:
    return library["objects"]["framework"]["requirement_nodes"]  # type: ignore[no-any-return]


def test_round_trip_keeps_ids_titles_and_descriptions(tmp_path: Path) -> None:
    """CISO Assistant library -> our catalogue (a YAML file) -> CISO Assistant library: the same library."""
    source = ca.library_utf8(tmp_path)
    original = yaml.safe_load(source.read_text(encoding="utf-8"))
    ours = write_catalogue(import_library(source).catalogue, tmp_path / "ours" / "acme-recovery.yaml")
    back = yaml.safe_load(library_yaml(framework_library(load_file(ours))))  # type: ignore[arg-type]
    keys = ("urn", "ref_id", "name", "description", "annotation", "translations", "parent_urn", "assessable")
    assert [{k: n.get(k) for k in keys} for n in nodes(back)] == [{k: n.get(k) for k in keys} for n in nodes(original)]
    assert back == original  # and everything else too: typical evidence, scores, library metadata


def test_import_keeps_what_goes_back_and_says_what_it_filled_in(tmp_path: Path) -> None:
    imported = import_library(ca.library_utf8(tmp_path))
    cat = imported.catalogue
    assert [r.id for r in cat.requirements] == ["1", "1.1", "node4", "1.3"]
    exercises = cat.requirement("1.1")
    assert exercises.summary == ca.LONG and len(exercises.summary) > 300 and "\n" in exercises.summary
    assert exercises.guidance is not None and exercises.guidance.startswith("Plan the exercises")
    assert exercises.urn == f"{ca.BASE}:1.1"
    assert exercises.translations["fr"]["name"] == "Exercices de reprise"
    assert exercises.ciso_assistant == {"typical_evidence": "Exercise report\nSign-off by the service owner"}
    assert cat.requirement("node4").derived == ("id",)
    untitled = cat.requirement("1.3")
    assert untitled.derived == ("title",) and untitled.title.startswith("Backups are restored in a test")
    assert cat.requirement("1").heading
    assert cat.framework.id == "acme-recovery" and cat.framework.urn == "urn:acme:risk:framework:acme-recovery"
    assert imported.notes == (
        "1 requirement(s) have no ref_id in the library: their id is the node id from the URN (node4)",
        "1 requirement(s) have no name in the library: their title is the start of their description "
        "(the export leaves the name out again)")


def test_the_command_says_what_it_filled_in(tmp_path: Path) -> None:
    code, out, err = run("import-ciso-assistant", str(ca.library_cp1252(tmp_path)), "--out", str(tmp_path / "a.yaml"))
    assert code == 0 and out.startswith("Catalogue acme-recovery (4 requirements) written to")
    assert err.splitlines() == [
        "note: 1 requirement(s) have no ref_id in the library: their id is the node id from the URN (node4)",
        "note: 1 requirement(s) have no name in the library: their title is the start of their description "
        "(the export leaves the name out again)"]


@pytest.mark.parametrize("make", ["library_cp1252", "library_utf16"])
def test_any_encoding_reads_the_same(tmp_path: Path, make: str) -> None:
    expected = import_library(ca.library_utf8(tmp_path)).catalogue
    cat = import_library(getattr(ca, make)(tmp_path)).catalogue
    assert cat.requirements == expected.requirements
    if make == "library_cp1252":
        assert cat.framework.licence_note == "Acme – société d’exemple"


def test_a_library_workbook_imports_like_its_yaml(tmp_path: Path) -> None:
    from_yaml = import_library(ca.library_utf8(tmp_path))
    from_workbook = import_library(ca.library_workbook(tmp_path))
    assert from_workbook.catalogue == from_yaml.catalogue
    assert from_workbook.notes == from_yaml.notes


def test_a_broken_workbook_is_located_to_its_row(tmp_path: Path) -> None:
    path = ca.workbook_depth_jump(tmp_path)
    code, out, err = run("import-ciso-assistant", str(path), "--out", str(tmp_path / "x.yaml"))
    assert code == 3 and "Traceback" not in out + err
    assert err.startswith(f"error: {path}, sheet framework_content, row 3: depth jumps from 1 to 3")


def test_validate_an_imported_library_with_its_crosswalk(tmp_path: Path) -> None:
    """The library file itself (here its workbook) and a crosswalk in Windows-1252, checked together."""
    workbook = ca.library_workbook(tmp_path)
    crosswalk = tmp_path / "acme-crosswalk.yaml"
    crosswalk.write_text(yaml.safe_dump({"crosswalk": {"framework": "acme-recovery"}, "mappings": [
        {"requirement": "node4", "objective": "OBJ-BACKUP-INTERVAL", "relationship": "superset_of",
         "rationale_type": "functional", "strength": 6, "rationale": "Intervalle – seulement",
         "uncovered": "copies hors site"}]}, allow_unicode=True), encoding="cp1252")
    code, out, err = run("validate", str(workbook), str(crosswalk))
    assert code == 0, err
    assert out.splitlines() == [f"OK {workbook}: catalogue acme-recovery: 4 requirements, 1 mapped to objectives",
                                f"OK {crosswalk}: crosswalk for acme-recovery: 1 mappings"]


def test_id_renames_the_catalogue_but_not_the_library(tmp_path: Path) -> None:
    source = ca.library_utf8(tmp_path)
    cat = import_library(source, "acme-ca").catalogue
    assert cat.framework.id == "acme-ca"
    back = framework_library(cat)
    assert back["objects"]["framework"]["ref_id"] == "acme-recovery"
    assert back == yaml.safe_load(source.read_text(encoding="utf-8"))


def test_a_mapping_library_or_a_record_template_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="holds requirement_mapping_sets") as info:
        import_library(ca.mapping_library(tmp_path))
    assert info.value.hint is not None and "mapping library" in info.value.hint
    code, out, err = run("import-ciso-assistant", str(ca.mapping_library(tmp_path)), "--out", str(tmp_path / "x.yaml"))
    assert code == 3 and "Traceback" not in out + err


CA_SAMPLES = sorted(SAMPLES.glob("ciso-assistant__*")) if SAMPLES.is_dir() else []


@pytest.mark.samples
@pytest.mark.skipif(not CA_SAMPLES, reason="../shared/samples is not here")
@pytest.mark.parametrize("sample", CA_SAMPLES, ids=lambda p: p.name)
def test_every_ciso_assistant_sample_imports_without_internal_error(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "catalogue.yaml"
    code, stdout, err = run("import-ciso-assistant", str(sample), "--out", str(out))
    assert code in (0, 3), err
    assert "internal error" not in err and "Traceback" not in stdout + err
    if code == 3:
        assert err.startswith(f"error: {sample}") and len(err.strip().splitlines()) == 1
    if sample.name == "ciso-assistant__iso22301-2019.xlsx":
        assert code == 0, err
        cat = load_file(out)
        assert cat.framework.id == "iso22301-2019" and len(cat.requirements) == 64  # type: ignore[union-attr]
        context = cat.requirement("4.1")  # type: ignore[union-attr]
        assert context.urn == "urn:intuitem:risk:req_node:iso22301-2019:4.1"
        assert context.guidance is not None and context.guidance.startswith("Use a PESTLE or SWOT")
        assert cat.requirement("4").heading  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[CatalogueSet, dict[str, dict[str, Any]]]:
    """iso22301 and an imported library with its own crosswalk, exported as CISO Assistant libraries."""
    folder = tmp_path_factory.mktemp("ca-export")
    source = ca.library_utf8(folder)
    crosswalk = folder / "acme-crosswalk.yaml"
    crosswalk.write_text(yaml.safe_dump({"crosswalk": {"framework": "acme-recovery"}, "mappings": [
        {"requirement": "1.1", "objective": "OBJ-RECOVERY-WITHIN-RTO", "relationship": "subset_of",
         "rationale_type": "semantic", "strength": 8, "rationale": "Both want recovery within the RTO."},
        {"requirement": "node4", "objective": "OBJ-BACKUP-INTERVAL", "relationship": "superset_of",
         "rationale_type": "functional", "strength": 6, "rationale": "Interval only.", "uncovered": "offsite copies",
         "covers": ["bia.rpo_backup_interval"]},
    ]}), encoding="utf-8")
    cs = load_catalogue_set([frameworks_dir()], [source, crosswalk])
    written = export_libraries(cs, ["iso22301", "acme-recovery"], folder / "out")
    return cs, {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in written}


def test_export_writes_the_libraries_ciso_assistant_loads(exported: tuple[CatalogueSet, dict[str, Any]]) -> None:
    _, libraries = exported
    assert list(libraries) == ["itscm-audit-objectives.yaml", "iso22301.yaml", "mapping-iso22301-and-itscm-audit-objectives.yaml",
                               "acme-recovery.yaml", "mapping-acme-recovery-and-itscm-audit-objectives.yaml"]
    node_urns: set[str] = set()
    framework_urns: set[str] = set()
    library_urns = {lib["urn"] for lib in libraries.values()}
    for lib in libraries.values():
        assert {"ref_id", "urn", "locale", "objects", "version"} <= set(lib)  # LibraryImporter.REQUIRED_FIELDS
        assert isinstance(lib["version"], int) and URN.match(lib["urn"])
        framework = lib["objects"].get("framework")
        if framework:
            assert {"ref_id", "urn"} <= set(framework) and URN.match(framework["urn"])
            framework_urns.add(framework["urn"])
            for node in framework["requirement_nodes"]:
                assert URN.match(node["urn"]) and len(node.get("name", "")) <= 200
                node_urns.add(node["urn"])
    for name, lib in libraries.items():
        for dependency in lib.get("dependencies", []):
            assert dependency in library_urns, (name, dependency)
        for mapping_set in lib["objects"].get("requirement_mapping_sets", []):
            assert {"urn", "name", "source_framework_urn", "target_framework_urn"} <= set(mapping_set)
            assert {mapping_set["source_framework_urn"], mapping_set["target_framework_urn"]} <= framework_urns
            for row in mapping_set["requirement_mappings"]:
                assert {row["source_requirement_urn"], row["target_requirement_urn"]} <= node_urns
                assert row["relationship"] in RELATIONSHIPS and 0 <= row["strength_of_relationship"] <= 10


def test_crosswalk_rows_become_strm_mappings_both_ways(exported: tuple[CatalogueSet, dict[str, Any]]) -> None:
    cs, libraries = exported
    forward, revert = libraries["mapping-acme-recovery-and-itscm-audit-objectives.yaml"]["objects"][
        "requirement_mapping_sets"]
    assert revert["urn"] == forward["urn"] + "-revert"
    assert forward["source_framework_urn"] == "urn:acme:risk:framework:acme-recovery"  # the library's own URN
    first, second = forward["requirement_mappings"]
    assert first == {"source_requirement_urn": f"{ca.BASE}:1.1",
                     "target_requirement_urn": "urn:itscm-audit:risk:req_node:itscm-audit-objectives:obj-recovery-within-rto",
                     "relationship": "subset", "rationale": "semantic", "strength_of_relationship": 8,
                     "annotation": "Both want recovery within the RTO."}
    assert second["relationship"] == "superset" and second["annotation"] == (
        "Interval only. Not covered: offsite copies. Only these parts of the objective count: bia.rpo_backup_interval.")
    assert [r["relationship"] for r in revert["requirement_mappings"]] == ["superset", "subset"]
    assert revert["requirement_mappings"][0]["source_requirement_urn"] == first["target_requirement_urn"]
    iso = libraries["mapping-iso22301-and-itscm-audit-objectives.yaml"]["objects"]["requirement_mapping_sets"][0]
    assert len(iso["requirement_mappings"]) == len(cs.mappings["iso22301"])
    objectives = nodes(libraries["itscm-audit-objectives.yaml"])
    assert [n["ref_id"] for n in objectives] == [o.id for o in cs.objectives]


def test_our_catalogue_comes_back_from_its_ciso_assistant_library(tmp_path: Path) -> None:
    """Ours -> CISO Assistant -> ours keeps every requirement's id, parent, title and summary."""
    cs = load_catalogue_set([frameworks_dir()])
    for fid in ("nist-800-53-cp", "hipaa"):
        cat = cs.catalogue(fid)
        path = tmp_path / f"{fid}.yaml"
        path.write_text(library_yaml(framework_library(cat)), encoding="utf-8")
        back = import_library(path, f"{fid}-back").catalogue
        assert [(r.id, r.parent, r.title, r.summary) for r in back.requirements] == [
            (r.id, r.parent, r.title, r.summary) for r in cat.requirements]
        assert library_yaml(framework_library(cat)) == path.read_text(encoding="utf-8")  # same bytes again


def test_export_command_and_unknown_framework(tmp_path: Path) -> None:
    code, out, _ = run("export-ciso-assistant", "gdpr", "--out", str(tmp_path / "ca"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "ca").iterdir()) == [
        "gdpr.yaml", "itscm-audit-objectives.yaml", "mapping-gdpr-and-itscm-audit-objectives.yaml"]
    assert out.count("written ") == 3
    code, _, err = run("export-ciso-assistant", "nis2", "--out", str(tmp_path / "ca"))
    assert code == 2 and "unknown framework 'nis2'" in err
