"""OSCAL 1.1 ``assessment-results.json`` and ``poam.json``, for GRC tools that read OSCAL.

Every finding targets the assessment objective (``<control id>_obj``) of a control of our exported
catalog (ids from :mod:`itscm_audit.oscal_ids`), so findings join the catalog. The assessment
results review each requirement explicitly and hold a finding for every one, not-assessed and
not-applicable ones included; observations come from the rules (TEST) and the evidence locker
(EXAMINE) with the tool as origin and the services as subjects; every failing rule is a risk. The
POA&M repeats the gap findings and lists a poam-item per gap and per open corrective action, with
its POAM-ID, related findings, and milestones on the actions' due dates owned by parties.

Identifiers are uuid5 of the run id and the thing identified (services, parties and the tool: of
the thing alone), and every timestamp is the as-of date at midnight UTC, so the same result always
gives the same bytes. Evidence is a back-matter resource carrying its SHA-256.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from itscm_audit.fsio import write_bytes_atomic
from itscm_audit.model import ActionStatus, CorrectiveAction, Service
from itscm_audit.oscal_ids import NS, OSCAL_VERSION, control_id, derived_uuid, objective_id, token
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.safe import clean_text
from itscm_audit.result import (
    ActionFacts,
    AssessmentResult,
    CheckResult,
    EntityResult,
    EvidenceStatus,
    Outcome,
    RequirementStatus,
    Status,
)

__all__ = ["NS", "assessment_results", "poam", "token", "write_assessment_results", "write_poam"]

TOOL = "itscm-audit"
ROLES = {
    "prepared-for": ("Prepared for", "The organisation whose IT service continuity was assessed."),
    "prepared-by": ("Prepared by", "Who ran the assessment: the organisation itself, with itscm-audit."),
    "action-owner": ("Corrective action owner", "Owns a corrective action and its due date, as in the action log."),
    "attestor": ("Attestor", "Signed an attestation about a requirement or an objective."),
}
_FINDING_STATE = {
    Status.MET: ("satisfied", "pass"),
    Status.PARTIALLY_MET: ("not-satisfied", "other"),
    Status.NOT_MET: ("not-satisfied", "fail"),
    Status.NOT_ASSESSED: ("not-satisfied", "other"),
    Status.NOT_APPLICABLE: ("satisfied", "other"),
}
"""OSCAL knows satisfied / not-satisfied; our exact status is in the ``status`` prop and the remarks."""
LISTED = 50
"""An observation names at most this many failing records and subject services; result.json has them all."""
_IMPLEMENTATION = {Status.MET: "implemented", Status.PARTIALLY_MET: "partial", Status.NOT_APPLICABLE: "not-applicable"}


def _text(value: str, ctx: PackContext) -> str:
    """Non-empty, trimmed, XML-safe text (OSCAL strings must not be blank or padded)."""
    if ctx.redactor is not None:
        value = ctx.redactor(value)
    out = " ".join(clean_text(value).split())
    return out or "(none)"


def _prop(name: str, value: str, ctx: PackContext) -> dict[str, str]:
    return {"name": token(name), "value": _text(value, ctx), "ns": NS}


def _at(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


def _when(result: AssessmentResult) -> str:
    return _at(result.run.as_of)


def _run_uuid(result: AssessmentResult, *parts: str) -> str:
    return derived_uuid(result.run.run_id, *parts)


def _org_uuid(result: AssessmentResult) -> str:
    return derived_uuid("party", "organisation", result.run.organisation)


def _tool_uuid() -> str:
    return derived_uuid("component", TOOL)


def _service_uuid(result: AssessmentResult, service_id: str) -> str:
    return derived_uuid("service", result.run.organisation, service_id)


def _party_uuid(name: str) -> str:
    return derived_uuid("party", "person", name)


def _origins() -> list[dict[str, Any]]:
    return [{"actors": [{"type": "tool", "actor-uuid": _tool_uuid()}]}]


def _metadata(result: AssessmentResult, title: str, ctx: PackContext,
              people: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """Title, dates, roles and parties: the organisation prepares its own assessment with the tool;
    ``people`` (role id -> name -> party uuid) adds attestors or action owners as persons."""
    run = result.run
    org = _org_uuid(result)
    parties: dict[str, dict[str, Any]] = {org: {"uuid": org, "type": "organization",
                                                "name": _text(run.organisation, ctx)}}
    responsible = [{"role-id": "prepared-for", "party-uuids": [org]},
                   {"role-id": "prepared-by", "party-uuids": [org]}]
    roles = ["prepared-for", "prepared-by"]
    for role, named in (people or {}).items():
        if not named:
            continue
        roles.append(role)
        for name, uid in named.items():
            parties.setdefault(uid, {"uuid": uid, "type": "person", "name": name})
        responsible.append({"role-id": role, "party-uuids": list(named.values())})
    props = [_prop("as-of", run.as_of.isoformat(), ctx), _prop("run-label", run.label, ctx),
             _prop("tool", f"{TOOL} {run.tool_version}", ctx)]
    if run.scope:
        props.append(_prop("scope", run.scope, ctx))
    return {
        "title": _text(f"{title} — {run.organisation}", ctx),
        "published": _when(result),
        "last-modified": _when(result),
        "version": run.run_id,
        "oscal-version": OSCAL_VERSION,
        "props": props,
        "roles": [{"id": r, "title": ROLES[r][0], "description": ROLES[r][1]} for r in roles],
        "parties": list(parties.values()),
        "responsible-parties": responsible,
        "remarks": _text(f"Written by {TOOL} {run.tool_version} from run {run.run_id} as of "
                         f"{run.as_of.isoformat()}; every status is traced in result.json.", ctx),
    }


def _people(names: Iterable[str | None], ctx: PackContext) -> dict[str, str]:
    """Printed (and, with --redact, masked) names -> party uuids, one party per name."""
    return {name: _party_uuid(name) for name in sorted({_text(n, ctx) for n in names if n})}


def _attestations(result: AssessmentResult, attestors: dict[str, str], ctx: PackContext) -> list[dict[str, Any]]:
    """The officer's signed statements (requirement or objective, status, who and when)."""
    out = []
    for att in result.attestations:
        props = [_prop("target", att.target, ctx), _prop("status", att.status.value, ctx),
                 _prop("source", att.source.label(), ctx)]
        if att.date is not None:
            props.append(_prop("date", att.date.isoformat(), ctx))
        entry: dict[str, Any] = {"parts": [{
            "uuid": _run_uuid(result, "attestation", att.target, att.source.label()),
            "name": "attestation", "title": _text(f"{att.target}: {att.status.value.replace('_', ' ')}", ctx),
            "props": props,
            "prose": _text(att.statement or att.justification or "(no statement)", ctx),
        }]}
        if att.attested_by:
            entry["responsible-parties"] = [{"role-id": "attestor",
                                             "party-uuids": [attestors[_text(att.attested_by, ctx)]]}]
        out.append(entry)
    return out


def _services(result: AssessmentResult, observations: list[dict[str, Any]], ctx: PackContext) -> list[dict[str, Any]]:
    """The services the observations name as subjects, as OSCAL components of type ``service``."""
    named = {s["subject-uuid"] for o in observations for s in o.get("subjects", ())}
    out = []
    for svc in result.data.services:
        if _service_uuid(result, svc.id) not in named:
            continue
        props = [_prop("service-id", svc.id, ctx)]
        if svc.tier is not None:
            props.append(_prop("tier", str(svc.tier), ctx))
        status: dict[str, str] = {"state": "operational"} if svc.in_scope else {
            "state": "other", "remarks": "Out of the assessment's scope."}
        out.append({"uuid": _service_uuid(result, svc.id), "type": "service", "title": _text(svc.name, ctx),
                    "description": _text(f"Service {svc.id}" + (f", tier {svc.tier}" if svc.tier else ""), ctx),
                    "props": props, "status": status})
    return out


def _tool_assets(result: AssessmentResult) -> dict[str, Any]:
    version = result.run.tool_version
    return {
        "components": [{"uuid": _tool_uuid(), "type": "software", "title": TOOL,
                        "description": "Imports the organisation's continuity records and evidence, evaluates "
                                       "the continuity rules and maps them through crosswalks to each framework.",
                        "props": [{"name": "version", "value": version, "ns": NS}],
                        "status": {"state": "operational"}}],
        "assessment-platforms": [{"uuid": derived_uuid("platform", TOOL, version), "title": f"{TOOL} {version}",
                                  "uses-components": [{"component-uuid": _tool_uuid()}]}],
    }


def _evidence_resources(result: AssessmentResult, ctx: PackContext) -> tuple[list[dict[str, Any]], dict[str, str]]:
    resources: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for ev in result.evidence:
        rid = _run_uuid(result, "evidence", ev.item.path)
        ids[ev.item.path] = rid
        resources.append({
            "uuid": rid,
            "title": _text(ev.item.title or ev.item.path, ctx),
            "description": _text(ev.message, ctx),
            "props": [_prop("evidence-type", ev.item.evidence_type, ctx), _prop("freshness", ev.state.value, ctx)],
            "rlinks": [{"href": f"evidence/{ev.item.path}",
                        "hashes": [{"algorithm": "SHA-256", "value": ev.item.sha256}]}],
        })
    return resources, ids


def _plan_resource(result: AssessmentResult, ctx: PackContext) -> dict[str, Any]:
    """What ``import-ap`` points at: the method of this run (rules, policy, catalogue versions)."""
    run = result.run
    versions = ", ".join(f"{fw} {v}" for fw, v in sorted(run.catalogue_versions.items()))
    return {
        "uuid": _run_uuid(result, "assessment-plan"),
        "title": _text(f"Assessment plan: {TOOL} rules and the workspace policy as of {run.as_of.isoformat()}", ctx),
        "description": _text(f"{len(result.checks)} rules evaluated over the organisation's records and evidence, "
                             f"mapped through crosswalks to {versions or 'no catalogue'}. The policy parameters, "
                             "inputs (SHA-256) and catalogue versions of this run are in result.json.", ctx),
        "props": [_prop("run-id", run.run_id, ctx)],
        "rlinks": [{"href": "result.json", "media-type": "application/json"}],
    }


@dataclass(frozen=True)
class _Records:
    """Records by id, looked up once per document rather than once per observation."""

    services: dict[str, Service]
    exercise_services: dict[str, tuple[str, ...]]
    finding_exercise: dict[str, str]

    @classmethod
    def of(cls, result: AssessmentResult) -> _Records:
        data = result.data
        return cls(services={s.id: s for s in data.services},
                   exercise_services={e.id: e.services for e in data.exercises},
                   finding_exercise={f.id: f.exercise_id for f in data.findings if f.exercise_id})


def _subjects(result: AssessmentResult, records: _Records, service_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The first :data:`LISTED` services, as references to their components."""
    known = [sid for sid in dict.fromkeys(service_ids) if sid in records.services]
    return [{"subject-uuid": _service_uuid(result, sid), "type": "component"} for sid in known[:LISTED]]


def _entity_services(records: _Records, entities: Iterable[EntityResult]) -> list[str]:
    """Services an entity result is about: the service itself, or the services an exercise covered."""
    out: list[str] = []
    for e in entities:
        if e.entity == "service":
            out.append(e.entity_id)
        elif e.entity == "exercise":
            out.extend(records.exercise_services.get(e.entity_id, ()))
    return out


def _check_observation(result: AssessmentResult, records: _Records, check: CheckResult,
                       evidence_ids: dict[str, str], ctx: PackContext) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "uuid": _run_uuid(result, "check", check.rule_id),
        "title": _text(check.title, ctx),
        "description": _text(check.summary, ctx),
        "props": [_prop("rule", check.rule_id, ctx), _prop("outcome", check.outcome.value, ctx)],
        "methods": ["TEST"],
        "types": ["finding"] if check.outcome in (Outcome.FAIL, Outcome.PARTIAL) else ["control-objective"],
        "origins": _origins(),
        "collected": _when(result),
    }
    subjects = _subjects(result, records, _entity_services(records, check.entities))
    if subjects:
        obs["subjects"] = subjects
    relevant = [{"href": f"#{evidence_ids[p]}", "description": _text(f"Evidence {p}", ctx)}
                for p in check.evidence if p in evidence_ids]
    if relevant:
        obs["relevant-evidence"] = relevant
    failing = check.failing
    if failing:
        lines = [f"{e.entity} {e.entity_id}: {e.message}"
                 + (f" ({e.sources[0].label()})" if e.sources else "") for e in failing[:LISTED]]
        more = f" ({len(failing)} records in all; every one is in result.json)" if len(failing) > LISTED else ""
        obs["remarks"] = _text("; ".join(lines) + more, ctx)
    return obs


def _evidence_observation(result: AssessmentResult, records: _Records, ev: EvidenceStatus,
                          evidence_ids: dict[str, str], ctx: PackContext) -> dict[str, Any]:
    services = [*ev.item.services, *(s for x in ev.item.exercises for s in records.exercise_services.get(x, ()))]
    obs: dict[str, Any] = {
        "uuid": _run_uuid(result, "examine", ev.item.path),
        "title": _text(f"Examined {ev.item.path}", ctx),
        "description": _text(ev.message, ctx),
        "props": [_prop("freshness", ev.state.value, ctx)],
        "methods": ["EXAMINE"],
        "types": ["control-objective"],
        "origins": _origins(),
        "collected": _at(ev.item.collected),
        "relevant-evidence": [{"href": f"#{evidence_ids[ev.item.path]}",
                               "description": _text(f"SHA-256 {ev.item.sha256}", ctx)}],
    }
    subjects = _subjects(result, records, services)
    if subjects:
        obs["subjects"] = subjects
    if ev.expires is not None:
        obs["expires"] = _at(ev.expires)
    return obs


def _observations(result: AssessmentResult, records: _Records,
                  ctx: PackContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    resources, evidence_ids = _evidence_resources(result, ctx)
    obs = [_check_observation(result, records, c, evidence_ids, ctx) for c in result.checks]
    obs.extend(_evidence_observation(result, records, e, evidence_ids, ctx) for e in result.evidence)
    return obs, resources


def _recommendations(result: AssessmentResult, objective_ids: set[str], ctx: PackContext,
                     risk_key: str) -> list[dict[str, Any]]:
    """The remediation plan's items for these objectives, as OSCAL ``recommendation`` responses."""
    return [{"uuid": _run_uuid(result, "recommendation", risk_key, item.objective_id),
             "lifecycle": "recommendation",
             "title": _text(f"Remediation #{item.rank}: {item.title}", ctx),
             "description": _text(item.action, ctx),
             "props": [_prop("objective", item.objective_id, ctx), _prop("rank", str(item.rank), ctx)]}
            for item in result.remediation if item.objective_id in objective_ids]


def _rule_risks(result: AssessmentResult, ctx: PackContext) -> list[dict[str, Any]]:
    """A risk for every rule that fails or partly fails, with the remediation plan's recommendation."""
    objectives_of: dict[str, set[str]] = {}
    for obj in result.objectives:
        for rule in obj.rules:
            objectives_of.setdefault(rule, set()).add(obj.objective_id)
    risks = []
    for check in result.checks:
        if check.outcome not in (Outcome.FAIL, Outcome.PARTIAL):
            continue
        risk: dict[str, Any] = {
            "uuid": _run_uuid(result, "risk-rule", check.rule_id),
            "title": _text(f"{check.title} ({check.rule_id}: {check.outcome.value})", ctx),
            "description": _text(check.summary, ctx),
            "statement": _text(f"Rule {check.rule_id} {'fails' if check.outcome == Outcome.FAIL else 'partly fails'}"
                               f" for {len(check.failing)} record(s); every requirement that relies on it "
                               "is at risk until it passes.", ctx),
            "props": [_prop("rule", check.rule_id, ctx), _prop("outcome", check.outcome.value, ctx)],
            "status": "open",
            "origins": _origins(),
            "related-observations": [{"observation-uuid": _run_uuid(result, "check", check.rule_id)}],
        }
        remediations = _recommendations(result, objectives_of.get(check.rule_id, set()), ctx, check.rule_id)
        if remediations:
            risk["remediations"] = remediations
        risks.append(risk)
    return risks


def _related(result: AssessmentResult, req: RequirementStatus, known: set[str]) -> list[dict[str, str]]:
    ids = [_run_uuid(result, "check", r) for r in req.rules]
    ids += [_run_uuid(result, "examine", e.item.path) for e in req.evidence]
    return [{"observation-uuid": i} for i in dict.fromkeys(ids) if i in known]


def _finding_uuid(result: AssessmentResult, req: RequirementStatus) -> str:
    return _run_uuid(result, "finding", req.framework, req.requirement_id)


def _finding(result: AssessmentResult, req: RequirementStatus, known: set[str], risk_ids: set[str],
             ctx: PackContext) -> dict[str, Any]:
    state, reason = _FINDING_STATE[req.status]
    status: dict[str, str] = {"state": state, "reason": reason}
    if req.status not in (Status.MET, Status.NOT_MET):
        status["remarks"] = _text(f"{req.status.label.capitalize()}: {req.rationale}", ctx)
    props = [_prop("framework", req.framework, ctx), _prop("requirement", req.requirement_id, ctx),
             _prop("status", req.status.value, ctx), _prop("decided-by", req.decided_by.value, ctx)]
    if req.data_status is not None:
        props.append(_prop("data-status", req.data_status.value, ctx))
    target: dict[str, Any] = {"type": "objective-id", "target-id": objective_id(req.framework, req.requirement_id),
                              "status": status}
    if req.status in _IMPLEMENTATION:
        target["implementation-status"] = {"state": _IMPLEMENTATION[req.status]}
    finding: dict[str, Any] = {
        "uuid": _finding_uuid(result, req),
        "title": _text(f"{req.framework} {req.requirement_id} {req.title}", ctx),
        "description": _text(req.rationale, ctx),
        "props": props,
        "origins": _origins(),
        "target": target,
    }
    related = _related(result, req, known)
    if related:
        finding["related-observations"] = related
    risks = [{"risk-uuid": r} for r in dict.fromkeys(_run_uuid(result, "risk-rule", rule) for rule in req.rules)
             if r in risk_ids]
    if req.status.is_gap:
        risks.append({"risk-uuid": _run_uuid(result, "risk-gap", req.framework, req.requirement_id)})
    if risks:
        finding["related-risks"] = risks
    return finding


def _reviewed_controls(result: AssessmentResult) -> dict[str, Any]:
    reqs = [(r.framework, r.requirement_id) for r in result.requirements]
    controls = list(dict.fromkeys(control_id(fw, rid) for fw, rid in reqs))
    reviewed: dict[str, Any] = {
        "description": "Every requirement of the frameworks in scope that is neither a heading nor withdrawn.",
        "control-selections": [{"include-controls": [{"control-id": c} for c in controls]}],
    }
    if controls:
        reviewed["control-objective-selections"] = [
            {"include-objectives": [{"objective-id": objective_id(fw, rid)} for fw, rid in dict.fromkeys(reqs)]}]
    else:
        reviewed["control-selections"] = [{"include-all": {}}]
    return reviewed


def assessment_results(ctx: PackContext) -> dict[str, Any]:
    result = ctx.result
    run = result.run
    observations, evidence = _observations(result, _Records.of(result), ctx)
    known = {o["uuid"] for o in observations}
    risks = _rule_risks(result, ctx)
    risk_ids = {r["uuid"] for r in risks}
    gap_risks = [_gap_risk(result, r, ctx) for r in result.requirements if r.status.is_gap]
    findings = [_finding(result, r, known, risk_ids, ctx) for r in result.requirements]
    local: dict[str, Any] = {"assessment-assets": _tool_assets(result)}
    services = _services(result, observations, ctx)
    if services:
        local = {"components": services, **local}
    plan = _plan_resource(result, ctx)
    attestors = _people((a.attested_by for a in result.attestations), ctx)
    body_result: dict[str, Any] = {
        "uuid": _run_uuid(result, "result"),
        "title": _text(f"Assessment as of {run.as_of.isoformat()} ({run.label})", ctx),
        "description": _text(f"Frameworks: {', '.join(run.frameworks)}. Scope: {run.scope or 'whole organisation'}.",
                             ctx),
        "start": _when(result),
        "end": _when(result),
        "local-definitions": local,
        "reviewed-controls": _reviewed_controls(result),
        "attestations": _attestations(result, attestors, ctx),
        "observations": observations,
        "risks": risks + gap_risks,
        "findings": findings,
    }
    for key in ("attestations", "observations", "risks", "findings"):
        if not body_result[key]:
            del body_result[key]
    return {"assessment-results": {
        "uuid": _run_uuid(result, "assessment-results"),
        "metadata": _metadata(result, "IT service continuity assessment results", ctx, {"attestor": attestors}),
        "import-ap": {"href": f"#{plan['uuid']}",
                      "remarks": "itscm-audit has no separate assessment plan document: the back-matter resource "
                                 "describes the method of this run and points at its result.json."},
        "results": [body_result],
        "back-matter": {"resources": [plan, *evidence]},
    }}


def _gap_risk(result: AssessmentResult, req: RequirementStatus, ctx: PackContext,
              actions: Sequence[tuple[CorrectiveAction, dict[str, Any]]] = ()) -> dict[str, Any]:
    """A risk for a requirement that is not (fully) met, with the recommendations and planned actions."""
    objective_ids = {c.objective_id for c in req.contributions if c.objective_status.is_gap}
    key = f"{req.framework}:{req.requirement_id}"
    remediations = _recommendations(result, objective_ids, ctx, key)
    remediations.extend(plan for _, plan in actions)
    risk: dict[str, Any] = {
        "uuid": _run_uuid(result, "risk-gap", req.framework, req.requirement_id),
        "title": _text(f"Gap: {req.framework} {req.requirement_id} is {req.status.label}", ctx),
        "description": _text(req.title, ctx),
        "statement": _text(req.rationale, ctx),
        "props": [_prop("framework", req.framework, ctx), _prop("requirement", req.requirement_id, ctx),
                  _prop("status", req.status.value, ctx)],
        "status": "remediating" if actions else "open",
        "origins": _origins(),
    }
    related = [{"observation-uuid": _run_uuid(result, "check", rule)} for rule in req.rules]
    if related:
        risk["related-observations"] = related
    if remediations:
        risk["remediations"] = remediations
    return risk


def _action_keys(records: _Records, action: CorrectiveAction) -> set[tuple[str, str]]:
    """The records an open corrective action answers: itself, its finding and the finding's exercise."""
    keys = {("corrective_action", action.id)}
    if action.finding_id:
        keys.add(("finding", action.finding_id))
        if action.finding_id in records.finding_exercise:
            keys.add(("exercise", records.finding_exercise[action.finding_id]))
    return keys


def _milestone_plan(result: AssessmentResult, action: CorrectiveAction, owners: dict[str, str],
                    ctx: PackContext) -> dict[str, Any]:
    """The corrective action as a planned remediation; its due date is the milestone, its owner a party."""
    plan: dict[str, Any] = {
        "uuid": _run_uuid(result, "remediation-action", action.id),
        "lifecycle": "planned",
        "title": _text(f"Corrective action {action.id}", ctx),
        "description": _text(action.description or action.id, ctx),
        "props": [_prop("action-status", action.status.value, ctx)],
    }
    if action.due is not None:
        task: dict[str, Any] = {"uuid": _run_uuid(result, "milestone", action.id), "type": "milestone",
                                "title": _text(f"{action.id} due", ctx),
                                "timing": {"on-date": {"date": _at(action.due)}}}
        if action.owner:
            task["responsible-roles"] = [{"role-id": "action-owner",
                                          "party-uuids": [owners[_text(action.owner, ctx)]]}]
        plan["tasks"] = [task]
    if action.owner:
        plan["origins"] = [{"actors": [{"type": "party", "actor-uuid": owners[_text(action.owner, ctx)],
                                        "role-id": "action-owner"}]}]
    return plan


def _gap_item(result: AssessmentResult, req: RequirementStatus, known: set[str],
              ctx: PackContext) -> dict[str, Any]:
    """The poam-item of a requirement that is not (fully) met, joined to its finding and risk."""
    item: dict[str, Any] = {
        "uuid": _run_uuid(result, "poam-gap", req.framework, req.requirement_id),
        "title": _text(f"{req.framework} {req.requirement_id} is {req.status.label}", ctx),
        "description": _text(req.rationale, ctx),
        "props": [_prop("POAM-ID", f"GAP-{control_id(req.framework, req.requirement_id)}", ctx),
                  _prop("framework", req.framework, ctx), _prop("requirement", req.requirement_id, ctx),
                  _prop("status", req.status.value, ctx)],
        "related-findings": [{"finding-uuid": _finding_uuid(result, req)}],
        "related-risks": [{"risk-uuid": _run_uuid(result, "risk-gap", req.framework, req.requirement_id)}],
    }
    related = _related(result, req, known)
    if related:
        item["related-observations"] = related
    return item


def _action_item(result: AssessmentResult, action: CorrectiveAction, plan: dict[str, Any], owners: dict[str, str],
                 finding_ids: list[str], ctx: PackContext,
                 fact: ActionFacts | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The risk and the poam-item of an open corrective action (POAM-ID = the action's own id); its status
    and days overdue at the as-of date are the rules' (``fact``)."""
    risk_id = _run_uuid(result, "risk-action", action.id)
    risk: dict[str, Any] = {
        "uuid": risk_id, "title": _text(f"Corrective action {action.id}", ctx),
        "description": _text(action.description or action.id, ctx),
        "statement": _text(f"Raised by finding {action.finding_id or '(none)'}; owner {action.owner or '(none)'}.",
                           ctx),
        "status": "remediating" if action.status == ActionStatus.IN_PROGRESS else "open",
        "origins": _origins(),
        "remediations": [plan],
    }
    status = fact.status if fact is not None else action.status
    props = [_prop("POAM-ID", action.id, ctx), _prop("action-status", status.value, ctx)]
    if action.due is not None:
        risk["deadline"] = _at(action.due)
        props.append(_prop("due-date", action.due.isoformat(), ctx))
        if fact is not None and fact.days_overdue:  # decided by the rules at the as-of date
            props.append(_prop("days-overdue", str(fact.days_overdue), ctx))
    item: dict[str, Any] = {
        "uuid": _run_uuid(result, "poam-action", action.id),
        "title": _text(f"Corrective action {action.id}", ctx),
        "description": _text(action.description or action.id, ctx),
        "props": props,
        "related-risks": [{"risk-uuid": risk_id}],
        "remarks": _text(f"Source: {action.source.label()}", ctx),
    }
    if action.owner:
        item["origins"] = [{"actors": [{"type": "party", "actor-uuid": owners[_text(action.owner, ctx)],
                                        "role-id": "action-owner"}]}]
    if finding_ids:
        item["related-findings"] = [{"finding-uuid": f} for f in finding_ids]
    return risk, item


def poam(ctx: PackContext) -> dict[str, Any]:
    """POA&M items from open gaps (not met, partially met) and from open corrective actions.

    An action relates to a gap's finding when the requirement fails on the action itself, on the
    finding that raised it, or on that finding's exercise.
    """
    result = ctx.result
    records = _Records.of(result)
    observations, evidence = _observations(result, records, ctx)
    known = {o["uuid"] for o in observations}
    facts = result.facts.actions_by_id()
    open_actions = [a for a in result.data.corrective_actions  # open at the as-of date, as the rules decided
                    if (facts[a.id].status if a.id in facts else a.status) != ActionStatus.CLOSED]
    owners = _people((a.owner for a in open_actions), ctx)
    plans = {a.id: _milestone_plan(result, a, owners, ctx) for a in open_actions}
    answers = {a.id: _action_keys(records, a) for a in open_actions}
    gaps = [r for r in result.requirements if r.status.is_gap]
    linked: dict[str, list[CorrectiveAction]] = {}
    findings_of: dict[str, list[str]] = {}
    for req in gaps:
        failing = {(e.entity, e.entity_id) for e in req.failing}
        fid = _finding_uuid(result, req)
        linked[fid] = [a for a in open_actions if answers[a.id] & failing] if failing else []
        for a in linked[fid]:
            findings_of.setdefault(a.id, []).append(fid)
    risks = [_gap_risk(result, r, ctx, [(a, plans[a.id]) for a in linked[_finding_uuid(result, r)]]) for r in gaps]
    items = [_gap_item(result, r, known, ctx) for r in gaps]
    for action in open_actions:
        risk, item = _action_item(result, action, plans[action.id], owners, findings_of.get(action.id, []), ctx,
                                  facts.get(action.id))
        risks.append(risk)
        items.append(item)
    body: dict[str, Any] = {
        "uuid": _run_uuid(result, "poam"),
        "metadata": _metadata(result, "IT service continuity plan of action and milestones", ctx,
                              {"action-owner": owners}),
        "system-id": {"identifier-type": "https://ietf.org/rfc/rfc4122", "id": _run_uuid(result, "system")},
    }
    services = _services(result, observations, ctx)
    if services:
        body["local-definitions"] = {"components": services}
    if observations:
        body["observations"] = observations
    if risks:
        body["risks"] = risks
    if gaps:
        body["findings"] = [_finding(result, r, known, set(), ctx) for r in gaps]
    body["poam-items"] = items or [{
        "uuid": _run_uuid(result, "poam-none"), "title": "No open item",
        "description": "The assessment found no gap and no open corrective action.",
    }]
    if evidence:
        body["back-matter"] = {"resources": evidence}
    return {"plan-of-action-and-milestones": body}


def _dump(doc: dict[str, Any]) -> bytes:
    """The document as ``json.dumps(doc, indent=2, ensure_ascii=False)`` would write it, byte for byte,
    through pydantic-core's encoder: the standard library falls back to pure Python when indenting,
    which took most of a large POA&M's time."""
    from pydantic_core import to_json

    return to_json(doc, indent=2) + b"\n"


def write_assessment_results(ctx: PackContext, path: Path) -> None:
    write_bytes_atomic(path, _dump(assessment_results(ctx)))


def write_poam(ctx: PackContext, path: Path) -> None:
    write_bytes_atomic(path, _dump(poam(ctx)))
