"""init --from: a folder of one's own messy files to an assessed workspace, with no edit in between."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from fixture_script import onboarding as own
from itscm_audit.cli import main
from itscm_audit.config import load_config

AS_OF = dt.date(2026, 9, 30)
ORG = ["--name", "Maple Ridge Savings", "--sector", "credit union", "--jurisdiction", "CA-QC"]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def own_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("officer") / "bcp files"
    own.own_files_folder(folder)
    return folder


@pytest.fixture(scope="module")
def onboarded(own_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``init ws --from FOLDER`` exactly as an officer types it."""
    ws = tmp_path_factory.mktemp("init") / "maple"
    code, out = _run("init", str(ws), "--from", str(own_folder), *ORG)
    assert code == 0, out
    return ws, out


def _sources(ws: Path) -> list[tuple[str, str | None, str | None]]:
    return [(s.path, s.sheet, s.entity) for s in load_config(ws).sources]


def test_init_from_a_folder_then_assess_with_no_edit_writes_a_pack(onboarded: tuple[Path, str],
                                                                     own_folder: Path) -> None:
    ws, out = onboarded
    # the detected sources: several entities in one workbook, the French call tree, the CSV drill log
    assert _sources(ws) == [
        ("data/Arbre d'appel.xlsx", "Arbre", "contact"),
        ("data/ITSCM Register 2026.xlsx", "Services", "service"),
        ("data/ITSCM Register 2026.xlsx", "Plans", "plan_document"),
        ("data/ITSCM Register 2026.xlsx", "Training", "training_record"),
        ("data/drill-log.csv", None, "exercise"),
    ]
    # the frameworks chosen from CA-QC (CA implied) and the sector, printed with why
    config = load_config(ws)
    assert config.frameworks == ("iso22301", "itil4-scm", "iso27001-2022", "pipeda", "quebec-law25")
    assert config.organisation.jurisdictions == ("CA-QC", "CA")
    assert "quebec-law25 (CA-QC)" in out and "CA added: CA-QC is in CA" in out
    # the files, copied unchanged
    for name in ("ITSCM Register 2026.xlsx", "Arbre d'appel.xlsx", "drill-log.csv"):
        assert (ws / "data" / name).read_bytes() == (own_folder / name).read_bytes()
    assert not (ws / "data" / "notes.md").exists()
    # the pre-filled attestations: attestation-only requirements, and those a missing register leaves open
    wb = openpyxl.load_workbook(ws / "attestations.xlsx")
    rows = list(wb["Attestations"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Framework", "Requirement", "Title", "What to attest", "Status")
    by_ref = {f"{r[0]}:{r[1]}": r for r in rows[1:]}
    assert by_ref["iso22301:5.1"][2] == "Leadership and commitment"
    assert by_ref["iso22301:5.1"][4] is None  # the officer fills the status in
    assert by_ref["pipeda:10.1(1)"][3].startswith("No incident register in your files")
    assert "iso22301:8.2.2" not in by_ref  # the BIA decides it: no attestation asked
    assert "quebec-law25:3.6" not in by_ref  # a definition: nothing for the organisation to attest
    assert f"attestations.xlsx: {len(by_ref)} requirement(s)" in out

    code, assessed = _run("assess", str(ws), "--as-of", AS_OF.isoformat())
    assert code == 0, assessed
    packs = list((ws / "reports").glob("2026-09-30-*"))
    assert len(packs) == 1
    assert {"gap-matrix.xlsx", "evidence-pack.docx", "result.json", "manifest.json"} <= {
        p.name for p in packs[0].iterdir()}
    result = json.loads((packs[0] / "result.json").read_text(encoding="utf-8"))
    assert result["run"]["frameworks"] == list(config.frameworks)
    tail = assessed.splitlines()[-6:]
    assert tail[0] == "Next actions (most requirements first):"
    assert [line[:5] for line in tail[1:]] == ["  1. ", "  2. ", "  3. ", "  4. ", "  5. "]
    assert any("import your incident register" in line for line in tail)
    assert "Not read: 1 spreadsheet(s) in data/ not listed under 'sources:' in itscm.yaml: data/Instructions.xlsx" \
        in assessed


def test_what_was_understood_and_left_out_is_said_on_screen_and_in_itscm_yaml(onboarded: tuple[Path, str]) -> None:
    ws, out = onboarded
    text = (ws / "itscm.yaml").read_text(encoding="utf-8")
    # the cover page, the instructions-only workbook and the text file: reported, with why
    assert "sheet 'Read me': not used: not recognised as a continuity table (it starts with 'Maple Ridge" in out
    assert "data/Instructions.xlsx (copied, not read)" in out
    assert "notes.md: not used: not a spreadsheet" in out
    assert "#   data/ITSCM Register 2026.xlsx, sheet 'Read me': not recognised as a continuity table" in text
    assert "#   data/Instructions.xlsx: no continuity table in any sheet" in text
    # per table: entity, rows, columns mapped, issues; and the mapping as comments in itscm.yaml
    assert ("sheet 'Services', header on row 4: service; 10 rows read: 6 imported, 0 rejected, 4 skipped; "
            "9 of 10 columns mapped") in out
    assert "(and from the same rows: 2 findings, 2 corrective actions)" in out
    assert '"Suppléant"' in text and "-> alternate" in text
    assert '"Comments"' in text and "-> kept as an extra attribute" in text
    # low-confidence readings are flagged in both places
    assert "CHECK: column 'Max Tolerable Downtime' read as mtpd (confidence" in out
    assert "CHECK: low confidence" in text
    # the registers none of the files holds, with the requirements they leave to attest
    assert "no incident register found: 6 requirement(s) need it" in out
    assert "Next: itscm-audit assess" in out


def test_the_workspace_files_are_valid_and_empty_where_they_should_be(onboarded: tuple[Path, str]) -> None:
    import yaml

    from itscm_audit.config import Policy
    from itscm_audit.evidence import ManifestEntry, load_evidence

    ws, _out = onboarded
    index = load_evidence(ws, AS_OF, Policy())
    assert index.statuses == () and index.issues == ()
    manifest = (ws / "evidence" / "manifest.yaml").read_text(encoding="utf-8")
    example = "\n".join(line[2:] for line in manifest.splitlines() if line.startswith("#   ") or line == "# items:")
    entry = yaml.safe_load(example)["items"][0]
    ManifestEntry.model_validate(entry)  # the entry shown in the comment is a valid one
    assert (ws / "reports").is_dir()


def test_same_files_same_workspace_bytes(own_folder: Path, tmp_path: Path) -> None:
    from itscm_audit.onboarding import onboard

    digests = []
    for name in ("a", "b"):
        onboard(tmp_path / name, [own_folder], as_of=AS_OF, name="Maple", jurisdictions=["CA"])
        digests.append([hashlib.sha256((tmp_path / name / f).read_bytes()).hexdigest()
                        for f in ("itscm.yaml", "attestations.xlsx", "evidence/manifest.yaml")])
    assert digests[0] == digests[1]


def test_dir_may_hold_the_files_given_and_nothing_else(own_folder: Path, tmp_path: Path) -> None:
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(own_folder, ws)
    code, out = _run("init", str(ws), "--from", str(ws), "--jurisdiction", "CA")
    assert code == 0, out
    assert (ws / "data" / "drill-log.csv").read_bytes() == (ws / "drill-log.csv").read_bytes()

    other = tmp_path / "other"
    other.mkdir()
    (other / "drill-log.csv").write_bytes((own_folder / "drill-log.csv").read_bytes())
    (other / "minutes.docx").write_bytes(b"not yours to overwrite")
    code, out = _run("init", str(other), "--from", str(other / "drill-log.csv"))
    assert code == 3
    assert "already holds minutes.docx, which is not one of the files given" in out
    assert sorted(p.name for p in other.iterdir()) == ["drill-log.csv", "minutes.docx"]


def test_refusals_are_one_line_and_write_nothing(own_folder: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    code, out = _run("init", str(ws), "--from", str(own_folder / "Instructions.xlsx"))
    assert code == 3 and "no continuity table was recognised in the files given" in out
    assert not ws.exists()
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "drill-log.csv").write_bytes(b"x")
    code, out = _run("init", str(ws), "--from", str(own_folder / "drill-log.csv"), str(twin / "drill-log.csv"))
    assert code == 2 and "two files would both be copied to data/drill-log.csv" in out
    code, out = _run("init", str(ws), "--from", str(own_folder), "--jurisdiction", "CA", "CA-QC")
    assert code == 2 and "repeat the option for each jurisdiction" in out
    code, out = _run("init", str(ws), "--from", str(own_folder), "--framework", "nist")
    assert code == 2 and "unknown framework id(s): nist" in out
    code, out = _run("init", str(ws), "--sector", "health")
    assert code == 2 and "go with --from" in out
    assert not ws.exists()
    assert all(len(line) for line in out.splitlines()) and len(out.strip().splitlines()) == 1


def test_a_failure_after_writing_removes_only_what_init_created(own_folder: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import itscm_audit.pipeline as pipeline
    from itscm_audit.errors import SourceError
    from itscm_audit.onboarding import onboard

    def broken(*_args: object, **_kwargs: object) -> None:
        raise SourceError("disk trouble", location="x")

    monkeypatch.setattr(pipeline, "assess", broken)
    ws = tmp_path / "ws"
    shutil.copytree(own_folder, ws)
    before = sorted(p.relative_to(ws).as_posix() for p in ws.rglob("*"))
    with pytest.raises(SourceError):
        onboard(ws, [ws], as_of=AS_OF)
    assert sorted(p.relative_to(ws).as_posix() for p in ws.rglob("*")) == before
    with pytest.raises(SourceError):
        onboard(tmp_path / "new", [own_folder], as_of=AS_OF)
    assert not (tmp_path / "new").exists()


def test_frameworks_given_replace_the_proposed_ones(own_folder: Path, tmp_path: Path) -> None:
    code, out = _run("init", str(tmp_path / "ws"), "--from", str(own_folder), "--framework", "iso22301",
                     "-f", "nist-800-53-cp", "--jurisdiction", "EU")
    assert code == 0, out
    assert load_config(tmp_path / "ws").frameworks == ("iso22301", "nist-800-53-cp")
    assert "iso22301 (--framework); nist-800-53-cp (--framework)" in out


def test_init_without_from_still_makes_the_example(tmp_path: Path) -> None:
    code, out = _run("init", str(tmp_path / "ex"), "--example")
    assert code == 0 and "Example workspace created" in out
    assert load_config(tmp_path / "ex").organisation.name == "Aurora Mutual Insurance"


def test_itscm_yaml_reads_back_whatever_the_names(tmp_path: Path) -> None:
    """Names with colons, quotes, '#', accents, YAML keywords: written so they read back as written."""
    from itscm_audit.config import parse_config
    from itscm_audit.importers import ColumnMapping, DetectedTable
    from itscm_audit.model import EntityKind
    from itscm_audit.onboarding import NotUsed, OnboardingPlan, config_text
    from itscm_audit.scoping import choose_frameworks

    columns = (ColumnMapping(0, "Réf #1", "id", 1.0), ColumnMapping(1, 'Say "when"\nplease', "name", 0.7),
               ColumnMapping(2, "", None, 0.0))
    tables = (
        DetectedTable("data/R&D: plans #2.xlsx", "No", EntityKind.PLAN_DOCUMENT, EntityKind.RISK, 0.55, 3, columns, ()),
        DetectedTable("data/yes.csv", "yes", EntityKind.EXERCISE, None, 1.0, 1, columns, ()),
    )
    plan = OnboardingPlan(root=tmp_path, files=(), tables=tables, not_used=(NotUsed("a\nb", "why: #"),),
                          name="Acme: Ops & Co. 'Québec'", sector="true", jurisdictions=("CA",),
                          frameworks=choose_frameworks(("CA",), None))
    text = config_text(plan)
    config = parse_config(text, tmp_path / "itscm.yaml")
    assert config.organisation.name == "Acme: Ops & Co. 'Québec'" and config.organisation.sector == "true"
    assert [(s.path, s.sheet, s.entity) for s in config.sources] == [
        ("data/R&D: plans #2.xlsx", "No", "plan_document"), ("data/yes.csv", None, "exercise")]
    assert "(confidence 0.55 CHECK: could also be risk; change 'entity:' if wrong)" in text
    assert '"Say \\"when\\" please"' in text and "CHECK: low confidence" in text
    assert '"(no header, column C)" ' in text and "#   a b: why: #" in text
