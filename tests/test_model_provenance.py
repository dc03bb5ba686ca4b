"""Record provenance (shared contract 1): the officer's headers and texts, "not given", ``cite()``, and the
table of fields that reach a person (what redaction masks)."""

from __future__ import annotations

import datetime as dt

from itscm_audit.model import ENTITY_MODEL, PERSON_FIELDS, EntityKind, Service, SourceRef

SRC = SourceRef(file="data/bia.xlsx", sheet="Services", row=15, column="Svc Code", value="SVC-02")


def test_cite_narrows_the_source_to_the_officers_header_and_text() -> None:
    service = Service(id="SVC-02", name="Payments", rpo=dt.timedelta(minutes=15), source=SRC,
                      columns={"rto": "RTO", "rpo": "RPO (hrs)"}, raw={"rto": "TBD", "rpo": "0.25"},
                      not_given={"rto": "unknown"})
    assert service.cite("rto") == SourceRef(file="data/bia.xlsx", sheet="Services", row=15, column="RTO", value="TBD")
    assert service.cite("rpo").value == "0.25"
    # a value without raw text is quoted as read; a field without a column is named by the field
    assert service.cite("name") == SourceRef(file="data/bia.xlsx", sheet="Services", row=15, column="name",
                                             value="Payments")
    assert service.cite("owner").value is None


def test_provenance_round_trips_through_json() -> None:
    service = Service(id="A", name="A", source=SRC, columns={"rto": "RTO"}, raw={"rto": "N/A"},
                      not_given={"rto": "not_applicable"})
    again = Service.model_validate_json(service.model_dump_json())
    assert again == service and again.not_given == {"rto": "not_applicable"}


PERSONISH = ("owner", "name", "person", "alternate", "phone", "email", "contact", "approved_by", "backup_channel")


def test_person_fields_cover_every_field_that_reaches_a_person() -> None:
    assert set(PERSON_FIELDS) == set(EntityKind)
    for kind, model in ENTITY_MODEL.items():
        listed = PERSON_FIELDS[kind]
        assert set(listed) <= set(model.model_fields), kind
        expected = {f for f in model.model_fields if f in PERSONISH}
        if kind in (EntityKind.SERVICE, EntityKind.VENDOR):
            expected.discard("name")  # the name of a service or of a company, not of a person
        assert expected <= set(listed), (kind, expected - set(listed))


def test_no_rule_names_a_column_header_of_its_own() -> None:
    """Rules cite ``record.cite(field)``: the officer's header, never one written in the rule."""
    from pathlib import Path

    import itscm_audit.rules as rules
    from itscm_audit.rules import _common

    assert not hasattr(_common, "SERVICE_COLUMNS") and not hasattr(_common, "at")
    for path in Path(rules.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "column=" not in text and ".at(" not in text, path.name
