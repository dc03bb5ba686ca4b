"""Open a spreadsheet or CSV safely and hand its rows over one at a time.

The file is read once: its bytes are hashed as they are read (CSV is streamed through the hash; a
workbook is read into memory once, hashed, inspected, and handed to python-calamine from memory).
Before calamine sees a workbook, the zip is checked for what would crash or exhaust the process:
encrypted (OLE/CFB) containers, compression bombs, XML entity declarations, and cell references so
far out (``XFD1048576``) that calamine would try to allocate the whole grid.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from itscm_audit.errors import SourceError

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

MAX_MEMBER_RATIO = 100
"""A zip member expanding more than this many times over its compressed size is a bomb..."""
MAX_MEMBER_BYTES_AT_RATIO = 16 * 1024 * 1024
"""...once it expands past this size (small, very regular parts are normal)."""
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
"""No workbook we can audit expands to more than 1 GiB of XML."""
MAX_GRID_CELLS = 60_000_000
"""Rows x columns calamine would allocate; beyond this the file is refused instead of crashing."""
CSV_SAMPLE_BYTES = 64 * 1024
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods"})
CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})


class UnreadableSource(SourceError):
    """A source that was read but cannot be used; carries the digest of the bytes already read."""

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None,
                 digest: str | None = None) -> None:
        super().__init__(message, location=location, hint=hint)
        self.digest = digest


@dataclass
class SheetRows:
    """One sheet's rows as ``(1-based row number, values from column A)``, plus merged ranges."""

    name: str | None
    rows: Iterator[tuple[int, list[Any]]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    """0-based (first row, first column, last row, last column), as calamine reports them."""


@dataclass
class OpenedSource:
    """A readable source: its sheets (lazily), its digest once fully read, and notes for the officer."""

    kind: str
    """``workbook`` or ``csv``."""
    sheet_names: list[str]
    notes: list[str] = field(default_factory=list)
    _workbook: Any = None
    _csv_rows: Iterator[tuple[int, list[Any]]] | None = None
    _hasher: Any = None
    _digest: str | None = None
    _loaded: dict[str, Any] = field(default_factory=dict)
    """Sheets parsed ahead of use by :meth:`preload` (on a background thread)."""

    def preload(self) -> None:
        """Parse every sheet now. calamine releases the GIL while parsing, so a background thread can
        do this for the next file while the current one's rows are typed; errors surface later, in
        :meth:`sheet`, exactly as without preloading."""
        if self.kind != "workbook":
            return
        try:
            for name in self.sheet_names:
                self._loaded[name] = self._workbook.get_sheet_by_name(name)
        except Exception:  # reported, located, when the sheet is actually read
            return

    def sheet(self, name: str | None) -> SheetRows:
        if self.kind == "csv":
            assert self._csv_rows is not None
            return SheetRows(None, self._csv_rows)
        sheet = self._loaded.pop(name) if name in self._loaded else self._workbook.get_sheet_by_name(name)
        start_col = sheet.start[1] if sheet.height else 0
        merges = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
        return SheetRows(name, _sheet_rows(sheet, start_col), merges)

    def finish(self) -> str:
        """Read what no table needed (so the digest covers every byte) and return the SHA-256."""
        if self._csv_rows is not None:
            for _ in self._csv_rows:
                pass
        return self.digest

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = self._hasher.hexdigest()
        return self._digest


def _sheet_rows(sheet: Any, start_col: int) -> Iterator[tuple[int, list[Any]]]:
    """Rows numbered as Excel shows them, padded so that index 0 is always column A.

    python-calamine's ``iter_rows`` yields the empty rows above the sheet's first used row (so its
    rows count from row 1 whatever ``sheet.start`` says) but starts each row at the first used
    column: the rows are numbered from 1 and only the columns are padded.
    """
    if not start_col:
        return zip(itertools.count(1), sheet.iter_rows())
    return _padded_rows(sheet, start_col)


def _padded_rows(sheet: Any, start_col: int) -> Iterator[tuple[int, list[Any]]]:
    pad = [""] * start_col
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield number, pad + row


def open_source(path: Path, label: str) -> OpenedSource:
    """Open ``path`` (shown as ``label`` in messages) or raise a one-line :class:`SourceError`."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SourceError("file not found", location=label,
                          hint="check the path, or the 'sources:' list in itscm.yaml") from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", location=label) from None
    if path.is_dir():
        raise SourceError("is a folder, not a spreadsheet", location=label)
    if size == 0:
        raise SourceError("the file is empty (0 bytes)", location=label,
                          hint="export the spreadsheet again")
    suffix = path.suffix.casefold()
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", location=label) from None
    if suffix in CSV_SUFFIXES and not head.startswith((ZIP_SIGNATURE, CFB_SIGNATURE)):
        return _open_csv(path, label, [])
    if head.startswith(ZIP_SIGNATURE) or head.startswith(CFB_SIGNATURE) or suffix in WORKBOOK_SUFFIXES:
        data = _read_all(path, label)
        try:
            return _open_workbook(data, label, suffix)
        except SourceError as exc:
            raise UnreadableSource(exc.message, location=exc.location, hint=exc.hint,
                                   digest=hashlib.sha256(data).hexdigest()) from None
    return _open_csv(path, label, [])


def _read_all(path: Path, label: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", location=label) from None


def _open_workbook(data: bytes, label: str, suffix: str) -> OpenedSource:
    hasher = hashlib.sha256(data)
    notes: list[str] = []
    if data.startswith(CFB_SIGNATURE):
        if suffix != ".xls":
            raise SourceError("the workbook is password-protected (encrypted container)", location=label,
                              hint="remove the password in Excel (File > Info > Protect Workbook) and save again")
    elif data.startswith(ZIP_SIGNATURE):
        _check_zip(data, label)
    else:
        if data.startswith(b"%PDF"):
            raise SourceError(f"this is a PDF document, not a spreadsheet, despite the {suffix} name",
                              location=label, hint="export the table from the original spreadsheet")
        if _looks_like_text(data[:CSV_SAMPLE_BYTES]):
            notes.append(f"the file is named {suffix} but holds CSV text: read as CSV")
            opened = _open_csv_bytes(data, label, notes)
            opened._hasher = hasher
            return opened
        raise SourceError(f"not a spreadsheet: the content does not match the {suffix} name",
                          location=label, hint="save it again as .xlsx or .csv")
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        name = type(exc).__name__
        if name == "PasswordError":
            raise SourceError("the workbook is password-protected", location=label,
                              hint="remove the password and save again") from None
        raise SourceError(f"the workbook cannot be read ({name}: {_first_line(exc)})", location=label,
                          hint="open it in Excel or LibreOffice and save it again") from None
    return OpenedSource("workbook", names, notes, _workbook=workbook, _hasher=hasher)


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]


_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_XML_PART = re.compile(r"\.(xml|rels)$")
_CELL_REF_WIDE = re.compile(rb'<c r="([A-Z]{2,3})(\d+)"')
_ROW_REF = re.compile(rb'<row r="(\d+)"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _check_zip(data: bytes, label: str) -> None:
    """Refuse damaged zips, bombs, entity declarations and absurd grids before any XML parser runs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise SourceError("the file is damaged (not a readable zip container)", location=label,
                          hint="open it in Excel or LibreOffice and save it again") from None
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (ratio > MAX_MEMBER_RATIO and info.file_size > MAX_MEMBER_BYTES_AT_RATIO) or total > MAX_TOTAL_BYTES:
            raise SourceError(
                f"refused: part {info.filename} expands to {info.file_size:,} bytes from "
                f"{info.compress_size:,} (a compression bomb?)", location=label,
                hint="a real continuity workbook is far smaller; check where the file came from")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names and "mimetype" not in names:
        raise SourceError("the zip container is not a spreadsheet (neither Excel nor OpenDocument)",
                          location=label, hint="save it again as .xlsx")
    with archive:
        for info in infos:
            if not _XML_PART.search(info.filename):
                continue
            try:
                with archive.open(info) as member:
                    head = member.read(4096)
                    _check_xml_prolog(head, info.filename, label)
                    if _SHEET_PART.match(info.filename):
                        _check_grid(head, member, info.filename, label)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                if isinstance(exc, SourceError):
                    raise
                raise SourceError(f"the file is damaged ({info.filename} cannot be decompressed)",
                                  location=label, hint="open it in Excel and save it again") from None
            except Exception as exc:  # zlib.error and friends
                if isinstance(exc, SourceError):
                    raise
                raise SourceError(f"the file is damaged ({info.filename}: {type(exc).__name__})",
                                  location=label, hint="open it in Excel and save it again") from None


def _check_xml_prolog(head: bytes, part: str, label: str) -> None:
    """Entity declarations only live in the prolog, before the root element: look there."""
    lowered = head.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise SourceError(f"refused: {part} declares XML entities (an entity bomb or external entity)",
                          location=label, hint="a genuine Excel file never does; check where it came from")


GRID_CHUNK = 1 << 20
"""The sheet XML is scanned in pieces of this size (with a small overlap)..."""
GRID_BATCH = 16
"""...decompressed this many pieces at a time: each read lets other threads take the interpreter, and
getting it back costs a switch interval while the main thread is busy, so fewer reads keep a sheet
checked on the prefetch thread from crawling."""


def _member_chunks(head: bytes, member: IO[bytes]) -> Iterator[bytes]:
    """``head``, then the rest of the member in GRID_CHUNK pieces, up to an empty one at the end.

    The pieces are exactly those ``member.read(GRID_CHUNK)`` would give one by one (a zip member's
    read returns all it is asked for until the end), so the scan does not depend on GRID_BATCH.
    """
    yield head
    while True:
        block = member.read(GRID_CHUNK * GRID_BATCH)
        for offset in range(0, len(block), GRID_CHUNK):
            yield block[offset:offset + GRID_CHUNK]
        if len(block) < GRID_CHUNK * GRID_BATCH:
            yield b""
            return


def _check_grid(head: bytes, member: IO[bytes], part: str, label: str) -> None:
    """Find the furthest column and row the sheet really uses, as calamine would size its grid."""
    max_col = 26
    max_row = 0
    declared = None
    tail = b""
    first = True
    for chunk in _member_chunks(head, member):
        if not chunk:
            break
        block = tail + chunk
        if first:
            found = _DIMENSION.search(block)
            if found and found.group(3):
                declared = (_column_number(found.group(3)), int(found.group(4)))
            first = False
        for letters, _row in _CELL_REF_WIDE.findall(block):
            col = _column_number(letters)
            if col > max_col:
                max_col = col
        rows = _ROW_REF.findall(block[-4096:]) or _ROW_REF.findall(block)
        if rows:
            max_row = max(max_row, int(rows[-1]))
        tail = block[-32:]
    if max_col * max(max_row, 1) > MAX_GRID_CELLS:
        claimed = f" (its dimension claims {declared[0]:,} columns x {declared[1]:,} rows)" if declared else ""
        raise SourceError(
            f"refused: a sheet ({part}) uses a cell as far out as column {max_col:,}, row {max_row:,}{claimed}; "
            "reading it would need the whole grid in memory", location=label,
            hint="delete the stray cells far below or right of the table and save again")
    # a huge declared dimension alone is harmless for calamine (the real cells size its grid), so
    # a sheet that only claims A1:XFD1048576 is read normally


# --- CSV ------------------------------------------------------------------------------------------------

class _HashingReader(io.RawIOBase):
    """A raw stream that feeds every byte it hands out into a SHA-256, after an already-read prefix."""

    def __init__(self, handle: BinaryIO | None, prefix: bytes, hasher: Any) -> None:
        self._handle = handle
        self._prefix = prefix
        self._hasher = hasher
        hasher.update(prefix)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        if self._prefix:
            n = min(len(view), len(self._prefix))
            view[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        if self._handle is None:
            return 0
        data = self._handle.read(len(view))
        if not data:
            self._handle.close()
            self._handle = None
            return 0
        self._hasher.update(data)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        super().close()


def _looks_like_text(sample: bytes) -> bool:
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        return True
    if b"\x00" in sample[:4096]:
        return False
    controls = sum(1 for b in sample[:4096] if b < 9 or 13 < b < 32)
    return controls < max(4, len(sample[:4096]) // 100)


def detect_encoding(sample: bytes) -> tuple[str, int]:
    """The encoding and the BOM length: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
        return "utf-8", 0
    except UnicodeDecodeError:
        return "cp1252", 0


def detect_delimiter(text_sample: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent number of fields.

    ``csv.Sniffer`` guesses wrong on semicolon files whose descriptions contain commas; counting
    fields per line, with quoting honoured, does not.
    """
    cut = text_sample.rfind("\n")
    # the last line may be cut in the middle (a line break inside quotes is part of its field, not a line)
    sample = text_sample[:cut + 1] if cut > 0 and not text_sample.endswith(("\n", "\r")) else text_sample
    best = ","
    best_score = (-1.0, 0)
    for delimiter in (",", ";", "\t", "|"):
        try:
            counts = [len(r) for r in itertools.islice(csv.reader(io.StringIO(sample, newline=""),
                                                                  delimiter=delimiter), 50) if any(r)]
        except csv.Error:
            continue  # this delimiter leaves a quote open or a line break unquoted: not the one
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(path: Path, label: str, notes: list[str]) -> OpenedSource:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", location=label) from None
    sample = handle.read(CSV_SAMPLE_BYTES)
    hasher = hashlib.sha256()
    raw = _HashingReader(handle, sample, hasher)
    return _csv_source(raw, sample, label, notes, hasher)


def _open_csv_bytes(data: bytes, label: str, notes: list[str]) -> OpenedSource:
    hasher = hashlib.sha256()
    raw = _HashingReader(None, data, hasher)
    return _csv_source(raw, data[:CSV_SAMPLE_BYTES], label, notes, hasher)


def _csv_source(raw: _HashingReader, sample: bytes, label: str, notes: list[str], hasher: Any) -> OpenedSource:
    if not _looks_like_text(sample):
        raw.close()
        raise SourceError("not a CSV text file (binary content)", location=label,
                          hint="export the table as CSV (UTF-8) or .xlsx")
    encoding, bom = detect_encoding(sample)
    if encoding == "cp1252":
        notes.append("not UTF-8: read as Windows-1252 (cp1252)")
    elif encoding == "utf-16":
        notes.append("read as UTF-16")
    sample_text = sample[bom:].decode(encoding if encoding != "utf-16" else "utf-16", errors="ignore")
    delimiter = detect_delimiter(sample_text)
    stream = io.TextIOWrapper(io.BufferedReader(raw, buffer_size=1 << 16),
                              encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                              errors="replace", newline="")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(stream, delimiter=delimiter)
        line = 0
        try:
            for record in reader:
                line += 1
                yield line, record
        except csv.Error as exc:
            raise SourceError(f"CSV cannot be read after record {line}: {exc}", location=label) from None
        finally:
            # drain what the csv reader did not need so the digest covers the whole file
            while stream.buffer.read(1 << 20):
                pass
            stream.close()

    csv.field_size_limit(16 * 1024 * 1024)
    return OpenedSource("csv", [""], notes, _csv_rows=rows(), _hasher=hasher)
