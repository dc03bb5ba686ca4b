"""Render the packs to PDF and PNG pages, so a reviewer (and the tests) can look at what an auditor prints.

Usage::

    python scripts/render_pack.py OUT_DIR                 # the example: packs, quarterly report, renders
    python scripts/render_pack.py OUT_DIR --pack DIR      # an existing pack folder (reports/<run-id>)
    python scripts/render_pack.py OUT_DIR --dpi 80 --no-png

Without ``--pack`` it builds the example workspace in ``OUT_DIR/workspace``, assesses it at four quarter
ends (2025Q4 to 2026Q3, recorded in its history), writes the latest evidence pack and the quarterly
report, then converts every .docx and .xlsx to PDF with LibreOffice (``soffice``) and every PDF page to
PNG with ``pdftoppm`` under ``OUT_DIR/render/docx/`` and ``OUT_DIR/render/xlsx/``. It prints one line per document with its page count.

The inspection helpers (:func:`pages`) read a PDF back with ``pdftotext -bbox``: the words on each page
with their boxes, which the tests use for the page-count bound, the filled contents page, blank pages
and tables wider than their page.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from html import unescape
from pathlib import Path

QUARTER_ENDS = (("2025Q4", date(2025, 12, 31)), ("2026Q1", date(2026, 3, 31)), ("2026Q2", date(2026, 6, 30)),
                ("2026Q3", date(2026, 9, 30)))
DOCUMENTS = ("evidence-pack.docx", "gap-matrix.xlsx", "quarterly-report.docx", "quarterly-report.xlsx")


def tools_missing() -> list[str]:
    """The command-line tools this script needs that are not installed."""
    return [tool for tool in ("soffice", "pdftoppm", "pdftotext", "pdfinfo") if shutil.which(tool) is None]


def build_example(out: Path) -> list[Path]:
    """The example's evidence pack (latest quarter) and quarterly report, written under ``out``."""
    from itscm_audit.example import init_workspace
    from itscm_audit.reporters.quarterly import write_quarterly_report
    from itscm_audit.service import assess_and_report

    workspace = out / "workspace"
    if workspace.exists():
        shutil.rmtree(workspace)
    init_workspace(workspace)
    pack = out / "pack"
    if pack.exists():
        shutil.rmtree(pack)
    for label, as_of in QUARTER_ENDS:
        target = pack if label == QUARTER_ENDS[-1][0] else out / "quarters" / label
        if target.exists():
            shutil.rmtree(target)
        assess_and_report(workspace, as_of=as_of, out=target, label=label)
    quarterly = out / "quarterly"
    if quarterly.exists():
        shutil.rmtree(quarterly)
    written = write_quarterly_report(workspace, quarterly)
    return [pack / "evidence-pack.docx", pack / "gap-matrix.xlsx", *written]


def to_pdf(sources: list[Path], out: Path) -> list[Path]:
    """Each document converted by LibreOffice (a throw-away profile, so runs never share state), as
    ``out/<kind>/<stem>.pdf`` (``out/docx/quarterly-report.pdf``, ``out/xlsx/quarterly-report.pdf``)."""
    soffice = shutil.which("soffice") or "soffice"
    kinds = sorted({src.suffix.lstrip(".") for src in sources})
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        for kind in kinds:
            (out / kind).mkdir(parents=True, exist_ok=True)
            subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={Path(profile).as_uri()}",
                            "--convert-to", "pdf", "--outdir", str(out / kind),
                            *(str(s) for s in sources if s.suffix.lstrip(".") == kind)],
                           check=True, capture_output=True, timeout=900)
    pdfs = []
    for src in sources:
        pdf = out / src.suffix.lstrip(".") / f"{src.stem}.pdf"
        if not pdf.is_file():
            raise RuntimeError(f"LibreOffice did not convert {src}")
        pdfs.append(pdf)
    return pdfs


def to_png(pdf: Path, out: Path, dpi: int = 60) -> list[Path]:
    """Every page of ``pdf`` as ``<stem>-NN.png`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out / pdf.stem)], check=True,
                   capture_output=True, timeout=600)
    return sorted(out.glob(f"{pdf.stem}-*.png"))


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    """One PDF page: its size in points and its words with their boxes."""

    number: int
    width: float
    height: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


_PAGE = re.compile(r'<page width="([0-9.]+)" height="([0-9.]+)">')
_WORD = re.compile(r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">(.*?)</word>')


def pages(pdf: Path) -> list[Page]:
    """The words of every page with their boxes (``pdftotext -bbox``)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, timeout=300,
                          text=True).stdout
    out = []
    for number, chunk in enumerate(html.split("<page ")[1:], 1):
        size = _PAGE.match("<page " + chunk)
        assert size is not None
        words = tuple(Word(unescape(m.group(5)), float(m.group(1)), float(m.group(2)), float(m.group(3)),
                           float(m.group(4))) for m in _WORD.finditer(chunk))
        out.append(Page(number, float(size.group(1)), float(size.group(2)), words))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--pack", type=Path, help="render this pack folder instead of building the example")
    parser.add_argument("--dpi", type=int, default=60, help="PNG resolution (default 60)")
    parser.add_argument("--no-png", action="store_true", help="stop at the PDFs")
    args = parser.parse_args(argv)
    missing = tools_missing()
    if missing:
        print(f"missing tools: {', '.join(missing)} (install LibreOffice and poppler-utils)", file=sys.stderr)
        return 2
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    if args.pack is not None:
        sources = [args.pack / name for name in DOCUMENTS if (args.pack / name).is_file()]
    else:
        sources = build_example(out)
    render = out / "render"
    for pdf in to_pdf(sources, render):
        count = len(pages(pdf))
        pngs = [] if args.no_png else to_png(pdf, pdf.parent, args.dpi)
        shown = pdf.relative_to(out)
        print(f"{shown}: {count} pages" + (f", {len(pngs)} PNG beside it" if pngs else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
