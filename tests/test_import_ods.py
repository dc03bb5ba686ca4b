"""OpenDocument spreadsheets import like xlsx (calamine reads them); the .ods is made by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from itscm_audit.importers import import_files


@pytest.mark.slow
def test_ods_imports_like_xlsx(example_workspace: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (.ci/run installs it)")
    src = tmp_path / "call-tree.xlsx"
    shutil.copy(example_workspace / "data" / "call-tree.xlsx", src)
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "ods", "--outdir", str(tmp_path / "ods"), str(src)],
                          capture_output=True, text=True, timeout=240)
    ods = tmp_path / "ods" / "call-tree.ods"
    assert proc.returncode == 0 and ods.is_file(), proc.stderr
    from_xlsx = import_files([src], None)
    from_ods = import_files([ods], None)
    assert len(from_ods.data.contacts) == len(from_xlsx.data.contacts) > 5
    strip = {"source", "extra"}
    assert [c.model_dump(exclude=strip) for c in from_ods.data.contacts] == \
        [c.model_dump(exclude=strip) for c in from_xlsx.data.contacts]
    assert from_ods.data.contacts[0].source.file.endswith("call-tree.ods")
