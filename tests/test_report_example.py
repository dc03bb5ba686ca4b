"""The packs of the example workspace (full pipeline): readable back, valid OSCAL, convertible to PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from itscm_audit.reporters import Format, verify_pack, write_all


def test_example_pack_is_complete_and_verifies(example_run: Any) -> None:
    out: Path = example_run.out_dir
    assert sorted(p.name for p in example_run.paths) == sorted(f.filename for f in Format)
    assert verify_pack(out).ok


def test_example_workbook_and_document(example_run: Any) -> None:
    result = example_run.result
    wb = openpyxl.load_workbook(example_run.out_dir / "gap-matrix.xlsx")
    for fw in result.run.frameworks:
        assert any(name.startswith(f"GM {fw}"[:31]) for name in wb.sheetnames), fw
    first = wb[wb.sheetnames[1]]
    statuses = {row[3] for row in first.iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"met", "partially met", "not met", "not assessed", "not applicable"}
    assert len(wb["Summary"]._charts) == 1
    services = list(wb["Services"].iter_rows(min_row=2, values_only=True))
    assert len(services) == len(result.data.services)
    doc: Any = docx.Document(str(example_run.out_dir / "evidence-pack.docx"))
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    assert len(heads) == len(result.requirements)
    assert result.run.organisation in doc.paragraphs[1].text


def test_example_oscal_validates(example_run: Any) -> None:
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.poam import PlanOfActionAndMilestones

    ar = json.loads((example_run.out_dir / "assessment-results.json").read_text(encoding="utf-8"))
    poam = json.loads((example_run.out_dir / "poam.json").read_text(encoding="utf-8"))
    AssessmentResults.parse_obj(ar["assessment-results"])
    PlanOfActionAndMilestones.parse_obj(poam["plan-of-action-and-milestones"])


def test_example_redacted_pack_hides_the_call_tree(example_run: Any, tmp_path: Path) -> None:
    result = example_run.result
    write_all(result, tmp_path, redact=True, formats=(Format.GAP_MATRIX, Format.RESULT_JSON))
    names = [c.name for c in result.data.contacts if c.name] + [c.email for c in result.data.contacts if c.email]
    assert names
    wb = openpyxl.load_workbook(tmp_path / "gap-matrix.xlsx")
    texts = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    text = texts + (tmp_path / "result.json").read_text(encoding="utf-8")
    assert not [n for n in names if n in text]


@pytest.mark.slow
def test_example_pack_converts_to_pdf_with_libreoffice(example_run: Any, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    sources = [example_run.out_dir / "evidence-pack.docx", example_run.out_dir / "gap-matrix.xlsx"]
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, sources)],
                   check=True, capture_output=True, timeout=600)
    for src in sources:
        pdf = tmp_path / "pdf" / f"{src.stem}.pdf"
        assert pdf.read_bytes()[:5] == b"%PDF-"
        assert pdf.stat().st_size > 10_000


@pytest.mark.slow
def test_hostile_pack_converts_to_pdf_with_libreoffice(tmp_path: Path) -> None:
    from result_factory import make_result

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    write_all(make_result(hostile=True), tmp_path / "out", formats=(Format.GAP_MATRIX, Format.EVIDENCE_PACK))
    sources = [tmp_path / "out" / "evidence-pack.docx", tmp_path / "out" / "gap-matrix.xlsx"]
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, sources)],
                   check=True, capture_output=True, timeout=600)
    for src in sources:
        assert (tmp_path / "pdf" / f"{src.stem}.pdf").read_bytes()[:5] == b"%PDF-"
