"""Issue 13, case 3: --redact masks people by field and by pattern, in every output and in the history."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import pytest

from fixture_script import trust
from itscm_audit.model import ENTITY_MODEL, PERSON_FIELDS, EntityKind
from itscm_audit.reporters.redact import PersonIndex, Redactor
from trust_support import cli, pack_text


@pytest.fixture(scope="module")
def redacted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The workspace whose people are written many ways, assessed with --redact: (workspace, pack)."""
    ws = trust.people_written_many_ways(tmp_path_factory.mktemp("redact") / "ws")
    ran = cli("assess", ws, "--redact", "--full-result")  # result.json embeds the records: the hardest case
    assert ran.code == 0, ran.stderr
    pack = next(p for p in (ws / "reports").iterdir() if not p.name.startswith("."))
    return ws, pack


def test_no_person_reaches_any_output_in_any_spelling(redacted: tuple[Path, Path]) -> None:
    _ws, pack = redacted
    texts = pack_text(pack)
    assert set(texts) == {"result.json", "gap-matrix.xlsx", "evidence-pack.docx", "assessment-results.json",
                          "poam.json", "manifest.json", "failing-entities.csv"}
    leaks = {(name, secret) for name, text in texts.items() for secret in trust.SECRETS if secret in text}
    assert leaks == set()


def test_pseudonyms_follow_one_person_across_the_pack(redacted: tuple[Path, Path]) -> None:
    _ws, pack = redacted
    result = json.loads((pack / "result.json").read_text(encoding="utf-8"))
    data = result["data"]
    contacts = [(c["role"], c["name"], c["phone"], c["email"]) for c in data["contacts"]]
    assert contacts[0] == ("IT Disaster Recovery Coordinator", "Person 1", "[phone of Person 1]",
                           "[e-mail of Person 1]")
    owners = [s["owner"] for s in data["services"]]
    assert owners == ["Person 1", "Person 2", "Person 3"]  # "AHMED  HADDAD", "Raman, Priya", NBSP
    actions = data["corrective_actions"]
    assert actions[0]["owner"] == "[phone of Person 1]"  # "514-555-0102" is Ahmed's number without +1
    assert actions[0]["description"] == "Call Person 1 on [phone of Person 1] or [e-mail of Person 1]"
    assert actions[1]["description"] == "Retest payroll restore with Person 1"
    assert actions[1]["owner"] == "Person 4"  # Zoe Quinn, whose call-tree row was rejected
    assert result["run"]["redacted"] is True


def test_rejected_rows_and_issue_texts_are_masked(redacted: tuple[Path, Path]) -> None:
    _ws, pack = redacted
    result = json.loads((pack / "result.json").read_text(encoding="utf-8"))
    rejected = [i for i in result["issues"] if i["code"] == "row.rejected"]
    assert [(i["source"]["file"], i["source"]["row"]) for i in rejected] == [("data/call-tree.csv", 5)]
    for issue in result["issues"]:
        assert not any(s in json.dumps(issue, ensure_ascii=False) for s in trust.SECRETS), issue


def test_the_history_of_a_redacted_run_keeps_no_names(redacted: tuple[Path, Path]) -> None:
    ws, _pack = redacted
    with sqlite3.connect(ws / ".itscm" / "history.db") as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        values = [v for t in tables for row in conn.execute(f"SELECT * FROM {t}") for v in row]
        # the compressed parts (services, actions, failing entities) are read as the text they hold
        dump = " ".join(zlib.decompress(v).decode() if isinstance(v, bytes) else str(v) for v in values)
        assert any(isinstance(v, bytes) for v in values)
        assert conn.execute("SELECT redacted FROM run").fetchall() == [(1,)]
    assert "Person 1" in dump
    assert [s for s in trust.SECRETS if s in dump] == []
    assert cli("report", "quarterly", ws).code == 0
    report = pack_text(ws / "reports" / "quarterly")
    assert [(n, s) for n, t in report.items() for s in trust.SECRETS if s in t] == []


def test_every_entity_kind_declares_its_person_fields() -> None:
    assert set(PERSON_FIELDS) == set(EntityKind)
    for kind, fields in PERSON_FIELDS.items():
        assert set(fields) <= set(ENTITY_MODEL[kind].model_fields), kind


@pytest.mark.parametrize(("text", "masked"), [
    ("Escalate to AHMED\u00a0 HADDAD now", "Escalate to Person 1 now"),
    ("owner: Haddad, Ahmed", "owner: Person 1"),
    ("owner: haddad ahmed", "owner: Person 1"),
    ("Chloe Tremblay approved", "Person 2 approved"),  # accent folded
    ("call (514) 555 0102 or +1.514.555.0102", "call [phone of Person 1] or [phone of Person 1]"),
    ("write to A.Haddad@Trust.example", "write to [e-mail of Person 1]"),
    ("unknown +44 20 7946 0958, x@y.example", "unknown [phone], [e-mail]"),
])
def test_free_text_is_masked_whatever_the_spelling(text: str, masked: str) -> None:
    people = PersonIndex()
    people.add("Ahmed Haddad", "+1 514-555-0102", "a.haddad@trust.example")
    people.add("Chloé Tremblay")
    people.freeze()
    assert Redactor(people)(text) == masked


@pytest.mark.parametrize("text", [
    "as of 2026-09-30 14:30", "run 2026-09-30-3e78dd59", "ISO 22301:2019 clause 8.4.4", "Regulation (EU) 2016/679",
    "sha256 5145550102a9f3", "NIST SP 800-53 Rev. 5 CP-10(2)", "RTO 4 hours, 1 234 rows", "IT Operations Team"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    people = PersonIndex()
    people.add("Ahmed Haddad, IT Disaster Recovery Coordinator")
    people.freeze()
    assert Redactor(people)(text) == text


def test_a_role_beside_a_name_stays_readable() -> None:
    people = PersonIndex()
    people.add("Ahmed Haddad, IT Disaster Recovery Coordinator")
    people.add("Raman, Priya")
    people.freeze()
    redactor = Redactor(people)
    assert redactor.field("Ahmed Haddad, IT Disaster Recovery Coordinator") == \
        "Person 1, IT Disaster Recovery Coordinator"
    assert redactor.field("Priya Raman / Ahmed Haddad") == "Person 2 / Person 1"
    assert redactor.field("TBD") == "[redacted]"
