"""write_all, the format registry, the manifest, verify-pack and notebook frames."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from itscm_audit.cli import main
from itscm_audit.errors import ItscmError, VerificationFailed
from itscm_audit.reporters import WRITERS, Format, verify_pack, write_all
from itscm_audit.reporters.manifest import sha256_file
from result_factory import make_result


@pytest.fixture(scope="module")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "reports" / "run"
    write_all(make_result(), out)
    return out


def test_every_format_is_wired_and_written(tmp_path: Path) -> None:
    assert set(WRITERS) == set(Format)
    for fmt in Format:
        out = tmp_path / fmt.name
        paths = write_all(make_result(), out, formats=(fmt,))
        assert paths == [out / fmt.filename], fmt
        assert (out / fmt.filename).stat().st_size > 0, fmt


def test_write_all_creates_the_folder_and_returns_every_path(pack_dir: Path) -> None:
    assert sorted(p.name for p in pack_dir.iterdir()) == sorted(f.filename for f in Format)


def test_result_json_is_the_canonical_result(pack_dir: Path) -> None:
    assert (pack_dir / "result.json").read_text(encoding="utf-8") == make_result().to_json()


def test_manifest_lists_inputs_evidence_outputs_and_versions(pack_dir: Path) -> None:
    manifest = json.loads((pack_dir / "manifest.json").read_text())
    assert manifest["as_of"] == "2026-09-30"
    assert manifest["tool"] == {"name": "itscm-audit", "version": "0.1.0"}
    assert manifest["catalogue_versions"] == {"iso22301": "2019", "nist-800-53-cp": "5.1.1"}
    assert manifest["inputs"]["data/exercise-log.xlsx"] == "2" * 64
    assert [e["path"] for e in manifest["evidence"]] == ["exercises/EX-2026-01-report.md", "plans/bcp-v3.pdf",
                                                         "backups/restore-test.txt"]
    assert manifest["evidence"][1]["recorded_sha256"] == "b" * 64
    assert set(manifest["outputs"]) == {f.filename for f in Format} - {"manifest.json"}
    assert manifest["outputs"]["gap-matrix.xlsx"] == sha256_file(pack_dir / "gap-matrix.xlsx")


def test_manifest_hashes_evidence_files_from_the_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    (workspace / "evidence" / "plans").mkdir(parents=True)
    (workspace / "evidence" / "plans" / "bcp-v3.pdf").write_bytes(b"plan")
    write_all(make_result(), tmp_path / "out", workspace=workspace, formats=(Format.MANIFEST,))
    evidence = json.loads((tmp_path / "out" / "manifest.json").read_text())["evidence"]
    assert evidence[1]["sha256"] == sha256_file(workspace / "evidence" / "plans" / "bcp-v3.pdf")
    assert "sha256" not in evidence[0]


def test_verify_pack_ok_then_changed_missing_unlisted(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    write_all(make_result(), out)
    assert verify_pack(out).ok
    (out / "poam.json").write_text("{}")
    (out / "result.json").unlink()
    (out / "extra.txt").write_text("added later")
    (out / ".DS_Store").write_text("ignored")
    report = verify_pack(out)
    assert not report.ok
    assert (report.changed, report.missing, report.unlisted) == (("poam.json",), ("result.json",), ("extra.txt",))


def test_verify_pack_without_manifest_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(VerificationFailed) as err:
        verify_pack(tmp_path)
    assert err.value.location == str(tmp_path)


def test_verify_pack_command_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    write_all(make_result(), out)
    runner = CliRunner()
    ok = runner.invoke(main, ["verify-pack", str(out)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith(f"OK: {len(Format) - 1} file(s) listed")
    with (out / "gap-matrix.xlsx").open("ab") as fh:
        fh.write(b"tampered")
    bad = runner.invoke(main, ["verify-pack", str(out), "--json"])
    assert bad.exit_code == 4
    report = json.loads(bad.output)
    assert report["changed"] == ["gap-matrix.xlsx"] and report["ok"] is False
    broken = runner.invoke(main, ["verify-pack", str(tmp_path)])
    assert broken.exit_code == 4
    assert "no manifest.json" in broken.output


def test_failed_run_leaves_earlier_reports_intact(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    write_all(make_result(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ItscmError):
        write_all(make_result(hostile=True), out, template=bad)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(after) == set(before)
    assert after["evidence-pack.docx"] == before["evidence-pack.docx"]
    assert after["manifest.json"] == before["manifest.json"]


def test_missing_template_is_reported_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ItscmError) as err:
        write_all(make_result(), tmp_path / "out", template=tmp_path / "nope.docx")
    assert "template" in err.value.message
    assert not (tmp_path / "out").exists()


def test_redacted_result_json_and_oscal(tmp_path: Path) -> None:
    write_all(make_result(), tmp_path, redact=True, full_result=True)
    for name in ("result.json", "assessment-results.json", "poam.json"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "Jean-Luc Picard" not in text, name
        assert "jl.picard@aurora.example" not in text, name
    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert result["attestations"][0]["attested_by"] == result["data"]["contacts"][0]["name"] == "Person 1"
    assert result["data"]["contacts"][0]["role"] == "Crisis manager"
    assert result["evidence"][0]["item"]["sha256"] == "a" * 64


def test_frames_share_the_workbook_tables() -> None:
    frames = make_result().tables()
    assert {"requirements", "objectives", "checks", "failing_entities", "services", "exercises",
            "corrective_actions", "evidence", "issues", "remediation", "frameworks"} <= set(frames)
    req = frames["requirements"]
    assert len(req) == 8
    assert req.loc[req["requirement"] == "CP-4", "status"].item() == "not_met"
    assert list(req.query("status == 'not_met'")["requirement"]) == ["8.5", "CP-4"]
    # what the data alone says: the status itself unless an attestation decided it
    assert req.loc[req["requirement"] == "CP-10(2)", "data_status"].item() == "not_assessed"
    assert req.loc[req["requirement"] == "5.1", ["status", "data_status"]].values.tolist() == [["met", "not_assessed"]]
    assert frames["corrective_actions"].set_index("action").loc["CA-01", "days_overdue"] == 92
    assert list(frames["frameworks"]["score"]) == [62.5, 25.0]
    assert list(frames["services"].columns[:8]) == ["service", "name", "tier", "owner", "in_scope", "mtpd_h",
                                                    "rto_h", "rpo_h"]


def test_an_empty_assessment_still_writes_every_pack(tmp_path: Path) -> None:
    full = make_result()
    empty = full.model_copy(update={
        "data": type(full.data)(), "issues": (), "accounts": (), "checks": (), "evidence": (), "attestations": (),
        "objectives": (), "requirements": (), "frameworks": (), "remediation": (),
        "run": full.run.model_copy(update={"frameworks": (), "input_digests": {}, "scope": None})})
    paths = write_all(empty, tmp_path)
    assert len(paths) == len(Format)
    assert verify_pack(tmp_path).ok
    poam = json.loads((tmp_path / "poam.json").read_text())["plan-of-action-and-milestones"]
    assert [i["title"] for i in poam["poam-items"]] == ["No open item"]


def test_long_framework_ids_get_unique_valid_sheet_names() -> None:
    from itscm_audit.reporters.xlsx import _sheet_name

    used: set[str] = {"summary"}
    names = [_sheet_name(f"GM {'x' * 40}", used), _sheet_name(f"GM {'x' * 40}", used), _sheet_name("GM a/b:c", used)]
    assert names == [f"GM {'x' * 28}", f"GM {'x' * 24} (2)", "GM a_b_c"]
    assert all(len(n) <= 31 for n in names)
