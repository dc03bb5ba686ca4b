"""Several files are opened and parsed ahead on a second thread: same records, same issues, same order."""

from __future__ import annotations

import shutil
from pathlib import Path

from itscm_audit.importers import import_files


def _records(result):  # type: ignore[no-untyped-def]
    return result.data.model_dump(mode="json")


def test_prefetch_gives_the_same_result_as_one_file_at_a_time(example_workspace: Path, tmp_path: Path) -> None:
    names = ["service-inventory-bia.xlsx", "exercise-log.xlsx", "vendors.csv", "backup-log.csv"]
    files = []
    for name in names:
        shutil.copy(example_workspace / "data" / name, tmp_path / name)
        files.append(tmp_path / name)
    together = import_files(files, None)
    one_by_one = [import_files([f], None) for f in files]
    merged: dict[str, list[object]] = {}
    for part in one_by_one:
        for key, rows in _records(part).items():
            merged.setdefault(key, []).extend(rows)
    assert _records(together) == {k: merged.get(k, []) for k in _records(together)}
    assert list(together.digests) == [f.as_posix() for f in files]
    assert [a.model_dump() for a in together.accounts] == [a.model_dump() for p in one_by_one for a in p.accounts]


def test_a_broken_file_between_good_ones_is_an_issue_and_the_rest_imports(example_workspace: Path,
                                                                         tmp_path: Path) -> None:
    good1 = tmp_path / "a.xlsx"
    bad = tmp_path / "b.xlsx"
    good2 = tmp_path / "c.csv"
    shutil.copy(example_workspace / "data" / "call-tree.xlsx", good1)
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    shutil.copy(example_workspace / "data" / "vendors.csv", good2)
    result = import_files([good1, bad, good2], None)
    assert result.data.contacts and result.data.vendors
    errors = [i for i in result.issues if i.code == "source.unreadable"]
    assert len(errors) == 1 and errors[0].source.file.endswith("b.xlsx")
