"""``itscm-audit frameworks`` commands through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from itscm_audit.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["frameworks", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_json_has_all_frameworks() -> None:
    code, out, _ = run("list", "--json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert len(rows) == 12
    assert rows["nist-800-53-cp"]["requirements"] == 49 and rows["nist-800-53-cp"]["unmapped"] == 0
    assert rows["dora"]["kind"] == "regulation" and rows["dora"]["jurisdiction"] == "EU"
    code, text, _ = run("list")
    assert code == 0 and "hipaa" in text and "45 CFR 164.308(a)(7)" in text


def test_show_tree_with_relationships() -> None:
    code, out, _ = run("show", "iso22301")
    assert code == 0
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if line.strip().startswith("8.5  Exercise programme"))
    assert "[data; covers part]" in lines[i]
    assert lines[i + 1].strip() == "-> OBJ-EXERCISE-COVERAGE (intersects with, strength 7)"
    assert any(line.strip() == "5.1  Leadership and commitment  [attestation; covers whole]" for line in lines)
    code, out, _ = run("show", "gdpr")
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if line.strip().startswith("Art.33(1)  "))
    assert lines[i + 1].strip() == ("-> OBJ-GDPR-NOTIFICATION through privacy.gdpr_notification, regulator_notification "
                                    "(intersects with, strength 8)")
    assert any(line.strip() == "Art.34  Communication of a personal data breach to the data subject" for line in lines)


def test_show_json_and_unknown_framework() -> None:
    code, out, _ = run("show", "hipaa", "--json")
    assert code == 0
    data = json.loads(out)
    d = next(r for r in data["requirements"] if r["id"] == "164.308(a)(7)(ii)(D)")
    assert d["required"] is False and d["applicability"] == {"phi": True, "jurisdictions": ["US"]}
    assert {m["objective"] for m in d["mappings"]} >= {"OBJ-EXERCISE-COVERAGE"}
    code, _, err = run("show", "nis2")
    assert code == 2 and "unknown framework 'nis2'" in err


def test_validate_good_and_bad_file(tmp_path: Path) -> None:
    good = tmp_path / "cw.yaml"
    good.write_text(yaml.safe_dump({"crosswalk": {"framework": "soc2-availability"}, "mappings": [
        {"requirement": "A1.3", "objective": "OBJ-RESTORE-TESTED", "relationship": "intersects_with",
         "rationale_type": "functional", "strength": 5, "rationale": "r", "uncovered": "u"}]}), encoding="utf-8")
    code, out, _ = run("validate", str(good))
    assert code == 0 and out.startswith(f"OK {good}: crosswalk for soc2-availability: 1 mappings")
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("A1.3", "A1.9"), encoding="utf-8")
    code, out, err = run("validate", str(bad))
    assert code == 3
    assert err.startswith(f"error: {bad}: mapping names unknown requirement soc2-availability:A1.9")
    assert "Traceback" not in out + err
    code, _, err = run("validate", str(tmp_path / "nope.yaml"))
    assert code == 3 and "no such file" in err


def test_validate_several_files_together(tmp_path: Path) -> None:
    cat = tmp_path / "ops.yaml"
    cat.write_text(yaml.safe_dump({"framework": {
        "id": "ops", "title": "Ops", "version": "1", "publisher": "Acme", "jurisdiction": "CA", "source": "own",
        "licence_note": "own"}, "requirements": [{"id": "R1", "title": "Recover fast"}]}), encoding="utf-8")
    cw = tmp_path / "ops-crosswalk.yaml"
    cw.write_text(yaml.safe_dump({"crosswalk": {"framework": "ops"}, "mappings": [
        {"requirement": "R1", "objective": "OBJ-RECOVERY-WITHIN-RTO", "relationship": "equal", "rationale_type": "semantic",
         "strength": 10, "rationale": "same"}]}), encoding="cp1252")
    code, _, err = run("validate", str(cw))  # alone, the crosswalk names a catalogue nobody loaded
    assert code == 3 and "crosswalk for unknown framework 'ops'" in err
    code, out, err = run("validate", str(cat), str(cw))
    assert code == 0, err
    assert out.splitlines() == [f"OK {cat}: catalogue ops: 1 requirements, 1 mapped to objectives",
                                f"OK {cw}: crosswalk for ops: 1 mappings"]


def test_validate_any_encoding_and_binary_files_without_traceback(tmp_path: Path) -> None:
    text = yaml.safe_dump({"crosswalk": {"framework": "soc2-availability"}, "mappings": [
        {"requirement": "A1.3", "objective": "OBJ-RESTORE-TESTED", "relationship": "intersects_with",
         "rationale_type": "functional", "strength": 5, "rationale": "Restauration testée – réelle", "uncovered": "u"}]},
        allow_unicode=True)
    for encoding in ("cp1252", "utf-16", "utf-8-sig"):
        path = tmp_path / f"cw-{encoding}.yaml"
        path.write_text(text, encoding=encoding)
        code, out, err = run("validate", str(path))
        assert code == 0 and "crosswalk for soc2-availability" in out, (encoding, err)
    binary = tmp_path / "cw.yaml"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    code, out, err = run("validate", str(binary))
    assert code == 3 and "not a text file" in err and "Traceback" not in out + err


def test_export_oscal_to_stdout_and_file(tmp_path: Path) -> None:
    code, out, _ = run("export", "gdpr", "--format", "oscal")
    assert code == 0
    doc = json.loads(out)
    assert doc["catalog"]["metadata"]["oscal-version"].startswith("1.1")
    assert {c["id"] for c in doc["catalog"]["controls"]} == {"gdpr_art.32", "gdpr_art.33", "gdpr_art.34"}
    target = tmp_path / "gdpr.json"
    code, _, err = run("export", "gdpr", "--out", str(target))
    assert code == 0 and "written" in err
    assert json.loads(target.read_text(encoding="utf-8")) == doc


def test_coverage_table_and_json() -> None:
    code, out, _ = run("coverage", "--json")
    assert code == 0
    rows = {r["framework"]: r for r in json.loads(out)}
    assert rows["iso22301"]["attestation"] > 0
    # every shipped framework is listed, and none leaves an assessable requirement unmapped
    assert len(rows) == 12 and {fw: r["unmapped_ids"] for fw, r in rows.items() if r["unmapped_ids"]} == {}
    assert all(r["unmapped"] == 0 and r["requirements"] > 0 for r in rows.values())
    assert rows["dora"]["heading"] == 5 and rows["dora"]["requirements"] == 31
    code, out, _ = run("coverage")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["framework", "req.", "data", "evid.", "attest.", "n/a", "unmapped"]
    assert {line.split()[0] for line in lines[1:]} == set(rows) and not any("unmapped:" in line for line in lines)
    assert all(line.split()[-1] == "0" for line in lines[1:])


def test_workspace_catalogues_and_ciso_import(tmp_path: Path) -> None:
    lib = tmp_path / "lib.yaml"
    lib.write_text(yaml.safe_dump({"urn": "urn:x:risk:library:ops", "version": 1, "objects": {"framework": {
        "urn": "urn:x:risk:framework:ops", "name": "Ops rules", "requirement_nodes": [
            {"urn": "urn:x:n:1", "ref_id": "R1", "name": "Recover fast", "assessable": True}]}}}), encoding="utf-8")
    ws = tmp_path / "ws"
    (ws / "frameworks").mkdir(parents=True)
    code, out, _ = run("import-ciso-assistant", str(lib), "--out", str(ws / "frameworks" / "ops.yaml"))
    assert code == 0 and "Catalogue ops (1 requirements)" in out
    (ws / "itscm.yaml").write_text("organisation:\n  name: X\ncatalogues: [frameworks/ops.yaml]\n", encoding="utf-8")
    code, out, _ = run("coverage", "-w", str(ws), "--json")
    assert code == 0
    ops = next(r for r in json.loads(out) if r["framework"] == "ops")
    assert ops["unmapped_ids"] == ["R1"]
    code, _, err = run("import-ciso-assistant", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "o.yaml"))
    assert code == 3 and "cannot read" in err
    code, _, err = run("import-ciso-assistant", str(lib), "-w", str(ws), "--out", str(tmp_path / "again.yaml"))
    assert code == 2 and "framework id 'ops' is already taken" in err and "--id ops-ca" in err
    assert not (tmp_path / "again.yaml").exists()
    code, out, _ = run("import-ciso-assistant", str(lib), "-w", str(ws), "--id", "ops-ca", "--out",
                       str(tmp_path / "again.yaml"))
    assert code == 0 and "Catalogue ops-ca (1 requirements)" in out
    code, _, err = run("import-ciso-assistant", str(lib), "--id", "Ops CA!", "--out", str(tmp_path / "bad.yaml"))
    assert code == 2 and "'Ops CA!' is not a framework id" in err


def test_every_subcommand_has_an_example() -> None:
    from itscm_audit.cli.frameworks import frameworks_group

    for name, cmd in frameworks_group.commands.items():
        assert "Example:" in (cmd.help or ""), name
