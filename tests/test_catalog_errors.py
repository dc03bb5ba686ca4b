"""Bad catalogue and crosswalk input gives one located error naming the file and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from itscm_audit.catalog import Relationship, load_catalogue_set, validate_file
from itscm_audit.config import parse_config
from itscm_audit.errors import CatalogError, ExitCode
from itscm_audit.pipeline import load_catalogues
from itscm_audit.resources import frameworks_dir


def catalogue(fw: str = "acme-policy", reqs: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {
        "framework": {"id": fw, "title": "Acme continuity policy", "version": "3", "publisher": "Acme",
                      "jurisdiction": "CA", "source": "internal", "licence_note": "internal"},
        "requirements": reqs if reqs is not None else [
            {"id": "P1", "title": "Exercise critical services yearly"},
            {"id": "P1.1", "parent": "P1", "title": "Failover test yearly"},
        ],
    }


def crosswalk(fw: str, rows: list[dict[str, object]]) -> dict[str, object]:
    return {"crosswalk": {"framework": fw}, "mappings": rows}


def row(req: str, obj: str = "OBJ-EXERCISE-COVERAGE", rel: str = "intersects_with", **extra: object) -> dict[str, object]:
    return {"requirement": req, "objective": obj, "relationship": rel, "rationale_type": "functional",
            "strength": 6, "rationale": "Exercises", "uncovered": "scenario design", **extra}


def write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def load_with(*extra: Path) -> object:
    return load_catalogue_set([frameworks_dir()], list(extra))


def test_unknown_relationship_names_file_and_entry(tmp_path: Path) -> None:
    bad = write(tmp_path, "cw.yaml", crosswalk("iso22301", [row("8.5", rel="roughly_equal")]))
    with pytest.raises(CatalogError) as info:
        load_with(bad)
    assert info.value.location == str(bad)
    assert "entry 8.5 -> OBJ-EXERCISE-COVERAGE" in info.value.message
    assert "intersects_with" in info.value.message  # the allowed values are listed


def test_dangling_requirement_and_objective(tmp_path: Path) -> None:
    bad = write(tmp_path, "cw.yaml", crosswalk("iso22301", [row("8.9")]))
    with pytest.raises(CatalogError, match=r"unknown requirement iso22301:8\.9 \(entry 8\.9 -> ") as info:
        load_with(bad)
    assert info.value.location == str(bad)
    bad2 = write(tmp_path, "cw2.yaml", crosswalk("iso22301", [row("8.5", obj="OBJ-NOPE")]))
    with pytest.raises(CatalogError, match="unknown objective 'OBJ-NOPE'"):
        load_with(bad2)


def test_crosswalk_for_unknown_framework(tmp_path: Path) -> None:
    bad = write(tmp_path, "cw.yaml", crosswalk("nis2", [row("21")]))
    with pytest.raises(CatalogError, match="crosswalk for unknown framework 'nis2'") as info:
        load_with(bad)
    assert info.value.hint is not None and "iso22301" in info.value.hint


def test_duplicate_requirement_id(tmp_path: Path) -> None:
    bad = write(tmp_path, "cat.yaml", catalogue(reqs=[{"id": "P1", "title": "a"}, {"id": "P1", "title": "b"}]))
    with pytest.raises(CatalogError, match=r"duplicate requirement id \(entry P1\)") as info:
        load_with(bad)
    assert info.value.location == str(bad)


def test_duplicate_framework_id_names_both_files(tmp_path: Path) -> None:
    bad = write(tmp_path, "cat.yaml", catalogue(fw="iso22301"))
    with pytest.raises(CatalogError, match="defined twice") as info:
        load_with(bad)
    assert info.value.location == str(bad)
    assert "iso22301.yaml" in info.value.message


def test_tree_cycle_and_unknown_parent(tmp_path: Path) -> None:
    cyc = write(tmp_path, "cyc.yaml", catalogue(reqs=[{"id": "A", "parent": "B", "title": "a"},
                                                      {"id": "B", "parent": "A", "title": "b"}]))
    with pytest.raises(CatalogError, match=r"cycle through .* \(entry A\)") as info:
        load_with(cyc)
    assert info.value.location == str(cyc)
    orphan = write(tmp_path, "orph.yaml", catalogue(reqs=[{"id": "A", "parent": "Z", "title": "a"}]))
    with pytest.raises(CatalogError, match=r"unknown parent 'Z' \(entry A\)"):
        load_with(orphan)


def test_duplicate_mapping_row_and_withdrawn_requirement(tmp_path: Path) -> None:
    dup = write(tmp_path, "dup.yaml", crosswalk("iso22301", [row("8.5"), row("8.5")]))
    with pytest.raises(CatalogError, match="listed twice"):
        load_with(dup)
    gone = write(tmp_path, "gone.yaml", crosswalk("nist-800-53-cp", [row("CP-5")]))
    with pytest.raises(CatalogError, match="withdrawn requirement nist-800-53-cp:CP-5"):
        load_with(gone)


def test_objective_errors(tmp_path: Path) -> None:
    dup = write(tmp_path, "obj.yaml", {"objectives": [{"id": "OBJ-BIA-COMPLETE", "title": "t", "description": "d"}]})
    with pytest.raises(CatalogError, match=r"duplicate objective id \(entry OBJ-BIA-COMPLETE\)") as info:
        load_with(dup)
    assert info.value.location == str(dup)
    rule = write(tmp_path, "rule.yaml", {"objectives": [{"id": "OBJ-ACME", "title": "t", "description": "d",
                                                         "rules": ["bia.magic"]}]})
    shipped_rules = {r for o in load_catalogue_set([frameworks_dir()]).objectives for r in o.rules}
    with pytest.raises(CatalogError, match=r"unknown rule 'bia.magic' \(entry OBJ-ACME\)"):
        load_catalogue_set([frameworks_dir()], [rule], known_rules=shipped_rules)
    badid = write(tmp_path, "badid.yaml", {"objectives": [{"id": "obj-lower", "title": "t", "description": "d"}]})
    with pytest.raises(CatalogError, match=r"entry obj-lower"):
        load_with(badid)


def test_yaml_syntax_error_and_unknown_file_kind(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("crosswalk:\n  framework: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_with(broken)
    assert info.value.location is not None and info.value.location.startswith(f"{broken}:")
    assert info.value.exit_code == ExitCode.INPUT
    other = write(tmp_path, "other.yaml", {"hello": 1})
    with pytest.raises(CatalogError, match="not a catalogue"):
        load_with(other)


def test_workspace_crosswalk_extends_and_corrects_shipped_mappings(tmp_path: Path) -> None:
    extra = write(tmp_path, "our-crosswalk.yaml", crosswalk("iso22301", [
        row("8.5", obj="OBJ-TRAINING-CURRENT", rel="intersects_with", uncovered="the exercises"),
        row("8.5", obj="OBJ-EXERCISE-COVERAGE", rel="equal", uncovered=None, strength=10),
    ]))
    shipped = load_catalogue_set([frameworks_dir()])
    cs = load_catalogue_set([frameworks_dir()], [extra])
    before = [m for m in shipped.mappings["iso22301"] if m.requirement == "8.5"]
    after = [m for m in cs.mappings["iso22301"] if m.requirement == "8.5"]
    assert len(after) == len(before) + 1
    by_obj = {m.objective: m for m in after}
    assert by_obj["OBJ-TRAINING-CURRENT"].relationship == Relationship.INTERSECTS_WITH
    assert by_obj["OBJ-EXERCISE-COVERAGE"].relationship == Relationship.EQUAL  # the workspace row wins
    assert len(cs.mappings["nist-800-53-cp"]) == len(shipped.mappings["nist-800-53-cp"])


def test_workspace_catalogues_through_the_pipeline(tmp_path: Path) -> None:
    (tmp_path / "frameworks").mkdir()
    write(tmp_path / "frameworks", "acme.yaml", catalogue())
    write(tmp_path / "frameworks", "acme-cw.yaml", crosswalk("acme-policy", [row("P1"), row("P1.1")]))
    config = parse_config("organisation:\n  name: Acme\ncatalogues: [frameworks/acme.yaml, frameworks/acme-cw.yaml]\n",
                          tmp_path / "itscm.yaml")
    cs = load_catalogues(tmp_path, config)
    assert cs.catalogue("acme-policy").requirement("P1.1").parent == "P1"
    assert {m.requirement for m in cs.mappings["acme-policy"]} == {"P1", "P1.1"}
    write(tmp_path / "frameworks", "acme-cw.yaml", crosswalk("acme-policy", [row("P2")]))
    with pytest.raises(CatalogError) as info:
        load_catalogues(tmp_path, config)
    assert info.value.location == str(tmp_path / "frameworks" / "acme-cw.yaml")
    assert "acme-policy:P2" in info.value.message


def test_validate_file_reports_what_it_holds(tmp_path: Path) -> None:
    cat = write(tmp_path, "acme.yaml", catalogue())
    assert validate_file(cat) == "catalogue acme-policy: 2 requirements, 0 mapped to objectives"
    cw = write(tmp_path, "cw.yaml", crosswalk("iso22301", [row("8.4.4", obj="OBJ-EXERCISE-COVERAGE")]))
    assert validate_file(cw) == "crosswalk for iso22301: 1 mappings"
    with pytest.raises(CatalogError, match="no such file"):
        validate_file(tmp_path / "missing.yaml")


def test_crosswalk_row_on_a_heading_is_rejected(tmp_path: Path) -> None:
    bad = write(tmp_path, "cw.yaml", crosswalk("dora", [row("Art.11")]))
    with pytest.raises(CatalogError, match=r"mapping names heading dora:Art\.11 \(entry Art\.11 -> ") as info:
        load_with(bad)
    assert info.value.location == str(bad) and "map the children" in (info.value.hint or "")


def test_strength_must_fit_the_relationship(tmp_path: Path) -> None:
    for rel, strength, says in (("equal", 9, "strength 10"), ("intersects_with", 10, "1-9"),
                                ("not_related", 3, "strength 0")):
        bad = write(tmp_path, f"{rel}.yaml", crosswalk("iso22301", [row("8.5", rel=rel, strength=strength)]))
        with pytest.raises(CatalogError, match=says) as info:
            load_with(bad)
        assert info.value.location == str(bad) and "entry 8.5 -> OBJ-EXERCISE-COVERAGE" in info.value.message


def test_two_requirements_of_one_framework_equal_to_one_objective(tmp_path: Path) -> None:
    """The shipped 4.3.2 row is equal to OBJ-SCOPE-DEFINED; a workspace row making 4.3.1 equal too is refused,
    while correcting 4.3.2 itself is allowed (the later row replaces the shipped one)."""
    bad = write(tmp_path, "cw.yaml", crosswalk("iso22301", [
        row("4.3.1", obj="OBJ-SCOPE-DEFINED", rel="equal", uncovered=None, strength=10)]))
    with pytest.raises(CatalogError, match=r"iso22301:4\.3\.2 and iso22301:4\.3\.1 are both 'equal' to "
                                           r"OBJ-SCOPE-DEFINED") as info:
        load_with(bad)
    assert info.value.location == str(bad)
    fix = write(tmp_path, "fix.yaml", crosswalk("iso22301", [
        row("4.3.2", obj="OBJ-SCOPE-DEFINED", rel="subset_of", uncovered=None, strength=8),
        row("4.3.1", obj="OBJ-SCOPE-DEFINED", rel="equal", uncovered=None, strength=10)]))
    load_with(fix)


def test_covers_must_name_parts_of_the_objective(tmp_path: Path) -> None:
    bad = write(tmp_path, "cw.yaml", crosswalk("iso22301", [row("8.5", covers=["bia.complete"])]))
    with pytest.raises(CatalogError, match="covers names bia.complete, not a rule or evidence type of "
                                           "OBJ-EXERCISE-COVERAGE") as info:
        load_with(bad)
    assert "exercise.coverage" in (info.value.hint or "")
    att = write(tmp_path, "att.yaml", crosswalk("iso22301", [row("5.1", obj="OBJ-TOP-MGMT-COMMITMENT",
                                                                 covers=["x"])]))
    with pytest.raises(CatalogError, match="attestation-only objective OBJ-TOP-MGMT-COMMITMENT"):
        load_with(att)


def test_ids_off_the_official_numbering_are_rejected(tmp_path: Path) -> None:
    data = catalogue()
    data["framework"]["id_pattern"] = r"^P[1-9](\.[1-9])?$"  # type: ignore[index]
    good = write(tmp_path, "good.yaml", data)
    load_with(good)
    data["requirements"] = [{"id": "P1", "title": "a"}, {"id": "P1a", "title": "b"}]
    bad = write(tmp_path, "bad.yaml", data)
    with pytest.raises(CatalogError, match=r"does not follow the official numbering \(entry P1a\)") as info:
        load_with(bad)
    assert info.value.location == str(bad) and r"^P[1-9](\.[1-9])?$" in (info.value.hint or "")
    data["framework"]["id_pattern"] = "^P[1-9"  # type: ignore[index]
    broken = write(tmp_path, "broken.yaml", data)
    with pytest.raises(CatalogError, match="id_pattern.*not a valid regular expression"):
        load_with(broken)
