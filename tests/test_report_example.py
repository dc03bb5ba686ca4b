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
    first = wb[next(n for n in wb.sheetnames if n.startswith("GM "))]
    statuses = {row[3] for row in first.iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"met", "partially met", "not met", "not assessed", "not applicable"}
    assert len(wb["Summary"]._charts) == 1
    assert wb["Summary"]["A1"].value == "Framework" and wb["About"]["A1"].value == "Item"
    services = list(wb["Services"].iter_rows(min_row=2, values_only=True))
    assert len(services) == len(result.data.services)
    doc: Any = docx.Document(str(example_run.out_dir / "evidence-pack.docx"))
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert {f.title for f in result.frameworks} <= set(heads)  # one results table per framework
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


# --------------------------------------------------------------------------- one answer per number

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_tables(path: Path) -> list[tuple[str, list[list[str]]]]:
    """Each table of the document with the heading above it (contents entries are not headings)."""
    doc = docx.Document(str(path))
    out, heading = [], ""
    for el in doc.element.body:
        if el.tag == f"{W}p":
            style = el.find(f"{W}pPr/{W}pStyle")
            if style is not None and style.get(f"{W}val", "").startswith("Heading"):
                heading = "".join(t.text or "" for t in el.iter(f"{W}t"))
        elif el.tag == f"{W}tbl":
            rows = [["\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in tc.iter(f"{W}p"))
                     for tc in tr.iter(f"{W}tc")] for tr in el.iter(f"{W}tr")]
            out.append((heading, rows))
    return out


def _sheet(wb: Any, name: str) -> list[dict[str, Any]]:
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _num(text: str) -> float | None:
    return None if text in ("", "n/a") else float(text)


def test_every_number_in_the_word_pack_equals_the_workbook_and_result_json(example_run: Any) -> None:
    from itscm_audit.reporters.charts import framework_name

    out: Path = example_run.out_dir
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(out / "gap-matrix.xlsx")
    tables = _docx_tables(out / "evidence-pack.docx")
    by_heading: dict[str, list[list[str]]] = {}
    for heading, rows in tables:
        by_heading.setdefault(heading, rows)
    names = {f["framework"]: framework_name(f["title"], f["framework"]) for f in data["frameworks"]}
    ids = {v: k for k, v in names.items()}

    # requirement counts per status and scores
    overview = by_heading["Results per framework"]
    word = {ids[r[0]]: [int(x) for x in r[1:6]] + [float(r[6])] for r in overview[1:]}
    book = {r["Framework"]: [r["Met"], r["Partially met"], r["Not met"], r["Not assessed"], r["Not applicable"],
                             r["Score"]] for r in _sheet(wb, "Summary")}
    truth = {f["framework"]: [f["counts"][s] for s in ("met", "partially_met", "not_met", "not_assessed",
                                                        "not_applicable")] + [f["score"]] for f in data["frameworks"]}
    assert word == book == truth

    # every requirement's status, per framework
    statuses = {(r["framework"], r["requirement_id"]): r["status"].replace("_", " ") for r in data["requirements"]}
    titles = {f["title"]: f["framework"] for f in data["frameworks"]}
    from_word = {(titles[h], row[0]): row[2] for h, rows in tables if h in titles for row in rows[1:]}
    from_book = {(fw, r["Requirement"]): r["Status"] for fw in titles.values()
                 for r in _sheet(wb, next(n for n in wb.sheetnames if n.startswith(f"GM {fw}"[:31])))}
    assert from_word == from_book == statuses

    # key figures
    coverage = data["facts"]["coverage"]
    about = {r["Item"]: r["Value"] for r in _sheet(wb, "About")}
    figures = {r[0]: r[1] for r in by_heading["Key figures"][1:]}
    window = next(k for k in figures if k.startswith("Critical services exercised"))
    assert figures[window].startswith(f"{coverage['critical_exercised']} of {coverage['critical_services']} "
                                      f"({coverage['exercise_coverage']}%)")
    assert (about["Critical services exercised in the window"], about["Critical services"]) == (
        coverage["critical_exercised"], coverage["critical_services"])
    assert figures["Latest measured recoveries within the RTO"].startswith(
        f"{about['Latest measured recoveries within the RTO']} of {about['Services with a measured recovery and an RTO']}")
    assert about["Latest measured recoveries within the RTO"] == coverage["recoveries_within_rto"]
    assert figures["Corrective actions overdue"].startswith(
        f"{coverage['overdue_actions']} of {coverage['open_actions']} open; oldest {coverage['oldest_overdue']}")
    assert about["Corrective actions overdue"] == coverage["overdue_actions"]
    assert figures["Stale evidence"].startswith(f"{coverage['stale_evidence']} of {coverage['evidence_items']} items")
    assert about["Stale evidence items"] == coverage["stale_evidence"]

    # days overdue of every open action
    facts = {a["action_id"]: a.get("days_overdue") for a in data["facts"]["actions"]}
    open_word = {r[0]: _num(r[6]) for r in by_heading["Corrective actions open at the assessment date"][1:]}
    book_actions = {r["Action"]: r["Days overdue"] for r in _sheet(wb, "Corrective actions")}
    assert open_word and all(open_word[a] == book_actions[a] == facts[a] for a in open_word)

    # the evidence index: one id per item, the same freshness
    state = {e["item"]["path"]: e["state"] for e in data["evidence"]}
    index = by_heading["Appendix C — Evidence index"]
    book_index = {r["Id"]: (r["Path"], r["Freshness"]) for r in _sheet(wb, "Evidence index")}
    assert {r[0]: (r[1], r[6]) for r in index[1:]} == book_index
    assert dict(book_index.values()) == state

    # services: RTO and the latest measured recovery
    svc_facts = {s["service_id"]: s for s in data["facts"]["services"]}
    services = by_heading["Appendix A — Services"]
    header = services[0]
    book_services = {r["Service"]: r for r in _sheet(wb, "Services")}
    for row in services[1:]:
        cells = dict(zip(header, row, strict=True))
        sid = cells["Service"]
        assert _num(cells["RTO (h)"]) == book_services[sid]["RTO (h)"]
        assert _num(cells["Achieved recovery (h)"]) == book_services[sid]["Achieved recovery (h)"]
        assert cells["Latest exercise"] == (svc_facts[sid].get("latest_exercise") or "")
