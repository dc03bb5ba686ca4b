"""The importer's shortcuts give exactly what the general path gives: chunks, caches, fast paths, records."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest

from itscm_audit.importers import cells, readers, records
from itscm_audit.importers import values as V
from itscm_audit.model import BackupRun, BackupStatus, SourceRef


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 3000, 3001, 9000, 10_500])
@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_member_chunks_are_the_pieces_one_read_at_a_time_gives(monkeypatch: pytest.MonkeyPatch, size: int,
                                                             method: int) -> None:
    monkeypatch.setattr(readers, "GRID_CHUNK", 1000)
    monkeypatch.setattr(readers, "GRID_BATCH", 3)
    payload = bytes((i * 7) % 251 for i in range(size))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", payload)

    def member() -> Any:
        return zipfile.ZipFile(io.BytesIO(buffer.getvalue())).open("xl/worksheets/sheet1.xml")

    expected = []
    with member() as handle:
        expected.append(handle.read(100))
        while piece := handle.read(1000):
            expected.append(piece)
    with member() as handle:
        head = handle.read(100)
        got = []
        for chunk in readers._member_chunks(head, handle):
            if not chunk and got:
                break
            got.append(chunk)
    assert got == expected
    assert b"".join(got) == payload


def test_a_wide_cell_far_down_is_still_found_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "GRID_CHUNK", 1000)
    monkeypatch.setattr(readers, "GRID_BATCH", 2)
    monkeypatch.setattr(readers, "MAX_GRID_CELLS", 10_000)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 400))
    xml = (f'<worksheet><sheetData>{rows}<row r="400"><c r="ZZ400"><v>1</v></c></row>'
           "</sheetData></worksheet>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())).open("xl/worksheets/sheet1.xml") as handle:
        head = handle.read(4096)
        with pytest.raises(readers.SourceError, match="column 702, row 400"):
            readers._check_grid(head, handle, "xl/worksheets/sheet1.xml", "x.xlsx")


def _one_column(parse: V.Parser, what: str) -> Any:
    """One column's row reader, compiled as the engine compiles it (free text and ids are not cached)."""
    reader, cache = cells.cell_reader(parse, what not in ("text", "id"))
    low, high = (dt.date(1950, 1, 1), dt.date.max) if what == "date" else (None, None)
    return cells.row_function([cells.ColumnReader(0, "value", "Value", reader, cache, what, low, high)], [])


def test_numbers_are_cached_but_zero_keeps_its_own_sign() -> None:
    fields = _one_column(V.date_parser(False, {}), "date")
    problems = []
    for raw in (0.0, -0.0, 0.0, -0.0):
        record, _extra, _raw, attention = fields([raw], 1)
        assert not record and attention is not None
        problems.append(attention[0][1].message)
    assert problems == ["0.0 is not a date", "-0.0 is not a date"] * 2
    tiers = _one_column(V.tier_parser({}), "tier")
    assert [tiers([raw], 1)[0]["value"] for raw in (2.0, 2.0, 3.0, 2.0)] == [2, 2, 3, 2]
    durations = _one_column(V.duration_parser(3600.0), "duration")
    assert [durations([raw], 1)[0]["value"] for raw in (4.0, 4.0, 0.5)] == [
        dt.timedelta(hours=4), dt.timedelta(hours=4), dt.timedelta(minutes=30)]


def test_printable_text_shortcut_leaves_unusual_text_as_before() -> None:
    ids = _one_column(V.id_parser(), "id")
    assert ids([" SVC\u00a0001 "], 1)[0] == {"value": "SVC\u00a0001"}
    assert ids(["SVC  001\t"], 1)[0] == {"value": "SVC 001"}
    record, _extra, _raw, attention = ids(["SVC\x01001"], 1)
    assert not record and attention is not None and attention[0][1].text == "SVC001"
    texts = _one_column(V.text_parser(), "text")
    assert texts(["Primary: Alice\nAlternate: Bob"], 1)[0] == {"value": "Alice"}
    assert texts(["Room\u2028B"], 1)[0] == {"value": "Room\u2028B"}


_SPLIT = re.compile(r"\s*(?:\r?\n|;|\||,)\s*")
_LABEL = re.compile(r"^(?:primary|alternate|secondary|backup)\s*:\s*", re.IGNORECASE)


def _split_list(value: Any) -> tuple[str, ...]:
    """The list reading without its one-item shortcut."""
    items = []
    for part in _SPLIT.split(V.text(value)):
        item = _LABEL.sub("", part).strip()
        if item and not V.is_null(item):
            items.append(item)
    return tuple(dict.fromkeys(items))


@pytest.mark.parametrize("value", ["SVC-001", "  SVC-001 ", "Primary: SVC-001", "backup:", "n/a", "--", "TBD",
                                   "<Service>", "", "a, b", "a;a", "a|b\nc", "a\r\nb", "Alternate : x y",
                                   "x\ty", 42.0, 3.5, True])
def test_one_item_lists_read_as_the_general_path_reads_them(value: Any) -> None:
    assert V.list_parser()(value) == _split_list(value)


def test_records_and_sources_are_built_as_model_construct_builds_them() -> None:
    source = SourceRef.model_construct(file="f.xlsx", sheet="S", row=2, column="Service", value="SVC-1")
    values = {"service_id": "SVC-1", "completed": dt.datetime(2026, 1, 2, 3, 4), "status": BackupStatus.FAILED,
              "extra": {"Note": "x"}, "source": source}
    builder = records.Builder(BackupRun)  # rows arrive holding every field, in the model's order
    row = {**builder.template, **{name: make() for name, make in builder.factories.items()}, **values}
    built = builder.adopt_all([row, dict(row)], {1})
    expected = BackupRun.model_construct(**values)
    assert len(built) == 1
    assert built[0] == expected
    assert list(built[0].__dict__) == list(expected.__dict__)
    assert built[0].model_fields_set == set(BackupRun.model_fields)
    assert built[0].model_dump() == expected.model_dump()
