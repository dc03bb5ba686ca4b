"""The small fixed costs of every run: catalogue YAML through libyaml, Word style ids resolved once,
the garbage collector paused and restored."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import yaml

from itscm_audit.catalog import SAFE_LOADER, read_yaml
from itscm_audit.gcpause import paused_gc
from itscm_audit.reporters import Format, write_all
from itscm_audit.resources import frameworks_dir
from result_factory import make_result


def test_catalogues_load_with_libyaml_to_the_same_data() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    assert SAFE_LOADER is yaml.CSafeLoader
    files = sorted(frameworks_dir().rglob("*.yaml"))
    assert len(files) > 20
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_word_styles_resolved_once_are_those_python_docx_would_set(tmp_path: Path) -> None:
    from docx import Document

    write_all(make_result(), tmp_path, formats=(Format.EVIDENCE_PACK,))
    doc = Document(str(tmp_path / "evidence-pack.docx"))
    styles = doc.styles
    seen = set()
    for p in doc.paragraphs:
        style_id = p._p.style
        expected = styles.get_style_id(p.style, p.style.type) if p.style is not None else None
        assert style_id == expected, p.text
        seen.add(p.style.name)
    assert {"Title", "Heading 1", "Heading 2", "Caption"} <= seen
    assert all(t.style is not None and t.style.name == "ITSCM Table" for t in doc.tables)


def test_gc_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a caller who had it off keeps it off
    finally:
        gc.enable()


def test_word_style_lookups_do_not_grow_with_the_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """python-docx scans every style of the template to find the default on each assignment; the pack
    resolves each style once, so a 250-service pack asks as often as a 4-service one."""
    from docx.styles.styles import Styles

    calls: list[object] = []
    real = Styles.default

    def counting(self: Styles, style_type: object) -> object:
        calls.append(style_type)
        return real(self, style_type)  # type: ignore[arg-type]

    monkeypatch.setattr(Styles, "default", counting)
    counts = []
    for n in (4, 250):
        calls.clear()
        write_all(make_result(n_services=n), tmp_path / str(n), formats=(Format.EVIDENCE_PACK,))
        counts.append(len(calls))
    assert counts[0] == counts[1] <= 4
