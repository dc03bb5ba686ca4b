"""OSCAL 1.1 ``assessment-results.json`` and ``poam.json``, for GRC tools that read OSCAL.

Identifiers are uuid5 of the run id and the thing identified, and every timestamp is the as-of date at
midnight UTC, so the same result always gives the same bytes. Evidence is a back-matter resource
carrying its SHA-256; observations point at it with ``relevant-evidence``.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from itscm_audit.fsio import write_text_atomic
from itscm_audit.model import ActionStatus
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.safe import clean_text
from itscm_audit.result import (
    AssessmentResult,
    CheckResult,
    EvidenceStatus,
    Outcome,
    RequirementStatus,
    Status,
)

OSCAL_VERSION = "1.1.2"
NS = "https://github.com/itscm-audit/itscm-audit/ns/oscal"
"""Namespace of our own props (requirement ids, statuses, owners)."""
_NAMESPACE = uuid.UUID("5d3f8a52-5c0e-4a53-9d1c-1f6f0a2b7c11")
_TOKEN_BAD = re.compile(r"[^\w.\-]")


def _uuid(run_id: str, *parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join((run_id, *parts))))


def token(text: str) -> str:
    """An OSCAL token (letters, digits, ``._-``, not starting with a digit) from an id like ``8.5``."""
    out = _TOKEN_BAD.sub("_", text) or "_"
    return out if out[0].isalpha() or out[0] == "_" else f"_{out}"


def _text(value: str, ctx: PackContext) -> str:
    """Non-empty, trimmed, XML-safe text (OSCAL strings must not be blank or padded)."""
    if ctx.redactor is not None:
        value = ctx.redactor(value)
    out = " ".join(clean_text(value).split())
    return out or "(none)"


def _prop(name: str, value: str, ctx: PackContext) -> dict[str, str]:
    return {"name": token(name), "value": _text(value, ctx), "ns": NS}


def _when(result: AssessmentResult) -> str:
    return f"{result.run.as_of.isoformat()}T00:00:00+00:00"


def _metadata(result: AssessmentResult, title: str, ctx: PackContext) -> dict[str, Any]:
    run = result.run
    org_uuid = _uuid(run.run_id, "party", "organisation")
    return {
        "title": _text(f"{title} — {run.organisation}", ctx),
        "last-modified": _when(result),
        "version": run.run_id,
        "oscal-version": OSCAL_VERSION,
        "props": [_prop("as-of", run.as_of.isoformat(), ctx), _prop("tool", f"itscm-audit {run.tool_version}", ctx)],
        "parties": [{"uuid": org_uuid, "type": "organization", "name": _text(run.organisation, ctx)}],
    }


def _evidence_resources(result: AssessmentResult, ctx: PackContext) -> tuple[list[dict[str, Any]], dict[str, str]]:
    resources: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for ev in result.evidence:
        rid = _uuid(result.run.run_id, "evidence", ev.item.path)
        ids[ev.item.path] = rid
        resource: dict[str, Any] = {
            "uuid": rid,
            "title": _text(ev.item.title or ev.item.path, ctx),
            "props": [_prop("evidence-type", ev.item.evidence_type, ctx), _prop("freshness", ev.state.value, ctx)],
            "rlinks": [{"href": f"evidence/{ev.item.path}",
                        "hashes": [{"algorithm": "SHA-256", "value": ev.item.sha256}]}],
        }
        resources.append(resource)
    return resources, ids


def _check_observation(result: AssessmentResult, check: CheckResult, evidence_ids: dict[str, str],
                       ctx: PackContext) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "uuid": _uuid(result.run.run_id, "check", check.rule_id),
        "title": _text(check.title, ctx),
        "description": _text(check.summary, ctx),
        "props": [_prop("rule", check.rule_id, ctx), _prop("outcome", check.outcome.value, ctx)],
        "methods": ["TEST"],
        "types": ["finding"] if check.outcome in (Outcome.FAIL, Outcome.PARTIAL) else ["control-objective"],
        "collected": _when(result),
    }
    relevant = [{"href": f"#{evidence_ids[p]}", "description": _text(f"Evidence {p}", ctx)}
                for p in check.evidence if p in evidence_ids]
    if relevant:
        obs["relevant-evidence"] = relevant
    failing = check.failing
    if failing:
        lines = [f"{e.entity} {e.entity_id}: {e.message}"
                 + (f" ({e.sources[0].label()})" if e.sources else "") for e in failing[:50]]
        obs["remarks"] = _text("; ".join(lines), ctx)
    return obs


def _evidence_observation(result: AssessmentResult, ev: EvidenceStatus, evidence_ids: dict[str, str],
                          ctx: PackContext) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "uuid": _uuid(result.run.run_id, "examine", ev.item.path),
        "title": _text(f"Examined {ev.item.path}", ctx),
        "description": _text(ev.message, ctx),
        "props": [_prop("freshness", ev.state.value, ctx)],
        "methods": ["EXAMINE"],
        "collected": f"{ev.item.collected.isoformat()}T00:00:00+00:00",
        "relevant-evidence": [{"href": f"#{evidence_ids[ev.item.path]}",
                               "description": _text(f"SHA-256 {ev.item.sha256}", ctx)}],
    }
    if ev.expires is not None:
        obs["expires"] = f"{ev.expires.isoformat()}T00:00:00+00:00"
    return obs


def _observations(result: AssessmentResult, ctx: PackContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    resources, evidence_ids = _evidence_resources(result, ctx)
    obs = [_check_observation(result, c, evidence_ids, ctx) for c in result.checks]
    obs.extend(_evidence_observation(result, e, evidence_ids, ctx) for e in result.evidence)
    return obs, resources


def _related(result: AssessmentResult, req: RequirementStatus, known: set[str]) -> list[dict[str, str]]:
    ids = [_uuid(result.run.run_id, "check", r) for r in req.rules]
    ids += [_uuid(result.run.run_id, "examine", e.item.path) for e in req.evidence]
    return [{"observation-uuid": i} for i in dict.fromkeys(ids) if i in known]


def _finding(result: AssessmentResult, req: RequirementStatus, known: set[str], ctx: PackContext) -> dict[str, Any]:
    state = "satisfied" if req.status == Status.MET else "not-satisfied"
    status: dict[str, str] = {"state": state}
    if req.status == Status.PARTIALLY_MET:
        status["reason"] = "partially-met"
    finding: dict[str, Any] = {
        "uuid": _uuid(result.run.run_id, "finding", req.framework, req.requirement_id),
        "title": _text(f"{req.framework} {req.requirement_id} {req.title}", ctx),
        "description": _text(req.rationale, ctx),
        "props": [_prop("framework", req.framework, ctx), _prop("requirement", req.requirement_id, ctx),
                  _prop("status", req.status.value, ctx)],
        "target": {"type": "objective-id", "target-id": token(f"{req.framework}_{req.requirement_id}"),
                   "status": status},
    }
    related = _related(result, req, known)
    if related:
        finding["related-observations"] = related
    return finding


def assessment_results(ctx: PackContext) -> dict[str, Any]:
    result = ctx.result
    run = result.run
    observations, resources = _observations(result, ctx)
    known = {o["uuid"] for o in observations}
    decided = (Status.MET, Status.PARTIALLY_MET, Status.NOT_MET)
    findings = [_finding(result, r, known, ctx) for r in result.requirements if r.status in decided]
    body: dict[str, Any] = {
        "uuid": _uuid(run.run_id, "assessment-results"),
        "metadata": _metadata(result, "IT service continuity assessment results", ctx),
        "import-ap": {"href": f"urn:itscm-audit:assessment-plan:{token(run.run_id)}"},
        "results": [{
            "uuid": _uuid(run.run_id, "result"),
            "title": _text(f"Assessment as of {run.as_of.isoformat()} ({run.label})", ctx),
            "description": _text(f"Frameworks: {', '.join(run.frameworks)}. Scope: {run.scope or 'whole organisation'}.",
                                 ctx),
            "start": _when(result),
            "end": _when(result),
            "reviewed-controls": {"control-selections": [{"include-all": {}}]},
            "observations": observations,
            "findings": findings,
        }],
    }
    if not observations:
        del body["results"][0]["observations"]
    if not findings:
        del body["results"][0]["findings"]
    if resources:
        body["back-matter"] = {"resources": resources}
    return {"assessment-results": body}


def poam(ctx: PackContext) -> dict[str, Any]:
    """POA&M items from open gaps (not met, partially met) and from open corrective actions."""
    result = ctx.result
    run = result.run
    observations, resources = _observations(result, ctx)
    known = {o["uuid"] for o in observations}
    risks: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for req in result.requirements:
        if not req.status.is_gap:
            continue
        risk_id = _uuid(run.run_id, "risk", req.framework, req.requirement_id)
        risks.append({"uuid": risk_id, "title": _text(f"Gap: {req.framework} {req.requirement_id}", ctx),
                      "description": _text(req.title, ctx), "statement": _text(req.rationale, ctx),
                      "status": "open"})
        item: dict[str, Any] = {
            "uuid": _uuid(run.run_id, "poam-gap", req.framework, req.requirement_id),
            "title": _text(f"{req.framework} {req.requirement_id} is {req.status.label}", ctx),
            "description": _text(req.rationale, ctx),
            "props": [_prop("framework", req.framework, ctx), _prop("requirement", req.requirement_id, ctx),
                      _prop("status", req.status.value, ctx)],
            "related-risks": [{"risk-uuid": risk_id}],
        }
        related = _related(result, req, known)
        if related:
            item["related-observations"] = related
        items.append(item)
    for action in result.data.corrective_actions:
        if action.status == ActionStatus.CLOSED:
            continue
        risk_id = _uuid(run.run_id, "risk-action", action.id)
        risk: dict[str, Any] = {
            "uuid": risk_id, "title": _text(f"Corrective action {action.id}", ctx),
            "description": _text(action.description or action.id, ctx),
            "statement": _text(f"Raised by finding {action.finding_id or '(none)'}; owner {action.owner or '(none)'}.",
                               ctx),
            "status": "remediating" if action.status == ActionStatus.IN_PROGRESS else "open",
        }
        if action.due is not None:
            risk["deadline"] = f"{action.due.isoformat()}T00:00:00+00:00"
        risks.append(risk)
        props = [_prop("action-status", action.status.value, ctx)]
        if action.owner:
            props.append(_prop("owner", action.owner, ctx))
        if action.due is not None:
            props.append(_prop("due-date", action.due.isoformat(), ctx))
            if action.due < run.as_of:
                props.append(_prop("days-overdue", str((run.as_of - action.due).days), ctx))
        items.append({
            "uuid": _uuid(run.run_id, "poam-action", action.id),
            "title": _text(f"Corrective action {action.id}", ctx),
            "description": _text(action.description or action.id, ctx),
            "props": props,
            "related-risks": [{"risk-uuid": risk_id}],
            "remarks": _text(f"Source: {action.source.label()}", ctx),
        })
    body: dict[str, Any] = {
        "uuid": _uuid(run.run_id, "poam"),
        "metadata": _metadata(result, "IT service continuity plan of action and milestones", ctx),
        "system-id": {"identifier-type": "https://ietf.org/rfc/rfc4122", "id": _uuid(run.run_id, "system")},
        "poam-items": items or [{
            "uuid": _uuid(run.run_id, "poam-none"), "title": "No open item",
            "description": "The assessment found no gap and no open corrective action.",
        }],
    }
    if observations:
        body["observations"] = observations
    if risks:
        body["risks"] = risks
    if resources:
        body["back-matter"] = {"resources": resources}
    return {"plan-of-action-and-milestones": body}


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def write_assessment_results(ctx: PackContext, path: Path) -> None:
    write_text_atomic(path, _dump(assessment_results(ctx)))


def write_poam(ctx: PackContext, path: Path) -> None:
    write_text_atomic(path, _dump(poam(ctx)))
