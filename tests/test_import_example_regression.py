"""No regression: the example workspace (``itscm-audit init``) imports to the same records as before
issue 10 changed the importer, field by field, ignoring only what issue 10 added (the provenance fields
``columns``, ``raw``, ``not_given`` and the new optional fields).

The digests below were taken from the importer as it was before issue 10, on the same example. When the
example generator itself changes on purpose, print the new figures with ``python -c "import
test_import_example_regression as t; t.main()"`` (from ``tests/``) and update them in the same commit.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from itscm_audit.config import load_config
from itscm_audit.importers import ImportResult, import_sources
from itscm_audit.model import ENTITY_FIELD, EntityKind, Severity

BEFORE: dict[str, tuple[int, str, tuple[str, ...]]] = {
    "service": (40, "aa8eaddade0d1ffd902b9bea78093ed65a21e7f9bb8e8b0cfa11699f58f635fd",
        ("backup_interval", "depends_on", "extra", "id", "in_scope", "mtpd", "name", "owner",
         "personal_data", "phi", "plan_id", "recovery_strategy", "rpo", "rto", "source", "tier", "vendors")),
    "exercise": (71, "5b158cd92cbcebcf550c65c7f4e234abf988326c07bfe0e8b2d97bd02fef7cdd",
        ("achieved_data_loss", "achieved_recovery_time", "date", "extra", "id", "report", "result",
         "scenario", "services", "source", "type")),
    "finding": (20, "ac5c13452cfecfd510d14b5c6c688962461fa66d15a5b1f2642572090c68e265",
        ("description", "exercise_id", "extra", "id", "incident_id", "raised", "severity", "source")),
    "corrective_action": (20, "ec4f701437521db2b755396b417f47e847ae09b0e0b5751730621a0198d9b950",
        ("closed", "description", "due", "extra", "finding_id", "id", "opened", "owner", "source", "status")),
    "contact": (16, "b93aaf3e947390632d46fab59bb14ea7bf514f61bd825ff51b65a5aa6444460d",
        ("alternate", "backup_channel", "critical_role", "email", "extra", "last_verified", "name", "phone",
         "role", "source")),
    "vendor": (9, "8d10a974e8060f7e0b79c6a986e890350970fce5cbfb63aeded13b456135c13e",
        ("bc_plan_reviewed", "contact", "contract_rpo", "contract_rto", "extra", "id", "name", "services",
         "source")),
    "plan_document": (12, "f2cbf637f730c9897a0d5f0b6f270446bdd17765cfae0119c798257d7883d201",
        ("approved", "approved_by", "extra", "id", "last_reviewed", "owner", "services", "source", "title",
         "type", "version")),
    "training_record": (20, "99c4b83a3e95c649eccecd14e8855883148be507a0b9289d93429d2971d74989",
        ("completed", "course", "extra", "person", "role", "source")),
    # 11 since issue 12 added INC-2026-007 to the example; the pre-issue-10 importer gives this digest too
    "incident": (11, "d27a74fda4495e62feb626ed21a3540eb0f2995be5a53ada2ab19a4f732c3600",
        ("aware", "classified_major", "detected", "extra", "final_report", "id", "individuals_notified",
         "initial_report", "intermediate_report", "jurisdictions", "major_ict", "personal_data_breach",
         "registered", "regulator_notified", "risk_of_harm", "services", "source", "title")),
    "risk": (12, "2c0a1cbbc1118e83ac6126786ad338d1fba099276bed56a3c4ebed14e967c3b7",
        ("extra", "id", "impact", "likelihood", "owner", "services", "source", "title", "treatment")),
    "backup_run": (7097, "3f7e4f9507c6c4cdf6abc5708ecbfd1c8de98ead942b287b1ee7d0155017de29",
        ("completed", "extra", "restore_test", "service_id", "source", "status")),
}
"""Per entity: how many records, the SHA-256 of their fields as JSON, and the fields compared (those the
model had before issue 10)."""


def digests(result: ImportResult) -> dict[str, tuple[int, str]]:
    out = {}
    for kind, (_count, _digest, fields) in BEFORE.items():
        records = getattr(result.data, ENTITY_FIELD[EntityKind(kind)])
        text = json.dumps([r.model_dump(mode="json", include=set(fields)) for r in records], sort_keys=True,
                          ensure_ascii=False)
        out[kind] = (len(records), hashlib.sha256(text.encode()).hexdigest())
    return out


def test_the_example_imports_to_the_same_records_as_before(example_workspace: Path, tmp_path: Path) -> None:
    root = tmp_path / "aurora"
    shutil.copytree(example_workspace, root)
    result = import_sources(root, load_config(root))
    assert digests(result) == {kind: (count, digest) for kind, (count, digest, _f) in BEFORE.items()}
    assert [i for i in result.issues if i.severity is not Severity.INFO] == []
    for service in result.data.services:
        assert (service.status, service.not_given) == (None, {})
        assert service.bia_reviewed is not None and service.columns["bia_reviewed"] == "Last BIA Review"
        assert service.columns["rto"] == "RTO (hrs)" and service.columns["owner"] == "Business Owner"


def main() -> None:
    """Print the figures of the current importer (see the module docstring)."""
    import tempfile

    from itscm_audit.example import init_workspace

    root = init_workspace(Path(tempfile.mkdtemp()) / "aurora")
    for kind, figures in digests(import_sources(root, load_config(root))).items():
        print(kind, *figures)
