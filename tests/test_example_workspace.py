"""The example workspace written by ``itscm-audit init``: files, settings, sheets, evidence, refusal."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from itscm_audit.config import Policy, load_config
from itscm_audit.errors import WorkspaceError
from itscm_audit.example import init_workspace

DOC = Path(__file__).resolve().parent.parent / "docs" / "example-workspace.md"

FRAMEWORKS = ("iso22301", "itil4-scm", "iso27001-2022", "nist-800-53-cp", "nist-csf2-rc", "soc2-availability",
              "dora", "gdpr", "pipeda", "quebec-law25", "hipaa", "phipa")

# The layout and headers of docs/example-workspace.md, which the importer's synonyms are built on.
SHEETS: dict[str, dict[str, tuple[str, ...]]] = {
    "data/service-inventory-bia.xlsx": {
        "Services": ("Service ID", "Service Name", "Tier", "Business Owner", "MTPD", "RTO (hrs)", "RPO (hrs)",
                     "Backup Frequency", "Personal Data?", "PHI?", "Depends On", "Vendors", "Recovery Strategy",
                     "Plan Ref", "Last BIA Review", "Notes"),
    },
    "data/exercise-log.xlsx": {
        "Exercises": ("Exercise ID", "Date", "Type", "Scenario", "Services Tested", "Achieved Recovery Time",
                      "Data Loss", "Result", "Report"),
        "Findings": ("Finding ID", "Exercise ID", "Incident ID", "Finding", "Severity", "Raised"),
        "Corrective Actions": ("Action ID", "Finding ID", "Action", "Owner", "Opened", "Due Date", "Status",
                               "Closed On"),
    },
    "data/call-tree.xlsx": {
        "Call Tree": ("Role", "Name", "Alternate", "Phone", "Email", "Backup Channel", "Critical Role?",
                      "Last Verified"),
    },
    "data/plans-and-training.xlsx": {
        "Plan Documents": ("Doc ID", "Title", "Type", "Owner", "Version", "Approved By", "Approved On",
                           "Last Review", "Services"),
        "Training": ("Name", "Role", "Course", "Completed"),
    },
    "data/incident-register.xlsx": {
        "Incident Register": ("Incident ID", "Title", "Detected", "Became Aware", "Personal Data Breach?",
                              "Risk of Harm", "Jurisdictions", "Regulator Notified", "Individuals Notified",
                              "In Breach Register?", "Major ICT Incident?", "Classified Major", "Initial Report",
                              "Intermediate Report", "Final Report", "Services"),
    },
    "data/risk-register.xlsx": {
        "Risk Register": ("Risk ID", "Risk", "Likelihood", "Impact", "Treatment", "Owner", "Services"),
    },
    "attestations.xlsx": {
        "Attestations": ("Target", "Status", "Statement", "Justification", "Attested By", "Date", "Evidence"),
    },
}
CSV_HEADERS = {
    "data/vendors.csv": "Vendor ID,Vendor,Services Supported,Contract RTO,Contract RPO,Contact,BC Plan Reviewed",
    "data/backup-log.csv": "Service,Completed At,Status,Restore Test",
}


def _rows(path: Path, sheet: str) -> list[list[object]]:
    sheet_rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return [list(row) for row in sheet_rows]


def test_init_writes_every_documented_file(example_workspace: Path) -> None:
    files = {p.relative_to(example_workspace).as_posix() for p in example_workspace.rglob("*") if p.is_file()}
    expected = {"itscm.yaml", "evidence/manifest.yaml", *SHEETS, *CSV_HEADERS}
    assert expected <= files
    for folder in ("exercises", "plans", "backups", "training", "vendors", "incidents"):
        assert any(f.startswith(f"evidence/{folder}/") for f in files), folder
    assert (example_workspace / "reports").is_dir()
    assert list((example_workspace / "reports").iterdir()) == []
    assert not [f for f in files if ".tmp" in f], "temporary files left behind"


def test_config_validates_with_the_documented_settings(example_workspace: Path) -> None:
    config = load_config(example_workspace)
    assert config.organisation.name == "Aurora Mutual Insurance"
    assert config.organisation.sector == "insurance"
    assert config.organisation.jurisdictions == ("CA", "CA-QC", "CA-ON", "EU", "US")
    assert config.frameworks == FRAMEWORKS
    assert config.as_of == date(2026, 9, 30)
    # Every policy value is written out at its default, except the documented exercise-report TTL.
    assert config.policy.model_copy(update={"evidence_ttl_days": {}}) == Policy()
    assert config.policy.evidence_ttl_days == {"post_exercise_report": 760}
    text = (example_workspace / "itscm.yaml").read_text(encoding="utf-8")
    assert "exercise_window_months: 12" in text and "# " in text
    listed = {(s.path, s.sheet) for s in config.sources}
    documented = {(f, sheet) for f, sheets in SHEETS.items() if f.startswith("data/") for sheet in sheets}
    assert listed == documented | {(f, None) for f in CSV_HEADERS}
    entities = {s.entity for s in config.sources}
    assert entities == {"service", "exercise", "finding", "corrective_action", "contact", "vendor",
                        "plan_document", "training_record", "incident", "risk", "backup_run"}


def test_sheets_and_headers_are_as_documented(example_workspace: Path) -> None:
    doc = DOC.read_text(encoding="utf-8")
    for file, sheets in SHEETS.items():
        book = CalamineWorkbook.from_path(str(example_workspace / file))
        for sheet, headers in sheets.items():
            assert sheet in book.sheet_names, (file, sheet)
            rows = _rows(example_workspace / file, sheet)
            header_row = 3 if sheet == "Services" else 0
            assert tuple(rows[header_row][: len(headers)]) == headers, (file, sheet)
            assert len(rows) > header_row + 1, f"{file} {sheet} has no data rows"
            assert f'"{sheet}"' in doc, f"sheet {sheet} not in the doc"
            for header in headers:
                assert header in doc, f"header {header!r} not in docs/example-workspace.md"
    for file, header in CSV_HEADERS.items():
        assert (example_workspace / file).read_text(encoding="utf-8").splitlines()[0] == header


def test_services_sheet_looks_kept_by_a_person(example_workspace: Path) -> None:
    from openpyxl import load_workbook

    path = example_workspace / "data" / "service-inventory-bia.xlsx"
    rows = _rows(path, "Services")
    assert "Aurora Mutual Insurance" in str(rows[0][0])
    assert rows[1][0] == "Prepared by" and rows[1][3] == "Last updated"
    assert all(v == "" for v in rows[2])
    first = dict(zip(rows[3], rows[4], strict=True))
    assert first["Tier"] == "Tier 1" and first["MTPD"] == "3 days" and first["RTO (hrs)"] == 8.0
    assert first["Depends On"] == "SVC-011, SVC-012"
    assert "Read me" in CalamineWorkbook.from_path(str(path)).sheet_names
    sheet = load_workbook(path)["Services"]
    assert sheet.freeze_panes == "B5"
    assert sheet["A4"].font.b is True
    assert sheet.column_dimensions["B"].width > 20
    assert sheet.auto_filter.ref is not None


def test_example_size_and_tiers(example_workspace: Path) -> None:
    services = _rows(example_workspace / "data" / "service-inventory-bia.xlsx", "Services")[4:]
    tiers = {row[2] for row in services}
    assert 38 <= len(services) <= 45 and tiers == {"Tier 1", "Tier 2", "Tier 3"}
    exercises = _rows(example_workspace / "data" / "exercise-log.xlsx", "Exercises")[1:]
    dates = [row[1] for row in exercises]
    assert len(exercises) >= 60
    assert all(isinstance(d, date) and date(2024, 9, 30) < d < date(2026, 9, 30) for d in dates)


def test_manifest_hashes_match_the_files(example_workspace: Path) -> None:
    evidence = example_workspace / "evidence"
    manifest = yaml.safe_load((evidence / "manifest.yaml").read_text(encoding="utf-8"))
    items = manifest["items"]
    assert len(items) > 20
    for item in items:
        data = (evidence / item["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item["sha256"], item["path"]
    on_disk = {p.relative_to(evidence).as_posix() for p in evidence.rglob("*") if p.is_file()}
    assert on_disk - {"manifest.yaml"} == {i["path"] for i in items}
    # Exactly one item is deliberately past its own time-to-live at the as-of date.
    stale = [i for i in items if "ttl_days" in i
             and i["collected"] + timedelta(days=i["ttl_days"]) < date(2026, 9, 30)]
    assert [i["path"] for i in stale] == ["vendors/V-003-bc-attestation.md"]


def test_manifest_types_are_shipped_evidence_types(example_workspace: Path) -> None:
    from itscm_audit.resources import evidence_types_dir

    shipped = {t["id"] for t in yaml.safe_load((evidence_types_dir() / "types.yaml").read_text())["types"]}
    items = yaml.safe_load((example_workspace / "evidence" / "manifest.yaml").read_text())["items"]
    assert {i["type"] for i in items} <= shipped


def test_exercise_reports_point_into_the_locker(example_workspace: Path) -> None:
    rows = _rows(example_workspace / "data" / "exercise-log.xlsx", "Exercises")[1:]
    reports = [row[8] for row in rows]
    missing = [row[0] for row in rows if not row[8]]
    assert len(missing) == 1  # the deliberate exercise without a report
    for report in filter(None, reports):
        assert (example_workspace / "evidence" / str(report)).is_file(), report


def test_attestations_include_commitment_and_justified_not_applicable(example_workspace: Path) -> None:
    rows = _rows(example_workspace / "attestations.xlsx", "Attestations")
    header, body = rows[0], rows[1:]
    records = [dict(zip(header, row, strict=True)) for row in body]
    by_target = {r["Target"]: r for r in records}
    assert by_target["iso22301:5.1"]["Status"] == "Met"
    na = [r for r in records if r["Status"] == "Not applicable"]
    assert na and all(str(r["Justification"]).strip() for r in na)
    assert "How to fill in" in CalamineWorkbook.from_path(str(example_workspace / "attestations.xlsx")).sheet_names
    for record in records:
        for path in filter(None, (p.strip() for p in str(record["Evidence"]).split(","))):
            assert (example_workspace / "evidence" / path).is_file(), path


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        init_workspace(tmp_path)
    assert info.value.location == str(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "itscm.yaml").exists()


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "aurora"
    target.write_text("", encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        init_workspace(target)
    assert info.value.location == str(target)


def test_init_accepts_an_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert init_workspace(target) == target
    assert (target / "itscm.yaml").is_file()


def test_cli_init_on_non_empty_folder_is_one_line_exit_3(tmp_path: Path) -> None:
    from itscm_audit.cli import main

    (tmp_path / "existing.xlsx").write_bytes(b"x")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 3
    output = result.output.strip()
    assert len(output.splitlines()) == 1
    assert "not empty" in output and str(tmp_path) in output
    assert "Traceback" not in output


def test_cli_init_creates_the_workspace(tmp_path: Path) -> None:
    from itscm_audit.cli import main

    result = CliRunner().invoke(main, ["init", str(tmp_path / "acme")])
    assert result.exit_code == 0, result.output
    assert load_config(tmp_path / "acme").organisation.name == "Aurora Mutual Insurance"


def test_two_inits_write_identical_files(example_workspace: Path, tmp_path: Path) -> None:
    second = init_workspace(tmp_path / "again")

    def digests(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file() and ".itscm" not in p.parts}

    assert digests(second) == digests(example_workspace)


def test_every_rule_fails_somewhere_and_every_status_shows(example_run) -> None:  # type: ignore[no-untyped-def]
    """The example's deliberate gaps: each rule finds one, and the packs show met, partial and not met."""
    from itscm_audit.result import Outcome, Status

    result = example_run.result
    clean = [c.rule_id for c in result.checks
             if not any(e.outcome in (Outcome.FAIL, Outcome.PARTIAL) for e in c.entities)]
    assert clean == []
    reviewed = next(c for c in result.checks if c.rule_id == "bia.reviewed")
    assert sorted(e.entity_id for e in reviewed.failing) == ["SVC-007", "SVC-018", "SVC-029", "SVC-040"]
    statuses = {r.status for r in result.requirements}
    assert {Status.MET, Status.PARTIALLY_MET, Status.NOT_MET, Status.NOT_APPLICABLE} <= statuses
    assert [i for i in result.issues if i.severity.value == "error"] == []
