"""The model's JSON form: durations as ISO 8601, the result schema printed by ``itscm-audit schema``."""

from __future__ import annotations

import json
from datetime import date, timedelta

from click.testing import CliRunner

from itscm_audit.cli import main
from itscm_audit.model import Exercise, OrgData, Service, SourceRef

SRC = SourceRef(file="data/bia.xlsx", sheet="Services", row=5, column="RTO (hrs)", value="4")


def test_durations_serialise_as_iso8601() -> None:
    svc = Service(id="SVC-1", name="Claims", rto=timedelta(hours=4), rpo=timedelta(minutes=15),
                  mtpd=timedelta(days=3), source=SRC)
    ex = Exercise(id="EX-1", date=date(2026, 3, 1), achieved_recovery_time=timedelta(hours=3, minutes=20),
                  source=SRC)
    data = json.loads(OrgData(services=(svc,), exercises=(ex,)).model_dump_json())
    assert data["services"][0]["rto"] == "PT4H"
    assert data["services"][0]["rpo"] == "PT15M"
    assert data["services"][0]["mtpd"] == "P3D"
    assert data["exercises"][0]["achieved_recovery_time"] == "PT3H20M"
    back = OrgData.model_validate_json(json.dumps(data))
    assert back.services[0].rto == timedelta(hours=4)


def test_every_record_keeps_its_source() -> None:
    svc = Service(id="SVC-1", name="Claims", source=SRC)
    assert svc.source.label() == "data/bia.xlsx, sheet Services, row 5, column RTO (hrs)"
    narrowed = svc.source.at("RPO (hrs)", 1)
    assert (narrowed.column, narrowed.value, narrowed.row) == ("RPO (hrs)", "1", 5)


def test_schema_command_prints_the_result_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["title"] == "AssessmentResult"
    assert {"run", "requirements", "checks", "evidence", "remediation"} <= set(schema["properties"])
    assert "RequirementStatus" in schema["$defs"] and "SourceRef" in schema["$defs"]
