"""Issue 13, case 6: paths are checked on disk (symlinks followed), not only as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_script import trust
from trust_support import cli, one_line_error


def test_a_source_linked_to_a_file_outside_is_not_read(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    trust.source_linked_outside(ws, tmp_path / "elsewhere" / "hr-contacts.csv")
    ran = cli("assess", ws, "--no-history")
    assert ran.code == 3
    assert one_line_error(ran) == ("error: data/call-tree.csv: is a link to a file outside the workspace; not read "
                                   "(copy the file itself into the workspace)")


@pytest.mark.parametrize("reference", ["{outside}", "../outside.yaml", "catalogues/../../outside.yaml"])
def test_catalogues_must_be_inside_the_workspace(tmp_path: Path, reference: str) -> None:
    ws, outside = tmp_path / "ws", tmp_path / "outside.yaml"
    trust.catalogue_outside(ws, outside, reference.replace("{outside}", str(outside)))
    ran = cli("assess", ws, "--no-history")
    assert ran.code == 3
    line = one_line_error(ran)
    assert "itscm.yaml" in line and "catalogues" in line and "must stay inside the workspace" in line


def test_a_catalogue_linked_outside_is_refused(tmp_path: Path) -> None:
    ws, outside = tmp_path / "ws", tmp_path / "outside.yaml"
    trust.catalogue_outside(ws, outside, "mine/catalogue.yaml")
    (ws / "mine").mkdir()
    (ws / "mine" / "catalogue.yaml").symlink_to(outside)
    ran = cli("assess", ws, "--no-history")
    assert ran.code == 3 and "catalogue file is outside the workspace" in one_line_error(ran)


@pytest.mark.parametrize("inside", ["evidence", "evidence/exercises", "data", ".itscm"])
def test_out_inside_the_locker_sources_or_history_is_refused(tmp_path: Path, inside: str) -> None:
    ws = trust.small_workspace(tmp_path / "ws")
    ran = cli("assess", ws, "--no-history", "--out", ws / inside)
    assert ran.code == 2
    assert f"--out lies inside the workspace's {inside.split('/')[0]}/ folder" in one_line_error(ran)
    assert cli("evidence", "verify", ws).code in (0, 4)
    assert not any(p.suffix in (".docx", ".xlsx") for p in (ws / "evidence").rglob("*"))


def test_out_through_a_link_into_the_locker_is_refused(tmp_path: Path) -> None:
    ws = trust.small_workspace(tmp_path / "ws")
    (tmp_path / "innocent").symlink_to(ws / "evidence")
    ran = cli("assess", ws, "--no-history", "--out", tmp_path / "innocent" / "q3")
    assert ran.code == 2 and "evidence/ folder" in ran.stderr
