"""The wheel carries the catalogues, templates and evidence types, and finds them from anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0 and "No module named" in proc.stderr:
        pytest.skip("build or hatchling not installed")
    assert proc.returncode == 0, proc.stderr[-3000:]
    wheels = list(out.glob("itscm_audit-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@pytest.mark.slow
def test_wheel_contains_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("frameworks", "templates", "evidence"):
        shipped = [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.name != ".keep"]
        assert shipped, f"{folder}/ is empty in the checkout"
        for path in shipped:
            rel = path.relative_to(ROOT).as_posix()
            assert f"itscm_audit/_data/{rel}" in names, f"{rel} missing from the wheel"
    assert "itscm_audit/cli/__init__.py" in names
    assert "itscm_audit/py.typed" in names


@pytest.mark.slow
def test_installed_wheel_finds_its_data_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import itscm_audit.resources as r, sys; "
            "print(r.frameworks_dir()); print(r.templates_dir()); print(r.evidence_types_dir())")
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    for line in out.stdout.split():
        assert line.startswith(str(site / "itscm_audit" / "_data")), line
