"""Issue 13, case 2: a run is identified by its inputs, as-of, frameworks and redaction; a pack is never
overwritten; unlike runs are said to be unlike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixture_script import trust
from trust_support import cli


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return trust.small_workspace(tmp_path / "ws")


def _packs(ws: Path) -> dict[str, dict[str, bytes]]:
    return {d.name: {f.name: f.read_bytes() for f in d.iterdir()} for d in sorted((ws / "reports").iterdir())
            if not d.name.startswith(".")}


def _run_id(ran_stdout: str) -> str:
    return ran_stdout.split("(run ", 1)[1].split(")", 1)[0]


def test_framework_selection_and_redaction_make_other_runs_in_other_folders(ws: Path) -> None:
    full = cli("assess", ws)
    before = _packs(ws)
    one = cli("assess", ws, "-f", "iso22301")
    masked = cli("assess", ws, "--redact")
    ids = [_run_id(r.stdout) for r in (full, one, masked)]
    assert len(set(ids)) == 3 and all(i.startswith("2026-09-30-") for i in ids)
    packs = _packs(ws)
    assert sorted(packs) == sorted(ids)
    assert packs[ids[0]] == before[ids[0]]  # the first pack is untouched, byte for byte
    runs = json.loads(cli("history", ws, "--json").stdout)
    assert [(r["run_id"], r["frameworks"], r["redacted"]) for r in runs] == [
        (ids[0], ["iso22301", "nist-800-53-cp"], False), (ids[1], ["iso22301"], False),
        (ids[2], ["iso22301", "nist-800-53-cp"], True)]


def test_the_same_run_twice_changes_nothing(ws: Path) -> None:
    first = cli("assess", ws)
    again = cli("assess", ws)
    assert _run_id(first.stdout) == _run_id(again.stdout)
    assert list(_packs(ws)) == [_run_id(first.stdout)]


def test_a_different_pack_in_the_run_folder_is_kept_and_the_new_one_goes_beside_it(ws: Path) -> None:
    run_id = _run_id(cli("assess", ws).stdout)
    folder = ws / "reports" / run_id
    (folder / "result.json").write_text("{}")  # someone edited it, or a run of another template
    kept = _packs(ws)[run_id]
    again = cli("assess", ws)
    assert f"Reports written to {folder}-2" in again.stdout
    assert _packs(ws)[run_id] == kept
    assert (ws / "reports" / f"{run_id}-2" / "manifest.json").is_file()


def test_an_explicit_out_holding_another_pack_is_refused(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "q3"
    assert cli("assess", ws, "--out", out, "--no-history").code == 0
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    ran = cli("assess", ws, "--out", out, "--no-history", "--redact")
    assert ran.code == 2
    assert f"{out}: the output folder already holds a different pack; nothing was overwritten" in ran.stderr
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_run_killed_while_writing_leaves_no_mixed_folder(ws: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from itscm_audit.reporters import WRITERS, Format

    out = tmp_path / "q3"

    def killed(ctx: object, path: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setitem(WRITERS, Format.OSCAL_POAM, killed)
    ran = cli("assess", ws, "--out", out, "--no-history", "--redact")
    assert ran.code == 130
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "ws"]


def test_diff_and_quarterly_say_when_runs_are_unlike(ws: Path) -> None:
    cli("assess", ws, "--as-of", "2026-06-30")
    cli("assess", ws, "-f", "iso22301")
    diff = cli("diff", ws, "1", "2")
    assert diff.code == 0
    assert ("Not like for like: these runs do not assess the same frameworks (2026Q2 (run 1): 2 framework(s) "
            "(iso22301, nist-800-53-cp); 2026Q3 (run 2): 1 framework(s) (iso22301))") in diff.stdout
    assert diff.stdout.index("Not like for like") < diff.stdout.index("overall")
    data = json.loads(cli("diff", ws, "1", "2", "--json").stdout)
    assert len(data["unlike"]) == 1
    cli("report", "quarterly", ws)
    import docx

    text = "\n".join(p.text for p in docx.Document(str(ws / "reports" / "quarterly" / "quarterly-report.docx"))
                     .paragraphs)
    assert "Not like for like: these runs do not assess the same frameworks" in text


def test_like_runs_carry_no_warning(ws: Path) -> None:
    cli("assess", ws, "--as-of", "2026-06-30")
    cli("assess", ws)
    assert "Not like for like" not in cli("diff", ws, "1", "2").stdout


def test_run_identity_is_the_same_for_the_same_selection_in_any_order() -> None:
    from datetime import date

    from itscm_audit.pipeline import run_identity

    digests = {"data/a.csv": "1" * 64}
    day = date(2026, 9, 30)
    assert run_identity(digests, day, ["iso22301", "dora"], False) == run_identity(digests, day, ["dora", "iso22301"],
                                                                                  False)
    others = {run_identity(digests, day, ["iso22301"], False), run_identity(digests, day, ["iso22301"], True),
              run_identity(digests, date(2026, 9, 29), ["iso22301"], False),
              run_identity({"data/a.csv": "2" * 64}, day, ["iso22301"], False)}
    assert len(others) == 4
