"""``evidence-pack.docx``: the narrative an auditor and management read, on the organisation's template.

The template (ours or ``--template``) supplies styles, header, footer and logo; its body is replaced.
A style the template lacks falls back to a plainer one, so any .docx works without code changes.
Tables are built as ``<w:tr>`` XML in one pass (python-docx's row and cell accessors are quadratic).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from itscm_audit.errors import ItscmError
from itscm_audit.fsio import atomic_path
from itscm_audit.reporters import tables as t
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.png import Bar, bar_chart, hex_rgb
from itscm_audit.reporters.safe import clean_text, fixed_zip_times
from itscm_audit.result import AssessmentResult, Status

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEMPLATE_NAME = "evidence-pack.docx"
TABLE_STYLES = ("ITSCM Table", "Table Grid")
STATUS_STYLE = {s.label: f"Status {s.label.title()}" for s in Status}
"""Character style per status label (``Status Not Met``), used when the template defines it."""
CHART_EXERCISES = 30
"""The exercise chart shows the latest exercises only; the tables list them all."""
ROW_LIMIT = 1000
"""Rows per Word table: the document stays printable; the workbook holds every row."""
SIGN_OFF_ROLES = ("Prepared by (continuity manager)", "Reviewed by (internal audit)",
                  "Approved by (accountable executive)")


def default_template() -> Path | None:
    from itscm_audit.resources import templates_dir

    try:
        path = templates_dir() / TEMPLATE_NAME
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


class _Pack:
    """The document being written, with the style names the template actually has."""

    def __init__(self, ctx: PackContext) -> None:
        from docx import Document

        self.ctx = ctx
        template = ctx.template or default_template()
        try:
            self.doc: Any = Document(str(template)) if template else Document()
        except Exception as exc:  # python-docx raises several types for a file that is not a .docx
            raise ItscmError(f"cannot use this Word template ({type(exc).__name__}: {exc})",
                             location=str(template), hint="pass a .docx saved by Word or LibreOffice") from None
        body = self.doc.element.body
        for child in list(body):
            if child.tag != f"{{{W_NS}}}sectPr":
                body.remove(child)
        self.styles: dict[str, Any] = {s.name: s for s in self.doc.styles if s.name}
        # Style ids resolved once: python-docx looks a style up by scanning every style of the template
        # on each assignment, which made style lookups the largest cost of a small pack.
        defaults = {kind: self.doc.styles.default(kind) for kind in {st.type for st in self.styles.values()}}
        self.style_ids: dict[str, str | None] = {
            name: None if st == defaults.get(st.type) else st.style_id for name, st in self.styles.items()}
        redact = ctx.redactor
        self.prep: Callable[[str], str] = clean_text if redact is None else (lambda s: clean_text(redact(s)))
        self.table_style = next((n for n in TABLE_STYLES if n in self.styles), None)
        self.status_rstyle = {label: self.styles[name].style_id for label, name in STATUS_STYLE.items()
                              if name in self.styles}
        # Read once: python-docx finds the last section, and the place of each new block before it, by
        # scanning the whole body, which grows quadratically with the document.
        section = self.doc.sections[-1]
        self.text_width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        self.block_width = self.doc._block_width
        self.end = body.find(f"{{{W_NS}}}sectPr")

    def block(self, element: Any) -> Any:
        """Add a body-level element (paragraph, table) at the end of the body, before its section."""
        if self.end is not None:
            self.end.addprevious(element)
        else:
            self.doc.element.body.append(element)
        return element

    def paragraph(self, text: str = "") -> Any:
        """A new, unstyled paragraph (python-docx's ``add_paragraph`` without its body scan)."""
        from docx.oxml import OxmlElement
        from docx.text.paragraph import Paragraph

        para = Paragraph(self.block(OxmlElement("w:p")), self.doc._body)
        if text:
            para.add_run(text)
        return para

    def style(self, *names: str) -> str | None:
        return next((n for n in names if n in self.styles), None)

    def styled(self, style: str | None, text: str = "") -> Any:
        """A new paragraph in ``style`` (a name the template has, or None for its default)."""
        p = self.paragraph(text)
        if style is not None:
            p._p.style = self.style_ids[style]
        return p

    def para(self, text: str = "", *names: str) -> Any:
        return self.styled(self.style(*names, "Normal"), self.prep(text))

    def heading(self, text: str, level: int) -> Any:
        style = self.style(f"Heading {level}")
        if style is None:
            p = self.styled(self.style("Normal"))
            p.add_run(self.prep(text)).bold = True
            return p
        return self.styled(style, self.prep(text))

    def status_run(self, paragraph: Any, label: str) -> None:
        from docx.shared import RGBColor

        run = paragraph.add_run(label.upper())
        if label in self.status_rstyle:
            run._r.style = self.status_rstyle[label]
        else:
            run.bold = True
            run.font.color.rgb = RGBColor.from_string(t.STATUS_FONT.get(label, "000000"))

    def kv(self, label: str, value: str) -> None:
        p = self.styled(self.style("Normal"))
        p.add_run(f"{label}: ").bold = True
        p.add_run(self.prep(value))

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.paragraph().add_run().add_break(WD_BREAK.PAGE)

    def column_twips(self, widths: Sequence[int]) -> list[int]:
        """Column widths in twips, proportional to the columns' character widths, filling the text width."""
        total = max(int(self.text_width / 635), 4000)  # EMU -> twips; guard against templates without a page size
        weight = sum(widths) or 1
        return [max(int(total * w / weight), 400) for w in widths]

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[t.Cell]],
              kinds: Sequence[str] | None = None, widths: Sequence[int] | None = None) -> Any:
        """A table from rows in one XML parse: header row repeated on each page, statuses shaded,
        fixed column widths (LibreOffice and Word otherwise squeeze every column to the same width)."""
        from docx.oxml import parse_xml
        from docx.oxml.table import CT_Tbl
        from docx.table import Table

        kinds = kinds or ["text"] * len(headers)
        twips = self.column_twips(widths or [14] * len(headers))
        table = Table(self.block(CT_Tbl.new_tbl(0, len(headers), self.block_width)), self.doc._body)
        if self.table_style:
            table._tbl.tblStyle_val = self.style_ids[self.table_style]
        tbl = table._tbl
        for grid_col, w in zip(tbl.tblGrid.findall(f"{{{W_NS}}}gridCol"), twips, strict=True):
            grid_col.set(f"{{{W_NS}}}w", str(w))
        tbl.tblPr.append(parse_xml(f'<w:tblLayout xmlns:w="{W_NS}" w:type="fixed"/>'))
        tcw = [f'<w:tcW w:w="{w}" w:type="dxa"/>' for w in twips]
        parts = ['<w:tbl xmlns:w="', W_NS, '"><w:tr><w:trPr><w:tblHeader/></w:trPr>']
        parts.extend(f'<w:tc><w:tcPr>{tcw[i]}</w:tcPr><w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">'
                     f'{escape(h)}</w:t></w:r></w:p></w:tc>' for i, h in enumerate(headers))
        parts.append("</w:tr>")
        palettes = [t.STATUS_FILL if k == "status" else _OUTCOME_FILL if k == "outcome" else None for k in kinds]
        rstyles = [self.status_rstyle if k == "status" else None for k in kinds]
        prep = self.prep
        for row in rows:
            parts.append("<w:tr>")
            for ci, value in enumerate(row):
                if value is None or value == "":
                    parts.append(f"<w:tc><w:tcPr>{tcw[ci]}</w:tcPr><w:p/></w:tc>")
                    continue
                text = _cell_text(value, prep)
                palette = palettes[ci]
                fill = palette.get(text) if palette is not None else None
                shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
                tcpr = f"<w:tcPr>{tcw[ci]}{shd}</w:tcPr>"
                rs = rstyles[ci]
                rpr = f'<w:rPr><w:rStyle w:val="{rs[text]}"/></w:rPr>' if rs and text in rs else ""
                parts.append(f'<w:tc>{tcpr}<w:p><w:r>{rpr}<w:t xml:space="preserve">{_runs(text, rpr)}'
                             '</w:t></w:r></w:p></w:tc>')
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        built = parse_xml("".join(parts))
        tbl.extend(list(built))
        self.paragraph()
        return table

    def render(self, table: t.Table, columns: Sequence[int] | None = None, limit: int | None = None) -> None:
        """A report table (some of its columns), at most ``limit`` rows (default ``ROW_LIMIT``)."""
        idx = list(columns) if columns is not None else list(range(len(table.columns)))
        limit = ROW_LIMIT if limit is None else limit
        rows = table.rows[:limit]
        self.table([table.columns[i].header for i in idx], ([row[i] for i in idx] for row in rows),
                   [table.columns[i].kind for i in idx], [table.columns[i].width for i in idx])
        if len(table.rows) > limit:
            self.para(f"First {limit} of {len(table.rows)} rows; the gap matrix workbook lists them all.",
                      "Caption")

    def picture(self, png: bytes, caption: str) -> None:
        from docx.shared import Cm

        self.doc.add_picture(io.BytesIO(png), width=Cm(16))
        self.para(caption, "Caption")


_OUTCOME_FILL = {value: t.STATUS_FILL[label] for value, label in t.OUTCOME_STATUS.items()}


def _cell_text(value: t.Cell, prep: Callable[[str], str]) -> str:
    if isinstance(value, str):
        return prep(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _runs(text: str, rpr: str) -> str:
    """Escaped run text; line breaks become ``<w:br/>`` so multi-line cells keep their lines."""
    out = escape(text)
    if "\n" in out or "\r" in out:
        out = out.replace("\r\n", "\n").replace("\r", "\n")
        out = out.replace("\n", f'</w:t></w:r><w:r>{rpr}<w:br/><w:t xml:space="preserve">')
    return out


_SETTINGS_AFTER_UPDATE_FIELDS = frozenset({
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"})
"""Elements of ``w:settings`` that the schema places after ``w:updateFields``."""


def _toc(pack: _Pack) -> None:
    from docx.oxml import parse_xml

    settings = pack.doc.settings.element
    if settings.find(f"{{{W_NS}}}updateFields") is None:  # Word offers to build the contents on opening
        field = parse_xml(f'<w:updateFields xmlns:w="{W_NS}" w:val="true"/>')
        later = next((el for el in settings if el.tag.rsplit("}", 1)[-1] in _SETTINGS_AFTER_UPDATE_FIELDS), None)
        if later is None:
            settings.append(field)
        else:  # Word rejects settings out of schema order
            later.addprevious(field)
    pack.heading("Contents", 1)
    p = pack.paragraph()
    p._p.append(parse_xml(
        f'<w:fldSimple xmlns:w="{W_NS}" w:instr=\'TOC \\o "1-3" \\h \\z \\u\'><w:r><w:t>'
        "Right-click and choose Update Field to build the table of contents.</w:t></w:r></w:fldSimple>"))


def _cover(pack: _Pack, result: AssessmentResult) -> None:
    run = result.run
    pack.para("IT service continuity evidence pack", "Title")
    pack.para(run.organisation, "Subtitle")
    pack.para(f"Assessment as of {run.as_of.isoformat()} — {', '.join(run.frameworks)}", "Subtitle")
    pack.heading("Document control", 1)
    rows: list[tuple[t.Cell, ...]] = [
        ("Organisation", run.organisation), ("Scope", run.scope or "whole organisation"),
        ("As of", run.as_of), ("Run id", run.run_id), ("Label", run.label),
        ("Produced by", f"itscm-audit {run.tool_version}"),
        ("Catalogues", ", ".join(f"{k} {v}" for k, v in sorted(run.catalogue_versions.items()))),
        ("Input files", str(len(run.input_digests))),
        ("Classification", "Confidential — prepared for audit"),
    ]
    pack.table(("Item", "Value"), rows, widths=(12, 40))
    pack.page_break()
    _toc(pack)
    pack.page_break()


def _executive_summary(pack: _Pack, result: AssessmentResult) -> None:
    pack.heading("Executive summary", 1)
    total = len(result.requirements)
    gaps = sum(1 for r in result.requirements if r.status.is_gap)
    pack.para(f"{result.run.organisation} was assessed as of {result.run.as_of.isoformat()} against "
              f"{len(result.frameworks)} framework(s): {total} requirements, of which {gaps} show a gap "
              f"(not met or partially met). {len(result.remediation)} remediation items are ranked by impact.")
    fw = pack.ctx.table("frameworks")
    pack.render(fw, columns=(0, *range(3, len(fw.columns))))  # titles are in the scope section
    if result.frameworks:
        bars = [Bar(tuple((float(f.counts.get(s.value, 0)), hex_rgb(t.STATUS_FILL[s.label])) for s in Status),
                    label=f.framework, note=f"{f.score:g}%")
                for f in result.frameworks]
        legend = ", ".join(s.label for s in Status)
        pack.picture(bar_chart(bars, segment_values=True),
                     "Figure 1 — Requirements by status per framework, with the score at the end of each bar "
                     f"(segments left to right: {legend}).")
    ex = pack.ctx.table("exercises")
    timed = sorted((str(row[1]), str(row[0]), row[6], row[7]) for row in ex.rows
                   if isinstance(row[6], float) and isinstance(row[7], float))[-CHART_EXERCISES:]
    if timed:
        bars = []
        for _, exercise_id, achieved, target in timed:
            assert isinstance(achieved, float) and isinstance(target, float)
            colour = t.STATUS_FONT[Status.MET.label if achieved <= target else Status.NOT_MET.label]
            bars.append(Bar(((target, hex_rgb(t.STATUS_FILL[Status.NOT_ASSESSED.label])),),
                            label=f"{exercise_id} RTO", note=f"{target:g}h"))
            bars.append(Bar(((achieved, hex_rgb(colour)),), label="achieved", note=f"{achieved:g}h"))
        pack.picture(bar_chart(bars, bar_height=18, gap=6),
                     f"Figure 2 — The latest {len(timed)} timed exercises against the tightest RTO of the services "
                     "they tested: grey bar the RTO, then the achieved recovery time (green within, red over).")
    if result.remediation:
        pack.heading("Priorities", 2)
        pack.render(pack.ctx.table("remediation"), columns=(0, 1, 3, 5), limit=10)


def _scope(pack: _Pack, result: AssessmentResult) -> None:
    run = result.run
    pack.heading("Scope and method", 1)
    pack.para(f"Scope: {run.scope or 'the whole organisation'}. Frameworks: "
              f"{', '.join(f'{f.title} ({f.framework})' for f in result.frameworks)}.")
    pack.para("Method: the organisation's continuity spreadsheets (business impact analysis, exercise log, "
              "corrective actions, call tree, plans, backups) were imported with every value located at its "
              "file, sheet, row and column. Rules tested the data; their outcomes decide control objectives; "
              "a typed crosswalk (equal, subset of, intersects with, superset of) carries each objective's "
              "status to the requirements it serves. Requirements data cannot decide rely on signed "
              "attestations, which never hide a data finding. Evidence older than its time-to-live "
              "downgrades what relies on it.")
    pack.heading("Input files", 2)
    pack.table(("File", "SHA-256"), sorted(run.input_digests.items()), widths=(20, 40))


def _requirement(pack: _Pack, req: Any) -> None:
    pack.heading(f"{req.requirement_id} {req.title}", 3)
    p = pack.styled(pack.style("Normal"))
    p.add_run("Status: ").bold = True
    pack.status_run(p, req.status.label)
    if req.data_status is not None and req.data_status != req.status:
        p.add_run(f" (the data alone says {req.data_status.label})")
    pack.kv("Rationale", req.rationale)
    if req.contributions:
        pack.table(("Objective", "Relationship", "Strength", "Objective status", "Crosswalk rationale"),
                   [(c.objective_label, c.relationship.value.replace("_", " "), c.strength, c.objective_status.label,
                     c.rationale) for c in req.contributions],
                   ("text", "text", "text", "status", "text"), (14, 11, 6, 12, 33))
    if req.evidence:
        pack.table(("Evidence", "Type", "SHA-256", "Collected", "Freshness"),
                   [(e.item.path, e.item.evidence_type, e.item.sha256, e.item.collected, e.state.value)
                    for e in req.evidence], ("text", "text", "text", "text", "outcome"), (18, 12, 26, 10, 8))
    if req.failing:
        rows: list[tuple[t.Cell, ...]] = [
            (e.entity, e.entity_id, e.outcome.value, e.message, *t.source_cells(src)[:4])
            for e in req.failing for src in (e.sources or (None,))
        ]
        pack.table(("Entity", "Id", "Outcome", "Finding", "File", "Sheet", "Row", "Column"), rows,
                   ("text", "text", "outcome", "text", "text", "text", "text", "text"), (9, 9, 7, 24, 16, 10, 5, 10))
    if req.attestation is not None:
        a = req.attestation
        pack.kv("Attestation", f"{a.status.value.replace('_', ' ')} by {a.attested_by or 'unnamed'}"
                f"{f' on {a.date}' if a.date else ''}{f': {a.statement}' if a.statement else ''}")


def _results(pack: _Pack, result: AssessmentResult) -> None:
    pack.heading("Results per framework", 1)
    pack.heading("Control objectives", 2)
    pack.para("Each objective is decided by rules on the data, evidence and attestations; the crosswalk "
              "carries its status to the requirements below.")
    pack.render(pack.ctx.table("objectives"), columns=(0, 1, 2, 3))
    by_fw: dict[str, list[Any]] = {}
    for r in result.requirements:
        by_fw.setdefault(r.framework, []).append(r)
    for f in result.frameworks:
        pack.heading(f"{f.title} ({f.framework})", 2)
        counts = ", ".join(f"{s.label} {f.counts.get(s.value, 0)}" for s in Status)
        pack.para(f"Score {f.score:g} of 100 (partially met counts half). {counts}.")
        for req in by_fw.get(f.framework, []):
            _requirement(pack, req)


def _exercises(pack: _Pack, result: AssessmentResult) -> None:
    pack.heading("Exercise results against objectives", 1)
    ex = pack.ctx.table("exercises")
    if not ex.rows:
        pack.para("No exercise was recorded.")
        return
    pack.render(ex, columns=(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
    pack.heading("Services: recovery objectives against the latest exercise", 2)
    pack.render(pack.ctx.table("services"), columns=(0, 1, 2, 3, 6, 7, 9, 12, 13, 16))


def _remediation(pack: _Pack, result: AssessmentResult) -> None:
    pack.heading("Remediation plan", 1)
    pack.para("Open objectives ranked by impact: framework weight times the number of requirements each "
              "would improve, raised when critical services fail.")
    if result.remediation:
        pack.render(pack.ctx.table("remediation"))
    else:
        pack.para("No open gap needs remediation.")
    pack.heading("Corrective actions", 2)
    pack.render(pack.ctx.table("corrective_actions"), columns=(0, 1, 2, 3, 4, 5, 6, 8, 9, 10))


def _soa(pack: _Pack, result: AssessmentResult) -> None:
    pack.heading("Statement of Applicability", 1)
    na = [r for r in result.requirements if r.status == Status.NOT_APPLICABLE]
    pack.para(f"{len(result.requirements) - len(na)} requirements apply and were assessed above; "
              f"{len(na)} do not apply, with the justification below.")
    if na:
        pack.table(("Framework", "Requirement", "Title", "Justification"),
                   [(r.framework, r.requirement_id, r.title, r.rationale) for r in na], widths=(10, 9, 16, 30))


def _appendices(pack: _Pack, result: AssessmentResult) -> None:
    pack.heading("Appendix A — Data quality", 1)
    issues = pack.ctx.table("issues")
    if issues.rows:
        pack.render(issues)
    else:
        pack.para("The import found no data-quality issue.")
    accounts = pack.ctx.table("accounts")
    if accounts.rows:
        pack.heading("Row accounting", 2)
        pack.render(accounts)
    pack.heading("Appendix B — Evidence manifest", 1)
    ev = pack.ctx.table("evidence")
    if ev.rows:
        pack.render(ev, columns=(0, 1, 3, 4, 5, 6))
    else:
        pack.para("No evidence was listed in the locker.")
    pack.heading("Sign-off", 1)
    pack.para("By signing, each person confirms they reviewed this pack and the findings it reports.")
    pack.table(("Role", "Name", "Signature", "Date"), [(role, "", "", "") for role in SIGN_OFF_ROLES],
               widths=(16, 14, 14, 8))


def _properties(pack: _Pack, result: AssessmentResult) -> None:
    cp = pack.doc.core_properties
    stamp = datetime(result.run.as_of.year, result.run.as_of.month, result.run.as_of.day)
    cp.title = pack.prep(f"IT service continuity evidence pack — {result.run.organisation}")[:250]
    cp.subject = "IT service continuity audit"
    cp.author = "itscm-audit"
    cp.last_modified_by = "itscm-audit"
    cp.created = stamp
    cp.modified = stamp
    cp.revision = 1
    cp.identifier = result.run.run_id


def write_docx(ctx: PackContext, path: Path) -> None:
    pack = _Pack(ctx)
    result = ctx.result
    _cover(pack, result)
    _executive_summary(pack, result)
    _scope(pack, result)
    _results(pack, result)
    _exercises(pack, result)
    _remediation(pack, result)
    _soa(pack, result)
    _appendices(pack, result)
    _properties(pack, result)
    buffer = io.BytesIO()
    pack.doc.save(buffer)
    with atomic_path(path) as tmp:
        tmp.write_bytes(fixed_zip_times(buffer.getvalue()))
