"""Fixing a mapping without editing YAML by hand (``--map``, ``columns:``), the detection API that
``init --from`` builds on, and the interpretations the import summary lists."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from fixture_script import fx, shapes
from itscm_audit.cli import main
from itscm_audit.config import load_config
from itscm_audit.importers import detect_tables, import_files, import_sources
from itscm_audit.importers.profiles import load_profile
from itscm_audit.model import EntityKind


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["import", *args])
    return result.exit_code, result.stdout, result.stderr


def _odd_headers(folder: Path) -> Path:
    """Headers no synonym knows: the officer has to say what they are."""
    path = folder / "odd.csv"
    path.write_text("Service ID,Service Name,Privacy class,Phase,Remarks\n"
                    "SVC-1,Claims,Yes,Retired,old\nSVC-2,Portal,No,Active,\n", encoding="utf-8")
    return path


def test_map_option_forces_fields_and_is_saved_in_the_profile(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    source = _odd_headers(workspace)
    code, out, _err = _run(str(source), "--workspace", str(workspace), "--map", "Privacy class=personal_data",
                           "--map", "Phase=status", "--map", "Remarks=", "--as-of", "2026-09-30")
    assert code == 0, out
    assert "'Privacy class'" in out and "-> personal_data  [--map]" in out
    assert "'Remarks'" in out and "kept as extra attribute  [--map]" in out
    profile = load_profile(workspace, "odd.csv")
    assert profile is not None
    fields = {c.header: c.field for c in profile.tables[0].columns}
    assert fields == {"Service ID": "id", "Service Name": "name", "Privacy class": "personal_data",
                      "Phase": "status", "Remarks": None}
    # next quarter: the saved profile reads the file the same way without any --map
    again = import_files([source], workspace)
    claims, portal = again.data.services
    assert (claims.personal_data, claims.status, claims.in_scope, claims.extra) == (True, "retired", False,
                                                                                   {"Remarks": "old"})
    assert (portal.personal_data, portal.status) == (False, "active")
    assert again.mappings[0].from_profile


def test_map_option_overrides_a_saved_profile(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    source = _odd_headers(workspace)
    assert _run(str(source), "--workspace", str(workspace), "--as-of", "2026-09-30")[0] == 0
    before = load_profile(workspace, "odd.csv")
    assert before is not None and {c.header: c.field for c in before.tables[0].columns}["Phase"] is None
    code, _out, _err = _run(str(source), "--workspace", str(workspace), "--map", "Phase=status",
                            "--as-of", "2026-09-30")
    assert code == 0
    after = load_profile(workspace, "odd.csv")
    assert after is not None and {c.header: c.field for c in after.tables[0].columns}["Phase"] == "status"


def test_bad_map_options_are_usage_errors(tmp_path: Path) -> None:
    source = _odd_headers(tmp_path)
    code, _out, err = _run(str(source), "--map", "Phase")
    assert code == 2 and "is not HEADER=FIELD" in err and len(err.strip().splitlines()) == 1
    code, _out, err = _run(str(source), "--map", "Phase=lifecycle_phase")
    assert code == 2 and "'lifecycle_phase' is not a field of any table" in err


def test_a_map_the_file_does_not_use_is_reported(tmp_path: Path) -> None:
    result = import_files([_odd_headers(tmp_path)], None, columns={"Lifecycle": "status",
                                                                   "Remarks": "finding.description"})
    unused = [(i.code, i.message) for i in result.issues if i.code.startswith("column.map")]
    assert ("column.map_unused", "the mapping 'Lifecycle' matches no column header in this file") in unused
    assert any(code == "column.map_ignored" and "'finding.description' is not a field of a service table" in message
               for code, message in unused)
    assert result.data.services[0].extra["Remarks"] == "old"


def test_columns_block_in_itscm_yaml(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "data").mkdir(parents=True)
    _odd_headers(root / "data")
    (root / "itscm.yaml").write_text(yaml.safe_dump({
        "organisation": {"name": "T"}, "as_of": "2026-09-30",
        "sources": [{"path": "data/odd.csv", "columns": {"Privacy class": "personal_data", "Phase": "status"}}],
    }), encoding="utf-8")
    config = load_config(root)
    assert config.sources[0].columns == {"Privacy class": "personal_data", "Phase": "status"}
    result = import_sources(root, config)
    assert [(s.id, s.personal_data, s.status) for s in result.data.services] == [("SVC-1", True, "retired"),
                                                                                ("SVC-2", False, "active")]


def test_detect_tables_reports_entity_runner_up_confidence_and_columns(tmp_path: Path) -> None:
    (table,) = detect_tables(shapes.exercise_register(tmp_path))
    assert (table.sheet, table.entity, table.header_row) == ("Exercise Register", EntityKind.EXERCISE, 1)
    assert table.runner_up is not None and 0.5 <= table.confidence < 1.0
    assert {c.header: c.field for c in table.columns}["Issue identified"] == "finding.description"
    assert all(c.confidence >= 0.95 for c in table.columns if c.field)
    (bia,) = detect_tables(shapes.bia_register_with_noise(tmp_path))
    assert (bia.entity, bia.header_row, bia.runner_up, bia.confidence) == (EntityKind.SERVICE, 4, None, 1.0)
    fuzzy = detect_tables(fx.header_on_row_5(tmp_path))
    assert fuzzy[0].issues == ()


def test_json_lists_interpretations_and_the_runner_up(tmp_path: Path) -> None:
    code, out, _err = _run(str(shapes.bia_register_with_noise(tmp_path)), "--json", "--as-of", "2026-09-30")
    assert code == 0
    data = json.loads(out)
    readings = {(r["column"], r["raw"]): r for r in data["interpretations"]}
    assert readings[("Criticality", "Low")] == {
        "file": data["tables"][0]["file"], "sheet": "BIA 2026", "column": "Criticality", "field": "tier",
        "raw": "Low", "value": "4", "count": 1, "confidence": "low"}
    assert readings[("RPO (hrs)", "24")]["value"] == "24h" and readings[("RPO (hrs)", "24")]["count"] == 2
    assert data["tables"][0]["runner_up"] is None and data["tables"][0]["confidence"] == 1.0
    services = data["records"]["services"]
    assert services[1]["not_given"] == {"rto": "unknown"} and services[1]["raw"]["rto"] == "TBD"
    assert services[0]["columns"]["rto"] == "RTO (hrs)"


def test_summary_lists_readings_per_column(tmp_path: Path) -> None:
    code, out, _err = _run(str(shapes.bia_register_with_noise(tmp_path)), "--as-of", "2026-09-30")
    assert code == 0
    assert "read as: 'Tier 1' -> 1 x3, 'High' -> 2 x1 (check), 'Low' -> 4 x1 (check)" in out
    assert "read as: 'Core Banking' -> SVC-01 x1" in out
    assert "row 7, column 'RTO (hrs)', value 'TBD': RTO not given (not known): 'TBD'" in out


def test_a_table_no_synonym_knows_is_read_once_the_officer_maps_it(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text("Key,Label,Privacy class\nK-1,Claims,Yes\nK-2,Portal,No\n", encoding="utf-8")
    assert import_files([path], None).mappings == ()
    result = import_files([path], None, columns={"Key": "id", "Label": "name", "Privacy class": "personal_data"})
    assert [(s.id, s.name, s.personal_data) for s in result.data.services] == [("K-1", "Claims", True),
                                                                               ("K-2", "Portal", False)]
