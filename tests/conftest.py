"""Shared fixtures: the example workspace, initialised and assessed once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SAMPLES = SHARED / "samples"


@pytest.fixture(scope="session")
def example_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine example workspace; tests that modify files must copy it (see ``workspace_copy``)."""
    from itscm_audit.example import init_workspace

    return init_workspace(tmp_path_factory.mktemp("example") / "aurora")


@pytest.fixture
def workspace_copy(example_workspace: Path, tmp_path: Path) -> Path:
    target = tmp_path / "aurora"
    shutil.copytree(example_workspace, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def example_run(example_workspace: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The example assessed against every framework, with every report written."""
    from itscm_audit.service import assess_and_report

    out = tmp_path_factory.mktemp("reports")
    return assess_and_report(example_workspace, out=out, record_history=False)
