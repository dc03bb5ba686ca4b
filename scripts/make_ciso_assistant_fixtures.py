"""Generate one CISO Assistant library fixture per shape, each named after it.

The library is our own small "Acme recovery requirements" (our words, not a standard's text), in
the shapes CISO Assistant publishes (``backend/library/libraries/*.yaml`` and the ``v2`` library
workbook that its ``convert_library_v2.py`` turns into YAML): nodes with ref ids, names, long
multi-line descriptions, annotations, translations and typical evidence; a node without a ref id
(its URN ends in a node id, as in CISO Assistant's DORA library); a node without a name; a heading.

Tests call these functions to write into a temporary folder; run the script to inspect them:
``python scripts/make_ciso_assistant_fixtures.py OUT_DIR``. The same call writes the same content.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook

BASE = "urn:acme:risk:req_node:acme-recovery"
LONG = ("Each service of tier 1 is restored on the recovery site within its recovery time objective, in an "
        "exercise held at least once a year.\nThe exercise report records the achieved recovery time, the "
        "data lost, the people involved, the problems met and the corrective actions raised, and it is "
        "approved by the service owner within thirty days of the exercise.")
"""A description longer than 300 characters, on two lines: it must survive the round trip whole."""


def library() -> dict[str, Any]:
    """The library as CISO Assistant's YAML holds it."""
    nodes: list[dict[str, Any]] = [
        {"urn": f"{BASE}:1", "assessable": False, "depth": 1, "ref_id": "1", "name": "Recovery",
         "translations": {"fr": {"name": "Reprise"}}},
        {"urn": f"{BASE}:1.1", "assessable": True, "depth": 2, "parent_urn": f"{BASE}:1", "ref_id": "1.1",
         "name": "Recovery exercises", "description": LONG,
         "annotation": "Plan the exercises in the first quarter; keep the reports with the evidence.",
         "typical_evidence": "Exercise report\nSign-off by the service owner",
         "translations": {"fr": {"name": "Exercices de reprise", "description": "Chaque service de niveau 1 est "
                                 "repris dans son objectif de temps de reprise."}}},
        {"urn": f"{BASE}:node4", "assessable": True, "depth": 2, "parent_urn": f"{BASE}:1",
         "name": "Backups", "description": "Backups are taken at least as often as the recovery point objective."},
        {"urn": f"{BASE}:1.3", "assessable": True, "depth": 2, "parent_urn": f"{BASE}:1", "ref_id": "1.3",
         "description": "Backups are restored in a test at least twice a year, and the test is recorded."},
    ]
    framework = {"urn": "urn:acme:risk:framework:acme-recovery", "ref_id": "acme-recovery",
                 "name": "Acme recovery requirements", "description": "Recovery requirements of Acme.",
                 "min_score": 0, "max_score": 3,
                 "scores_definition": [{"score": 0, "name": "None", "description": "Not done"},
                                       {"score": 3, "name": "Full", "description": "Done and recorded"}],
                 "requirement_nodes": nodes}
    return {"urn": "urn:acme:risk:library:acme-recovery", "locale": "en", "ref_id": "acme-recovery",
            "name": "Acme recovery requirements", "description": "Recovery requirements of Acme, a sample.",
            "copyright": "Acme, for tests", "version": 3, "publication_date": date(2026, 5, 4),
            "provider": "Acme", "packager": "acme",
            "translations": {"fr": {"name": "Exigences de reprise d'Acme"}},
            "objects": {"framework": framework}}


def _yaml(folder: Path, name: str, encoding: str, data: dict[str, Any] | None = None) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data or library(), sort_keys=False, allow_unicode=True), encoding=encoding)
    return path


def library_utf8(folder: Path) -> Path:
    return _yaml(folder, "library_utf8.yaml", "utf-8")


def library_cp1252(folder: Path) -> Path:
    """As saved by a Windows editor: accents (é, ’) in Windows-1252, not UTF-8."""
    data = library()
    data["copyright"] = "Acme – société d’exemple"
    return _yaml(folder, "library_cp1252.yaml", "cp1252", data)


def library_utf16(folder: Path) -> Path:
    return _yaml(folder, "library_utf16.yaml", "utf-16")


def mapping_library(folder: Path) -> Path:
    """A CISO Assistant mapping library: it links two frameworks and is not one."""
    data = {"urn": "urn:acme:risk:library:mapping-a-b", "locale": "en", "ref_id": "mapping-a-b", "name": "A <-> B",
            "version": 1, "objects": {"requirement_mapping_sets": [{
                "urn": "urn:acme:risk:req_mapping_set:a-b", "name": "A <-> B",
                "source_framework_urn": "urn:acme:risk:framework:a", "target_framework_urn": "urn:acme:risk:framework:b",
                "requirement_mappings": [{"source_requirement_urn": "urn:acme:risk:req_node:a:1",
                                          "target_requirement_urn": "urn:acme:risk:req_node:b:1",
                                          "relationship": "equal"}]}]}}
    return _yaml(folder, "mapping_library.yaml", "utf-8", data)


def library_workbook(folder: Path) -> Path:
    """The same library as a ``v2`` library workbook (library_meta, framework and scores sheet pairs)."""
    lib = library()
    fw = lib["objects"]["framework"]
    wb = Workbook()
    meta = wb.active
    assert meta is not None
    meta.title = "library_meta"
    meta.append(["type", "library"])
    for key in ("urn", "version", "locale", "ref_id", "name", "description", "copyright", "provider", "packager"):
        meta.append([key, lib[key]])
    meta.append(["publication_date", "2026-05-04"])
    meta.append(["name[fr]", lib["translations"]["fr"]["name"]])
    fw_meta = wb.create_sheet("framework_meta")
    for row in (["type", "framework"], ["base_urn", BASE], ["urn", fw["urn"]], ["ref_id", fw["ref_id"]],
                ["name", fw["name"]], ["description", fw["description"]], ["min_score", 0], ["max_score", 3],
                ["scores_definition", "scores"]):
        fw_meta.append(row)
    content = wb.create_sheet("framework_content")
    content.append(["assessable", "depth", "node_id", "ref_id", "name", "description", "annotation",
                    "typical_evidence", "name[fr]", "description[fr]"])
    content.append([None, 1, None, "1", "Recovery", None, None, None, "Reprise", None])
    node = fw["requirement_nodes"][1]
    content.append(["x", 2, None, "1.1", node["name"], node["description"], node["annotation"],
                    node["typical_evidence"], node["translations"]["fr"]["name"],
                    node["translations"]["fr"]["description"]])
    content.append(["x", 2, "node4", None, "Backups", fw["requirement_nodes"][2]["description"], None, None, None,
                    None])
    content.append(["x", 2, None, "1.3", None, fw["requirement_nodes"][3]["description"], None, None, None, None])
    scores_meta = wb.create_sheet("scores_meta")
    scores_meta.append(["type", "scores"])
    scores_meta.append(["name", "scores"])
    scores = wb.create_sheet("scores_content")
    scores.append(["score", "name", "description"])
    for entry in fw["scores_definition"]:
        scores.append([entry["score"], entry["name"], entry["description"]])
    path = folder / "library_workbook.xlsx"
    wb.save(path)
    return path


def workbook_depth_jump(folder: Path) -> Path:
    """A library workbook whose row 3 jumps from depth 1 to depth 3 (the converter refuses it too)."""
    from openpyxl import load_workbook

    source = library_workbook(folder)
    wb = load_workbook(source)
    wb["framework_content"]["B3"] = 3
    path = folder / "workbook_depth_jump.xlsx"
    wb.save(path)
    source.unlink()
    return path


FIXTURES: dict[str, Callable[[Path], Path]] = {
    "library_utf8.yaml": library_utf8,
    "library_cp1252.yaml": library_cp1252,
    "library_utf16.yaml": library_utf16,
    "mapping_library.yaml": mapping_library,
    "library_workbook.xlsx": library_workbook,
    "workbook_depth_jump.xlsx": workbook_depth_jump,
}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("ciso-assistant-fixtures")
    out.mkdir(parents=True, exist_ok=True)
    for make in FIXTURES.values():
        print(make(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
