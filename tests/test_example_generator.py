"""The organisation builder: the example's deliberate gaps, the synthetic sizes, and import round trips."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from itscm_audit.example import (
    BACKUP_HEADERS,
    SERVICE_HEADERS,
    SyntheticOrganisation,
    build_organisation,
    write_workspace,
)

AS_OF = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def example() -> SyntheticOrganisation:
    return build_organisation("small")


def _records(org: SyntheticOrganisation, entity: str) -> list[dict[str, object]]:
    table = org.table(entity)
    return [dict(zip(table.headers, row, strict=True)) for row in table.rows]


def _hours(text: object) -> float:
    text = str(text)
    if text.endswith("h") and text[:-1].isdigit():
        return float(text[:-1])
    number, unit = text.split()[:2]
    return float(number) * {"hours": 1, "hour": 1, "days": 24, "week": 168, "weeks": 168}[unit]


def test_example_builder_is_deterministic() -> None:
    assert build_organisation("small") == build_organisation("small")
    assert build_organisation(50, seed=7) == build_organisation(50, seed=7)
    assert build_organisation(50, seed=7) != build_organisation(50, seed=8)


def test_example_contains_the_bia_gaps(example: SyntheticOrganisation) -> None:
    services = {s["Service ID"]: s for s in _records(example, "service")}
    critical = {k: s for k, s in services.items() if s["Tier"] in ("Tier 1", "Tier 2")}
    assert any(s["RTO (hrs)"] is None for s in critical.values())
    assert any(s["RPO (hrs)"] is None for s in critical.values())
    over = [k for k, s in services.items()
            if isinstance(s["RTO (hrs)"], (int, float)) and s["RTO (hrs)"] > _hours(s["MTPD"])]
    assert over == ["SVC-016"]
    deps = {k: [d for d in str(s["Depends On"] or "").split(", ") if d] for k, s in services.items()}
    slower = [(k, d) for k, ds in deps.items() for d in ds
              if services[k]["RTO (hrs)"] is not None and services[d]["RTO (hrs)"] is not None
              and services[d]["RTO (hrs)"] > services[k]["RTO (hrs)"]]  # type: ignore[operator]
    assert slower == [("SVC-005", "SVC-001")]
    assert "SVC-015" in deps["SVC-014"] and "SVC-014" in deps["SVC-015"]  # the dependency cycle
    assert services["SVC-038"]["Business Owner"] is None and services["SVC-038"]["Personal Data?"] is None
    vendors = {v["Vendor ID"]: v for v in _records(example, "vendor")}
    assert vendors["V-002"]["Contract RTO"] == "8 hours" and services["SVC-004"]["RTO (hrs)"] == 4


def test_example_contains_the_exercise_gaps(example: SyntheticOrganisation) -> None:
    exercises = _records(example, "exercise")
    window = AS_OF - dt.timedelta(days=365)
    recent = Counter(s for e in exercises if e["Date"] > window  # type: ignore[operator]
                     for s in str(e["Services Tested"]).split(", "))
    assert "SVC-015" not in recent and "SVC-024" not in recent
    types_of = {sid: {e["Type"] for e in exercises if sid in str(e["Services Tested"])} for sid in ("SVC-006",)}
    assert not types_of["SVC-006"] & {"Functional", "Failover", "Full interruption"}
    failed = [e["Exercise ID"] for e in exercises if e["Result"] == "Failed"]
    with_findings = {f["Exercise ID"] for f in _records(example, "finding")}
    assert [f for f in failed if f not in with_findings] != []
    assert sum(1 for e in exercises if not e["Report"]) == 1


def test_example_contains_the_action_and_people_gaps(example: SyntheticOrganisation) -> None:
    actions = _records(example, "corrective_action")
    overdue = [a for a in actions if a["Status"] != "Closed" and a["Due Date"] and a["Due Date"] < AS_OF]  # type: ignore[operator]
    assert len(overdue) >= 2
    findings = {f["Finding ID"] for f in _records(example, "finding")}
    assert findings - {a["Finding ID"] for a in actions}, "some findings have no corrective action"
    contacts = _records(example, "contact")
    assert any(c["Critical Role?"] == "Yes" and not c["Alternate"] for c in contacts)
    assert any(c["Last Verified"] < AS_OF - dt.timedelta(days=183) for c in contacts)  # type: ignore[operator]
    training = _records(example, "training_record")
    assert any(t["Completed"] < AS_OF - dt.timedelta(days=365) for t in training)  # type: ignore[operator]
    plans = _records(example, "plan_document")
    assert any(p["Approved By"] is None for p in plans)
    assert sum(p["Last Review"] < AS_OF - dt.timedelta(days=365) for p in plans) == 2  # type: ignore[operator]


def test_example_contains_the_incidents(example: SyntheticOrganisation) -> None:
    incidents = {i["Incident ID"]: i for i in _records(example, "incident")}
    eu = incidents["INC-2025-011"]
    late = eu["Regulator Notified"] - eu["Became Aware"]  # type: ignore[operator]
    assert late == dt.timedelta(hours=81, minutes=30) and eu["Jurisdictions"] == "EU"
    assert any("CA-QC" in str(i["Jurisdictions"]) and i["Personal Data Breach?"] == "Yes"
               for i in incidents.values())
    assert any(i["Major ICT Incident?"] == "Yes" and i["Initial Report"] for i in incidents.values())
    assert any(i["Personal Data Breach?"] == "Yes" and i["In Breach Register?"] == "No" for i in incidents.values())
    # Each notification clock is missed once and met once, so the packs show both outcomes.
    major = [i for i in incidents.values() if i["Major ICT Incident?"] == "Yes"]
    initial_delay = sorted(i["Initial Report"] - i["Classified Major"] for i in major)  # type: ignore[operator]
    assert initial_delay[0] <= dt.timedelta(hours=4) < initial_delay[-1]
    us = [i for i in incidents.values() if i["Jurisdictions"] == "US" and i["Personal Data Breach?"] == "Yes"]
    days = sorted((i["Individuals Notified"] - i["Became Aware"]).days for i in us)  # type: ignore[operator]
    assert days[0] <= 60 < days[-1]
    eu_breaches = [i for i in incidents.values() if i["Jurisdictions"] == "EU" and i["Personal Data Breach?"] == "Yes"]
    hours = sorted((i["Regulator Notified"] - i["Became Aware"]) / dt.timedelta(hours=1) for i in eu_breaches)  # type: ignore[operator]
    assert hours[0] <= 72 < hours[-1]


def test_example_backups_have_one_gap_and_one_untested_service(example: SyntheticOrganisation) -> None:
    runs = _records(example, "backup_run")
    by_service: dict[str, list[dict[str, object]]] = {}
    for run in runs:
        by_service.setdefault(str(run["Service"]), []).append(run)
    assert len(by_service) == 10
    first = min(r["Completed At"] for r in runs)  # type: ignore[type-var]
    assert AS_OF - first.date() >= dt.timedelta(days=90)  # type: ignore[attr-defined]
    untested = [s for s, rs in by_service.items() if all(r["Restore Test"] == "No" for r in rs)]
    assert untested == ["SVC-020"]
    assert any(r["Status"] == "Failed" for r in by_service["SVC-003"])


def test_synthetic_size_gives_expected_row_counts(tmp_path: Path) -> None:
    org = build_organisation(200, seed=3)
    counts = org.counts()
    assert counts["service"] == 200 and counts["exercise"] == 600 and counts["backup_run"] == 1400
    root = write_workspace(tmp_path / "synthetic", 200, seed=3)
    services = CalamineWorkbook.from_path(str(root / "data" / "service-inventory-bia.xlsx"))
    rows = services.get_sheet_by_name("Services").to_python(skip_empty_area=False)
    assert tuple(rows[3]) == SERVICE_HEADERS and len(rows) == 4 + 200
    backups = CalamineWorkbook.from_path(str(root / "data" / "backup-log.xlsx"))
    rows = backups.get_sheet_by_name("Backup Log").to_python()
    assert tuple(rows[0]) == BACKUP_HEADERS and len(rows) == 1 + 1400
    exercises = CalamineWorkbook.from_path(str(root / "data" / "exercise-log.xlsx"))
    assert len(exercises.get_sheet_by_name("Exercises").to_python()) == 1 + 600


def test_synthetic_has_a_dependency_cycle() -> None:
    services = _records(build_organisation(30, seed=1), "service")
    deps = {s["Service ID"]: str(s["Depends On"]) for s in services}
    assert "SVC-00002" in deps["SVC-00003"] and "SVC-00003" in deps["SVC-00002"]


@pytest.mark.parametrize("size", [0, -5, "medium", True])
def test_bad_size_is_refused(size: object) -> None:
    with pytest.raises(ValueError, match="size must be"):
        build_organisation(size)  # type: ignore[arg-type]


def test_importing_the_example_yields_every_row(example_workspace: Path, tmp_path: Path,
                                                example: SyntheticOrganisation) -> None:
    from itscm_audit.config import load_config
    from itscm_audit.importers import import_sources
    from itscm_audit.model import ENTITY_FIELD, EntityKind, Severity

    root = tmp_path / "aurora"
    shutil.copytree(example_workspace, root)
    result = import_sources(root, load_config(root))
    for entity, expected in example.counts().items():
        records = getattr(result.data, ENTITY_FIELD[EntityKind(entity)])
        assert len(records) == expected, entity
    assert [i for i in result.issues if i.severity == Severity.ERROR] == []
    by_id = {s.id: s for s in result.data.services}
    assert by_id["SVC-001"].rto == dt.timedelta(hours=8) and by_id["SVC-001"].mtpd == dt.timedelta(days=3)
    assert by_id["SVC-004"].rpo == dt.timedelta(minutes=15)
    assert by_id["SVC-001"].source.row == 5


def test_script_rebuilds_the_example(tmp_path: Path, example_workspace: Path) -> None:
    import runpy
    import sys

    script = Path(__file__).resolve().parent.parent / "scripts" / "build_example.py"
    argv = sys.argv
    sys.argv = [str(script), str(tmp_path / "rebuilt")]
    try:
        with pytest.raises(SystemExit) as info:
            runpy.run_path(str(script), run_name="__main__")
    finally:
        sys.argv = argv
    assert info.value.code == 0
    rebuilt = tmp_path / "rebuilt" / "data" / "exercise-log.xlsx"
    assert rebuilt.read_bytes() == (example_workspace / "data" / "exercise-log.xlsx").read_bytes()
