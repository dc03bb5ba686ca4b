"""Issue 13, case 4 and the one file helper: concurrent updates are serialised by locks; every writer
goes through fsio and leaves no temporary file behind when it fails."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from fixture_script import trust
from itscm_audit import fsio


def test_eight_concurrent_evidence_adds_record_eight_items(tmp_path: Path) -> None:
    ws = trust.small_workspace(tmp_path / "ws")
    for i in range(8):
        (ws / "evidence" / f"c{i}.txt").write_text(f"item {i}")
    procs = [subprocess.Popen([sys.executable, "-m", "itscm_audit", "evidence", "add", str(ws),
                               f"evidence/c{i}.txt", "--type", "continuity_plan", "--collected", "2026-01-01"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(8)]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0] * 8
    manifest = yaml.safe_load((ws / "evidence" / "manifest.yaml").read_text())
    assert sorted(i["path"] for i in manifest["items"]) == [f"c{i}.txt" for i in range(8)]
    assert [p.name for p in (ws / "evidence").iterdir() if p.name.startswith(".") and p.suffix == ".tmp"] == []


def test_a_lock_not_granted_in_time_is_a_located_error(tmp_path: Path) -> None:
    from filelock import FileLock

    from itscm_audit.errors import ItscmError

    target = tmp_path / "manifest.yaml"
    holder = FileLock(str(fsio.lock_path(target)))
    holder.acquire()
    try:
        with pytest.raises(ItscmError) as err, fsio.locked(target, timeout=0.1):
            pass
    finally:
        holder.release()
    assert err.value.location == str(target) and "another itscm-audit command" in err.value.message


def _schemas(folder: Path) -> None:
    from itscm_audit.catalog import write_json_schemas

    write_json_schemas(folder)


def _catalogue(folder: Path) -> None:
    from itscm_audit.catalog import Catalogue
    from itscm_audit.ciso_assistant import write_catalogue

    write_catalogue(Catalogue.model_validate(trust.CATALOGUE), folder / "x.yaml")


def _oscal(folder: Path) -> None:
    from itscm_audit.catalog import Catalogue
    from itscm_audit.oscal_catalog import write_oscal_catalog

    write_oscal_catalog(Catalogue.model_validate(trust.CATALOGUE), folder / "x.json")


def _profile(folder: Path) -> None:
    from itscm_audit.importers.profiles import Profile, save_profile

    save_profile(folder, Profile(source="data/x.csv"))


def _attestations(folder: Path) -> None:
    from itscm_audit.attestations import write_attestations_template

    write_attestations_template(folder / "attestations.xlsx")


def _example(folder: Path) -> None:
    from itscm_audit.example import init_workspace

    init_workspace(folder / "example")


WRITERS: dict[str, Callable[[Path], None]] = {
    "catalogue schemas": _schemas, "CISO Assistant catalogue": _catalogue, "OSCAL catalog": _oscal,
    "mapping profile": _profile, "attestations template": _attestations, "example workspace": _example,
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_writer_that_fails_leaves_no_temporary_file(name: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsio.os, "replace", disk_full)
    from itscm_audit.errors import ItscmError

    with pytest.raises((OSError, ItscmError), match="No space left"):
        WRITERS[name](tmp_path)
    left = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.name.endswith(".tmp")
            or ".tmp." in p.name]
    assert left == []


def test_atomic_bytes_are_written_whole_with_the_mode_asked(tmp_path: Path) -> None:
    target = tmp_path / "key.pem"
    fsio.write_bytes_atomic(target, b"secret", mode=0o600)
    assert target.read_bytes() == b"secret" and target.stat().st_mode & 0o777 == 0o600
    fsio.write_text_atomic(target, "again\n")
    assert target.read_text() == "again\n"
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_concurrent_profile_merges_keep_every_sheet(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from itscm_audit.importers.profiles import ProfileTable, load_profile, merge_profile

    def add(sheet: str) -> None:
        merge_profile(tmp_path, "data/book.xlsx", [ProfileTable(sheet=sheet, entity="service", header_row=1,
                                                                columns=())], replace=False)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(add, [f"S{i}" for i in range(12)]))
    profile = load_profile(tmp_path, "data/book.xlsx")
    assert profile is not None and sorted(t.sheet or "" for t in profile.tables) == sorted(f"S{i}" for i in range(12))
