"""Our OSCAL joins up (findings -> catalog controls) and covers what the FedRAMP SAR and POA&M templates carry."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import SAMPLES
from itscm_audit.catalog import shipped_catalogue_set
from itscm_audit.oscal_catalog import catalogue_to_oscal
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.oscal import assessment_results, poam
from result_factory import make_result


def _controls(controls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in controls:
        out.append(c)
        out.extend(_controls(c.get("controls", [])))
    return out


def test_every_finding_joins_a_control_of_our_exported_catalog(example_run) -> None:  # type: ignore[no-untyped-def]
    """The real pipeline on the example: every target, reviewed control and objective exists in the catalogs."""
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.catalog import Catalog
    from trestle.oscal.poam import PlanOfActionAndMilestones

    result = example_run.result
    cs = shipped_catalogue_set()
    control_of_objective: dict[str, str] = {}
    control_ids: set[str] = set()
    for fw in result.run.frameworks:
        doc = catalogue_to_oscal(cs.catalogue(fw))
        Catalog.model_validate(doc["catalog"])
        for control in _controls(doc["catalog"]["controls"]):
            control_ids.add(control["id"])
            for part in control.get("parts", []):
                if part["name"] == "assessment-objective":
                    control_of_objective[part["id"]] = control["id"]
    ar = json.loads((example_run.out_dir / "assessment-results.json").read_text(encoding="utf-8"))
    poam_doc = json.loads((example_run.out_dir / "poam.json").read_text(encoding="utf-8"))
    AssessmentResults.model_validate(ar["assessment-results"])
    PlanOfActionAndMilestones.model_validate(poam_doc["plan-of-action-and-milestones"])
    body = ar["assessment-results"]["results"][0]
    findings = body["findings"]
    assert len(findings) == len(result.requirements)
    targets = [f["target"]["target-id"] for f in findings]
    assert [t for t in targets if t not in control_of_objective] == []
    reviewed = {c["control-id"] for c in body["reviewed-controls"]["control-selections"][0]["include-controls"]}
    assert reviewed == {control_of_objective[t] for t in targets} and reviewed <= control_ids
    poam_targets = [f["target"]["target-id"] for f in poam_doc["plan-of-action-and-milestones"].get("findings", [])]
    assert poam_targets and set(poam_targets) <= set(targets)
    assert {"cp-4", "iso22301_8.5"} <= reviewed  # NIST's own ids for 800-53; framework_requirement for the others


def _paths(value: Any, prefix: tuple[str, ...] = (), depth: int = 3) -> set[str]:
    """Field paths (``results.findings.target``) of a document, lists flattened, down to ``depth``."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = (*prefix, key)
            out.add(".".join(path))
            if len(path) < depth:
                out |= _paths(child, path, depth)
    elif isinstance(value, list):
        for child in value:
            out |= _paths(child, prefix, depth)
    return out


SAR_FILLED = {
    "uuid", "import-ap", "import-ap.href", "import-ap.remarks",
    "metadata", "metadata.title", "metadata.published", "metadata.last-modified", "metadata.version",
    "metadata.oscal-version", "metadata.props", "metadata.props.name", "metadata.props.ns", "metadata.props.value",
    "metadata.roles", "metadata.roles.id", "metadata.roles.title", "metadata.roles.description",
    "metadata.parties", "metadata.parties.uuid", "metadata.parties.type", "metadata.parties.name",
    "metadata.responsible-parties", "metadata.responsible-parties.role-id",
    "metadata.responsible-parties.party-uuids", "metadata.remarks",
    "results", "results.uuid", "results.title", "results.description", "results.start", "results.end",
    "results.local-definitions", "results.local-definitions.assessment-assets",
    "results.reviewed-controls", "results.reviewed-controls.control-selections",
    "results.reviewed-controls.control-objective-selections", "results.attestations", "results.attestations.parts",
    "results.observations", "results.observations.uuid", "results.observations.title",
    "results.observations.description", "results.observations.props", "results.observations.methods",
    "results.observations.types", "results.observations.origins", "results.observations.subjects",
    "results.observations.relevant-evidence", "results.observations.collected", "results.observations.remarks",
    "results.risks", "results.risks.uuid", "results.risks.title", "results.risks.description",
    "results.risks.statement", "results.risks.props", "results.risks.status", "results.risks.remediations",
    "results.findings", "results.findings.uuid", "results.findings.title", "results.findings.description",
    "results.findings.origins", "results.findings.target", "results.findings.related-observations",
    "results.findings.related-risks",
    "back-matter", "back-matter.resources", "back-matter.resources.uuid", "back-matter.resources.title",
    "back-matter.resources.description", "back-matter.resources.props", "back-matter.resources.rlinks",
}
"""FedRAMP SAR template fields our assessment results fill."""
SAR_NOT_FILLED = {
    "local-definitions": "no assessment plan document: activities and methods are the rules, listed in result.json",
    "metadata.locations": "the workspace holds no street addresses",
    "metadata.parties.addresses": "the workspace holds no street addresses",
    "metadata.parties.email-addresses": "contact details stay out of shared packs",
    "metadata.parties.telephone-numbers": "contact details stay out of shared packs",
    "metadata.parties.links": "nothing to link",
    "metadata.parties.location-uuids": "no locations",
    "metadata.parties.member-of-organizations": "people are not tied to organisations in the data",
    "metadata.parties.props": "no party attribute worth a prop",
    "metadata.parties.remarks": "nothing to add",
    "metadata.parties.short-name": "no short names in the data",
    "metadata.responsible-parties.remarks": "nothing to add",
    "results.assessment-log": "one run, no timed steps: the run is dated in metadata and result.json",
    "results.local-definitions.inventory-items": "services are components (type service), not inventory items",
    "results.findings.implementation-statement-uuid": "no SSP to point at",
    "results.findings.remarks": "the rationale is the description; statuses are in target.status.remarks",
    "results.risks.characterizations": "the data carries no impact or likelihood rating",
    "results.risks.mitigating-factors": "not recorded in the data",
    "results.risks.risk-log": "the history keeps runs; a per-risk log is not written",
    "back-matter.resources.base64": "evidence is referenced by path and SHA-256, not embedded",
    "back-matter.resources.remarks": "nothing to add",
}
POAM_FILLED = {
    "uuid", "system-id", "system-id.id", "system-id.identifier-type",
    "metadata", "metadata.title", "metadata.published", "metadata.last-modified", "metadata.version",
    "metadata.oscal-version", "metadata.props", "metadata.props.name", "metadata.props.ns", "metadata.props.value",
    "metadata.roles", "metadata.roles.id", "metadata.roles.title", "metadata.roles.description",
    "metadata.parties", "metadata.parties.uuid", "metadata.parties.type", "metadata.parties.name",
    "metadata.responsible-parties", "metadata.responsible-parties.role-id",
    "metadata.responsible-parties.party-uuids",
    "local-definitions", "local-definitions.components", "local-definitions.components.uuid",
    "local-definitions.components.type", "local-definitions.components.title",
    "local-definitions.components.description", "local-definitions.components.props",
    "local-definitions.components.status",
    "observations", "observations.uuid", "observations.title", "observations.description", "observations.methods",
    "observations.types", "observations.origins", "observations.origins.actors", "observations.subjects",
    "observations.subjects.subject-uuid", "observations.subjects.type", "observations.relevant-evidence",
    "observations.relevant-evidence.href", "observations.relevant-evidence.description", "observations.collected",
    "observations.remarks",
    "risks", "risks.uuid", "risks.title", "risks.description", "risks.statement", "risks.props", "risks.props.name",
    "risks.props.ns", "risks.props.value", "risks.status", "risks.deadline", "risks.remediations",
    "risks.remediations.uuid", "risks.remediations.lifecycle", "risks.remediations.title",
    "risks.remediations.description", "risks.remediations.origins", "risks.remediations.tasks",
    "poam-items", "poam-items.uuid", "poam-items.title", "poam-items.description", "poam-items.props",
    "poam-items.props.name", "poam-items.props.ns", "poam-items.props.value", "poam-items.related-observations",
    "poam-items.related-observations.observation-uuid", "poam-items.related-risks",
    "poam-items.related-risks.risk-uuid", "poam-items.remarks",
    "back-matter", "back-matter.resources", "back-matter.resources.uuid", "back-matter.resources.title",
    "back-matter.resources.description", "back-matter.resources.props", "back-matter.resources.rlinks",
}
"""FedRAMP POA&M template fields our POA&M fills (it also adds OSCAL 1.1 ``findings`` and ``related-findings``)."""
POAM_NOT_FILLED = {
    "import-ssp": "no system security plan: system-id names the assessed scope",
    "local-definitions.remarks": "nothing to add",
    "local-definitions.components.remarks": "status remarks say when a service is out of scope",
    "local-definitions.inventory-items": "services are components (type service), not inventory items",
    "metadata.locations": "the workspace holds no street addresses",
    "metadata.parties.addresses": "the workspace holds no street addresses",
    "metadata.parties.email-addresses": "contact details stay out of shared packs",
    "metadata.parties.telephone-numbers": "contact details stay out of shared packs",
    "metadata.parties.links": "nothing to link",
    "metadata.parties.location-uuids": "no locations",
    "metadata.parties.member-of-organizations": "people are not tied to organisations in the data",
    "metadata.parties.props": "no party attribute worth a prop",
    "metadata.parties.remarks": "nothing to add",
    "metadata.parties.short-name": "no short names in the data",
    "metadata.roles.short-name": "role titles are short already",
    "observations.relevant-evidence.links": "evidence is a back-matter resource, linked by href",
    "observations.relevant-evidence.remarks": "nothing to add",
    "risks.characterizations": "the data carries no impact or likelihood rating",
    "risks.mitigating-factors": "not recorded in the data",
    "risks.remediations.remarks": "nothing to add",
    "risks.remediations.required-assets": "not recorded in the data",
    "risks.risk-log": "the history keeps runs; a per-risk log is not written",
    "back-matter.resources.base64": "evidence is referenced by path and SHA-256, not embedded",
    "back-matter.resources.remarks": "nothing to add",
}


def _covered(paths: set[str], listed: set[str]) -> set[str]:
    """Paths not under a listed field (a not-filled field stands for everything below it)."""
    return {p for p in paths if not any(p == n or p.startswith(f"{n}.") for n in listed)}


@pytest.mark.samples
@pytest.mark.parametrize(("sample", "root", "filled", "not_filled", "build"), [
    ("fedramp-automation__FedRAMP-SAR-OSCAL-Template-rev5.json", "assessment-results", SAR_FILLED, SAR_NOT_FILLED,
     assessment_results),
    ("fedramp-automation__FedRAMP-POAM-OSCAL-Template-rev5.json", "plan-of-action-and-milestones", POAM_FILLED,
     POAM_NOT_FILLED, poam),
])
def test_template_fields_we_fill(sample: str, root: str, filled: set[str], not_filled: dict[str, str],
                                 build: Any) -> None:
    path = SAMPLES / sample
    if not path.is_file():
        pytest.skip("../shared/samples is not here")
    template = _paths(json.loads(path.read_text(encoding="utf-8"))[root])
    ours = _paths(build(PackContext(result=make_result()))[root])
    assert set(not_filled) <= template, "a field listed as not filled is not in the template"
    assert _covered(template, set(not_filled)) == filled, "every template field is either filled or explained"
    assert filled <= ours
    assert not (ours & set(not_filled)), "a field listed as not filled is filled now: move it to the filled list"
