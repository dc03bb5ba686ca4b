"""Workspace imports: configured sources, mapping profiles saved and reused, next quarter's changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from fixture_script import fx
from itscm_audit.config import load_config, parse_config
from itscm_audit.errors import SourceError
from itscm_audit.importers import import_files, import_sources
from itscm_audit.model import ENTITY_FIELD, EntityKind, Severity

ROOT = Path(__file__).resolve().parent.parent




@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return fx.example_like_workspace(tmp_path)


def _rename_header(path: Path, sheet: str, old: str, new: str) -> None:
    wb = load_workbook(path)
    for row in wb[sheet].iter_rows():
        for cell in row:
            if cell.value == old:
                cell.value = new
    wb.save(path)


def test_workspace_without_sources_imports_every_file_in_data(ws: Path) -> None:
    result = import_sources(ws, load_config(ws))
    assert [s.id for s in result.data.services] == ["SVC-001", "SVC-002"]
    assert [e.id for e in result.data.exercises] == ["EX-2026-031", "EX-2026-032"]
    assert [f.id for f in result.data.findings] == ["F-001"]
    assert [a.id for a in result.data.corrective_actions] == ["CA-001"]
    assert len(result.data.backup_runs) == 2
    assert sorted(result.digests) == ["data/backup-log.csv", "data/exercise-log.xlsx",
                                      "data/service-inventory-bia.xlsx"]
    assert all(len(d) == 64 for d in result.digests.values())
    service = result.data.services[0]
    assert (service.source.file, service.source.sheet, service.source.row) == (
        "data/service-inventory-bia.xlsx", "Services", 5)
    assert not [i for i in result.issues if i.severity is Severity.ERROR]


def test_digest_is_of_the_bytes_read(ws: Path) -> None:
    import hashlib

    result = import_sources(ws, load_config(ws))
    for label, digest in result.digests.items():
        assert digest == hashlib.sha256((ws / label).read_bytes()).hexdigest()


def test_profiles_are_saved_then_used_silently_with_identical_records(ws: Path) -> None:
    config = load_config(ws)
    first = import_sources(ws, config)
    profiles = sorted(p.name for p in (ws / ".itscm" / "profiles").iterdir() if not p.name.startswith("."))
    assert profiles == ["data-backup-log-csv.yaml", "data-exercise-log-xlsx.yaml",
                        "data-service-inventory-bia-xlsx.yaml"]
    saved = yaml.safe_load((ws / ".itscm" / "profiles" / "data-exercise-log-xlsx.yaml").read_text())
    assert [t["sheet"] for t in saved["tables"]] == ["Exercises", "Findings", "Corrective Actions"]
    assert saved["tables"][0]["columns"][0] == {"column": "A", "header": "Exercise ID", "field": "id"}
    second = import_sources(ws, config)
    assert all(m.from_profile for m in second.mappings)
    assert second.data == first.data
    assert second.data.model_dump_json() == first.data.model_dump_json()
    assert second.accounts == first.accounts
    assert not [i for i in second.issues if i.code in ("column.fuzzy", "profile.mismatch")]


def test_a_profile_edited_by_the_officer_is_obeyed(ws: Path) -> None:
    config = load_config(ws)
    import_sources(ws, config)
    path = ws / ".itscm" / "profiles" / "data-service-inventory-bia-xlsx.yaml"
    profile = yaml.safe_load(path.read_text())
    for column in profile["tables"][0]["columns"]:
        if column["header"] == "Recovery Strategy":
            column["field"] = None
    path.write_text(yaml.safe_dump(profile))
    result = import_sources(ws, config)
    service = result.data.services[0]
    assert service.recovery_strategy is None and service.extra["Recovery Strategy"] == "Warm standby"


def test_renamed_column_next_quarter_is_a_located_message(ws: Path) -> None:
    config = load_config(ws)
    import_sources(ws, config)
    _rename_header(ws / "data" / "exercise-log.xlsx", "Findings", "Severity", "Risk Rating")
    result = import_sources(ws, config)
    (issue,) = [i for i in result.issues if i.code == "profile.mismatch"]
    assert (issue.source.file, issue.source.sheet, issue.source.row, issue.source.column, issue.source.value) == (
        "data/exercise-log.xlsx", "Findings", 1, "Severity", "Risk Rating")
    assert "column E was 'Severity', now 'Risk Rating'" in issue.message
    (finding,) = result.data.findings  # detection took over, the import still happens
    assert finding.severity == "High"


def test_moved_and_missing_columns_are_named(ws: Path) -> None:
    config = load_config(ws)
    import_sources(ws, config)
    path = ws / "data" / "exercise-log.xlsx"
    wb = load_workbook(path)
    sheet = wb["Corrective Actions"]
    sheet.insert_cols(1)
    sheet.delete_cols(9)  # "Closed On" is gone, everything else moved right by one
    wb.save(path)
    result = import_sources(ws, config)
    messages = [i.message for i in result.issues if i.code == "profile.mismatch"]
    assert any("column 'Action ID' moved from A to B" in m for m in messages)
    assert any("column 'Closed On' (H) is missing" in m or "'Closed On'" in m for m in messages)
    (action,) = result.data.corrective_actions
    assert action.id == "CA-001" and action.owner == "Net team"


def test_confirmed_import_overwrites_the_profile(ws: Path) -> None:
    config = load_config(ws)
    import_sources(ws, config)
    _rename_header(ws / "data" / "exercise-log.xlsx", "Findings", "Severity", "Risk Rating")
    import_files([ws / "data" / "exercise-log.xlsx"], ws, save_profiles=True)
    result = import_sources(ws, config)
    assert not [i for i in result.issues if i.code == "profile.mismatch"]
    assert all(m.from_profile for m in result.mappings)


def test_damaged_profile_is_a_located_error(ws: Path) -> None:
    config = load_config(ws)
    import_sources(ws, config)
    (ws / ".itscm" / "profiles" / "data-backup-log-csv.yaml").write_text("tables: [oops\n")
    with pytest.raises(SourceError) as caught:
        import_sources(ws, config)
    assert caught.value.location == ".itscm/profiles/data-backup-log-csv.yaml"


def test_configured_sources_with_entity_and_sheet(ws: Path) -> None:
    text = (ws / "itscm.yaml").read_text() + (
        "sources:\n"
        "  - {path: data/exercise-log.xlsx, entity: finding, sheet: Findings}\n"
        "  - {path: data/exercise-log.xlsx, entity: corrective_action, sheet: Corrective Actions}\n"
        "vocabularies:\n  action_status: {In progress: closed}\n")
    config = parse_config(text, ws / "itscm.yaml")
    result = import_sources(ws, config)
    assert result.data.exercises == () and len(result.data.findings) == 1
    assert result.data.corrective_actions[0].status.value == "closed"  # the workspace vocabulary wins
    assert list(result.digests) == ["data/exercise-log.xlsx"]


def test_missing_configured_source_raises(ws: Path) -> None:
    config = parse_config((ws / "itscm.yaml").read_text() + "sources:\n  - {path: data/nope.xlsx}\n",
                          ws / "itscm.yaml")
    with pytest.raises(SourceError) as caught:
        import_sources(ws, config)
    assert caught.value.location == "data/nope.xlsx" and "not found" in caught.value.message


def test_unknown_entity_in_config_is_named(ws: Path) -> None:
    config = parse_config((ws / "itscm.yaml").read_text()
                          + "sources:\n  - {path: data/backup-log.csv, entity: backupz}\n", ws / "itscm.yaml")
    with pytest.raises(SourceError, match="unknown entity 'backupz'"):
        import_sources(ws, config)


def test_nothing_usable_raises_with_the_first_problem(ws: Path) -> None:
    for path in (ws / "data").iterdir():
        path.unlink()
    fx.corrupt_zip(ws / "data")
    with pytest.raises(SourceError) as caught:
        import_sources(ws, load_config(ws))
    assert "nothing usable" in caught.value.message and "damaged" in caught.value.message


def test_unusable_source_among_good_ones_is_an_error_issue(ws: Path) -> None:
    fx.password_protected(ws / "data")
    result = import_sources(ws, load_config(ws))
    assert len(result.data.services) == 2
    (issue,) = [i for i in result.issues if i.severity is Severity.ERROR]
    assert issue.source.file == "data/password_protected.xlsx"
    assert "data/password_protected.xlsx" in result.digests


# --- the example organisation (itscm-audit init) --------------------------------------------------------

def _expected_counts(root: Path) -> dict[str, int]:
    """Count the example's rows independently: non-empty first-column cells under each header."""
    counts: dict[str, int] = {}
    for source in load_config(root).sources:
        kind = EntityKind(source.entity) if source.entity else None
        path = root / source.path
        if path.suffix == ".csv":
            lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
            rows = len(lines) - 1
        else:
            wb = load_workbook(path, read_only=True)
            table = list(wb[source.sheet].iter_rows(values_only=True))
            widths = [sum(1 for v in r if v not in (None, "")) for r in table[:10]]
            header = widths.index(max(widths))  # the widest of the first rows is the header
            rows = sum(1 for r in table[header + 1:] if r and r[0] not in (None, ""))
            wb.close()
        key = ENTITY_FIELD[kind] if kind else source.path
        counts[key] = counts.get(key, 0) + rows
    return counts


def test_example_workspace_imports_cleanly(workspace_copy: Path) -> None:
    pytest.importorskip("itscm_audit.example")
    config = load_config(workspace_copy)
    result = import_sources(workspace_copy, config)
    errors = [f"{i.source.label()}: {i.message}" for i in result.issues if i.severity is Severity.ERROR]
    assert errors == []
    warnings = [f"{i.source.label()}: {i.message}" for i in result.issues if i.severity is Severity.WARNING]
    assert warnings == []
    for field, count in _expected_counts(workspace_copy).items():
        assert len(getattr(result.data, field)) == count, field
    for account in result.accounts:
        assert account.rows_read == account.imported + account.rejected + account.skipped
    assert set(result.digests) == {s.path for s in config.sources}
    again = import_sources(workspace_copy, config)
    assert again.data == result.data and all(m.from_profile for m in again.mappings)


def test_example_workspace_values_are_typed(workspace_copy: Path) -> None:
    result = import_sources(workspace_copy, load_config(workspace_copy))
    data = result.data
    assert all(s.tier in (1, 2, 3) for s in data.services)
    assert any(s.rto is not None and s.rpo is not None for s in data.services)
    assert any(s.depends_on for s in data.services)
    assert all(e.date is not None and e.type is not None for e in data.exercises)
    assert any(i.aware is not None and i.aware.hour for i in data.incidents)
    assert {r.status.value for r in data.backup_runs} <= {"success", "failed", "partial"}
    assert any(c.critical_role for c in data.contacts)


def test_copy_of_workspace_keeps_its_profiles(tmp_path: Path, ws: Path) -> None:
    import_sources(ws, load_config(ws))
    moved = tmp_path / "moved"
    shutil.copytree(ws, moved)
    again = import_sources(moved, load_config(moved))
    assert all(m.from_profile for m in again.mappings)
