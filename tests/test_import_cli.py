"""``itscm-audit import``: readable summary, --json, profiles, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fixture_script import fx
from itscm_audit.cli import main

ROOT = Path(__file__).resolve().parent.parent




def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["import", *args])
    return result.exit_code, result.stdout, result.stderr


def test_summary_shows_mapping_confidence_accounting_and_problems(tmp_path: Path) -> None:
    good = fx.header_on_row_5(tmp_path)
    tiers = fx.undecidable_dates(tmp_path)
    code, out, _err = _run(str(good), str(tiers))
    assert code == 0
    assert "sheet 'Services', header on row 5: service (detected)" in out
    assert "'RTO (hrs)'" in out and "-> rto  [1.00]" in out
    assert "'Notes'" in out and "kept as extra attribute" in out
    assert "rows read 4 = imported 3 + rejected 0 + skipped 1" in out
    assert "row 2, column 'Date', value '04/05/2026': '04/05/2026' could be day-first or month-first" in out
    assert "Imported: 3 service, 0 exercise" in out


def test_json_has_records_issues_accounts_and_mappings(tmp_path: Path) -> None:
    code, out, _err = _run(str(fx.semicolon_no_sniff(tmp_path)), "--json")
    assert code == 0
    data = json.loads(out)
    exercises = data["records"]["exercises"]
    assert [e["id"] for e in exercises] == ["EX-001", "EX-002", "EX-003"]
    assert exercises[0]["type"] == "tabletop" and exercises[0]["services"] == ["SVC-001", "SVC-002"]
    assert exercises[0]["source"]["row"] == 2
    assert data["accounts"][0]["rows_read"] == 3
    assert data["tables"][0]["columns"][0] == {"column": "A", "header": "Exercise ID", "field": "id",
                                               "confidence": 1.0}
    # the services are named by their codes and no service register came with the log: said once, as a note
    assert [(i["code"], i["severity"], i["source"]["column"]) for i in data["issues"]] == [
        ("reference.unchecked", "info", "Services Tested")]


def test_durations_serialise_as_iso_8601_in_json(tmp_path: Path) -> None:
    _code, out, _err = _run(str(fx.header_on_row_5(tmp_path)), "--json")
    service = json.loads(out)["records"]["services"][0]
    assert service["rto"] == "PT4H" and service["mtpd"] == "P3D"


def test_nothing_usable_exits_3_with_one_line(tmp_path: Path) -> None:
    code, out, err = _run(str(fx.zip_bomb(tmp_path)))
    assert code == 3
    assert "compression bomb" in out
    assert err.startswith("error: ") and "nothing usable" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_missing_file_exits_3_without_traceback(tmp_path: Path) -> None:
    code, out, err = _run(str(tmp_path / "nope.xlsx"))
    assert code == 3 and "file not found" in out and "Traceback" not in err


def test_unknown_entity_is_a_usage_error(tmp_path: Path) -> None:
    code, _out, err = _run(str(fx.semicolon_no_sniff(tmp_path)), "--entity", "drill")
    assert code == 2 and "unknown entity 'drill'" in err


def test_entity_override_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("ref_id,name\nA1,Payroll\nA2,Email\n", encoding="utf-8")
    code, out, _err = _run(str(path), "--entity", "service", "--json")
    assert code == 0
    assert [s["name"] for s in json.loads(out)["records"]["services"]] == ["Payroll", "Email"]


def test_save_profile_then_silent_reimport(tmp_path: Path) -> None:
    ws = fx.example_like_workspace(tmp_path)
    target = ws / "data" / "exercise-log.xlsx"
    code, out, _err = _run(str(target), "--workspace", str(ws))
    assert code == 0 and "Column mappings saved" in out
    assert (ws / ".itscm" / "profiles" / "data-exercise-log-xlsx.yaml").is_file()
    code, out, _err = _run(str(target), "--workspace", str(ws), "--no-save-profile")
    assert code == 0 and "(saved profile)" in out and "(detected)" not in out and "[1.00]" not in out


def test_save_profile_needs_a_workspace(tmp_path: Path) -> None:
    code, _out, err = _run(str(fx.semicolon_no_sniff(tmp_path)), "--save-profile")
    assert code == 2 and "--workspace" in err


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["import", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "--entity" in result.output
