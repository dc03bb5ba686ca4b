"""The documented vocabulary of the importer: header synonyms per entity field and value tables.

Spreadsheets name the same thing many ways ("RTO (hrs)", "Recovery Time Objective", "rto_hours"), and
answer the same question in many words ("Tier 1", "Critical", "Extreme"). Keeping those words here,
as data, lets a reviewer read exactly what the tool understands; a workspace adds its own entries in
``itscm.yaml`` under ``vocabularies:`` (table name -> {raw text: canonical value}).

Header synonyms are written in *normalised* form: lower case, units and bracketed hints removed,
punctuation turned into single spaces (see :func:`normalise_header`).
"""

from __future__ import annotations

import re

from itscm_audit.model import EntityKind

_UNIT_IN_HEADER = re.compile(r"[(\[]\s*(?:in\s+)?([a-z ]+?)\s*[)\]]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_header(text: str) -> str:
    """``"RTO (hrs)*"`` -> ``"rto"``; ``"Critical Role?"`` -> ``"critical role"``."""
    lowered = text.casefold().replace("&", " and ")
    lowered = _UNIT_IN_HEADER.sub(" ", lowered)
    return _NON_ALNUM.sub(" ", lowered).strip()


def normalise_value(text: str) -> str:
    """Vocabulary keys compare without case, surrounding punctuation or repeated spaces."""
    return " ".join(text.casefold().replace("_", " ").split()).strip(" .:;,")


HEADER_SYNONYMS: dict[EntityKind, dict[str, tuple[str, ...]]] = {
    EntityKind.SERVICE: {
        "id": ("service id", "service ref", "service reference", "service code", "id", "ref id", "ref",
               "asset id", "asset ref id", "unique asset identifier", "application id", "app id",
               "system id", "service no", "service number"),
        "name": ("service name", "service", "name", "asset", "asset name", "application",
                 "application name", "system", "system name", "business service", "it service",
                 "process", "business process", "process name"),
        "tier": ("tier", "service tier", "criticality", "criticality tier", "priority", "recovery tier",
                 "recovery priority", "impact level", "criticality level", "importance"),
        "owner": ("business owner", "owner", "service owner", "system owner", "process owner",
                  "system administrator owner", "accountable", "responsible"),
        "mtpd": ("mtpd", "mtd", "maximum tolerable period of disruption", "maximum tolerable downtime",
                 "maximum acceptable outage", "mao", "how long can it be down", "how long can it be down mtd"),
        "rto": ("rto", "recovery time objective", "rto hours", "rto hrs", "recovery time", "target rto"),
        "rpo": ("rpo", "recovery point objective", "rpo hours", "rpo hrs", "recovery point", "target rpo",
                "data loss tolerance", "acceptable data loss"),
        "backup_interval": ("backup frequency", "backup interval", "backup schedule", "frequency of backup",
                            "backups", "how often is it backed up", "backup"),
        "personal_data": ("personal data", "contains personal data", "pii", "personal information",
                          "gdpr data", "processes personal data"),
        "phi": ("phi", "health data", "protected health information", "contains phi", "ephi"),
        "depends_on": ("depends on", "dependencies", "dependency", "upstream services", "upstream",
                       "dependent on", "relies on"),
        "vendors": ("vendors", "vendor", "suppliers", "third parties", "providers", "vendor ids"),
        "recovery_strategy": ("recovery strategy", "dr strategy", "recovery approach", "continuity strategy",
                              "recovery method", "workaround"),
        "plan_id": ("plan ref", "plan id", "plan", "plan reference", "bcp", "drp", "recovery plan"),
        "in_scope": ("in scope", "in scope for audit", "scope"),
    },
    EntityKind.EXERCISE: {
        "id": ("exercise id", "test id", "exercise ref", "drill id", "exercise", "id", "ref id", "test ref"),
        "date": ("date", "exercise date", "test date", "date of exercise", "date tested", "conducted on",
                 "drill date", "performed on", "task date"),
        "type": ("type", "exercise type", "test type", "kind of test", "test method"),
        "scenario": ("scenario", "scenario tested", "description", "objective", "test scenario", "name",
                     "exercise name", "test name"),
        "services": ("services tested", "services", "service", "systems tested", "scope"),
        "achieved_recovery_time": ("achieved recovery time", "actual recovery time", "recovery time achieved",
                                   "actual rto", "achieved rto", "time to recover", "recovery time"),
        "achieved_data_loss": ("data loss", "achieved data loss", "actual data loss", "actual rpo",
                               "achieved rpo"),
        "result": ("result", "outcome", "test result", "successful", "pass fail", "status"),
        "report": ("report", "report path", "post exercise report", "after action report", "aar", "evidence"),
    },
    EntityKind.FINDING: {
        "id": ("finding id", "finding ref", "observation id", "issue id", "id", "weakness id", "poa and m id",
               "poam id"),
        "exercise_id": ("exercise id", "exercise", "test id", "exercise ref"),
        "incident_id": ("incident id", "incident", "incident ref"),
        "description": ("finding", "description", "finding description", "observation", "weakness",
                        "weakness description", "issue"),
        "severity": ("severity", "rating", "risk rating", "priority", "original risk rating", "risk level"),
        "raised": ("raised", "date raised", "identified", "date identified", "found on", "opened",
                   "original detection date"),
    },
    EntityKind.CORRECTIVE_ACTION: {
        "id": ("action id", "poam id", "poa and m id", "corrective action id", "remediation id", "id",
               "action ref"),
        "finding_id": ("finding id", "finding", "finding ref", "related finding"),
        "description": ("action", "corrective action", "description", "overall remediation plan",
                        "remediation plan", "remediation", "action description"),
        "owner": ("owner", "action owner", "point of contact", "responsible", "assigned to", "poc"),
        "opened": ("opened", "date opened", "raised", "original detection date", "created", "start date"),
        "due": ("due date", "due", "target date", "scheduled completion date", "deadline",
                "planned completion"),
        "status": ("status", "action status", "state"),
        "closed": ("closed on", "closed", "date closed", "completion date", "completed on", "closure date"),
    },
    EntityKind.CONTACT: {
        "role": ("role", "function", "position", "team role", "responsibility", "title"),
        "name": ("name", "contact name", "person", "primary", "primary contact", "name and home address",
                 "full name"),
        "alternate": ("alternate", "alternate contact", "backup contact", "deputy", "secondary"),
        "phone": ("phone", "telephone", "mobile", "phone number", "cell", "tel"),
        "email": ("email", "e mail", "email address", "mail"),
        "backup_channel": ("backup channel", "alternate channel", "out of band channel", "secondary channel"),
        "critical_role": ("critical role", "critical", "key role", "essential role", "key personnel"),
        "last_verified": ("last verified", "verified on", "last checked", "last tested", "date verified"),
    },
    EntityKind.VENDOR: {
        "id": ("vendor id", "supplier id", "third party id", "provider id", "ref id", "id", "entity id"),
        "name": ("vendor", "vendor name", "supplier", "supplier name", "third party", "provider", "name"),
        "services": ("services supported", "services", "supported services", "services provided",
                     "product or service", "solutions"),
        "contract_rto": ("contract rto", "contractual rto", "sla rto", "vendor rto", "rto"),
        "contract_rpo": ("contract rpo", "contractual rpo", "sla rpo", "vendor rpo", "rpo"),
        "contact": ("contact", "vendor contact", "account manager", "contact email", "phone"),
        "bc_plan_reviewed": ("bc plan reviewed", "bcp reviewed", "continuity plan reviewed",
                             "last bc review", "bcp review date"),
    },
    EntityKind.PLAN_DOCUMENT: {
        "id": ("doc id", "document id", "plan id", "ref id", "id", "document ref"),
        "title": ("title", "document title", "plan title", "document", "plan name", "name"),
        "type": ("type", "document type", "plan type"),
        "owner": ("owner", "document owner", "plan owner"),
        "version": ("version", "rev", "revision"),
        "approved_by": ("approved by", "approver", "signed off by"),
        "approved": ("approved on", "approved", "approval date", "date approved", "signed off"),
        "last_reviewed": ("last review", "last reviewed", "reviewed on", "review date", "date reviewed"),
        "services": ("services", "services covered", "scope", "systems"),
    },
    EntityKind.TRAINING_RECORD: {
        "person": ("name", "person", "employee", "staff member", "participant", "trainee", "attendee"),
        "role": ("role", "job title", "position"),
        "course": ("course", "training", "module", "course name", "training course"),
        "completed": ("completed", "completed on", "completion date", "date completed", "date"),
    },
    EntityKind.INCIDENT: {
        "id": ("incident id", "incident ref", "ticket", "ref id", "id", "incident number"),
        "title": ("title", "incident", "name", "summary", "incident title"),
        "detected": ("detected", "detected at", "detection", "detection date",
                     "date detected", "occurred"),
        "aware": ("became aware", "aware", "awareness", "aware at", "date of awareness"),
        "personal_data_breach": ("personal data breach", "privacy breach", "data breach", "breach"),
        "risk_of_harm": ("risk of harm", "harm", "rrosh", "risk to individuals"),
        "jurisdictions": ("jurisdictions", "jurisdiction", "countries", "regions"),
        "regulator_notified": ("regulator notified", "notified regulator", "authority notified",
                               "dpa notified", "commissioner notified"),
        "individuals_notified": ("individuals notified", "data subjects notified", "affected notified"),
        "registered": ("in breach register", "registered", "breach register", "recorded in register"),
        "major_ict": ("major ict incident", "major incident", "major ict", "dora major"),
        "classified_major": ("classified major", "classification date", "classified"),
        "initial_report": ("initial report", "initial notification"),
        "intermediate_report": ("intermediate report", "intermediate notification"),
        "final_report": ("final report", "final notification"),
        "services": ("services", "services affected", "affected services", "systems affected"),
    },
    EntityKind.RISK: {
        "id": ("risk id", "risk ref", "ref id", "id", "risk no"),
        "title": ("risk", "title", "risk title", "name", "risk name", "risk description"),
        "likelihood": ("likelihood", "probability", "current proba", "current likelihood", "proba"),
        "impact": ("impact", "current impact", "consequence", "severity"),
        "treatment": ("treatment", "risk treatment", "response", "mitigation", "treatment plan"),
        "owner": ("owner", "risk owner"),
        "services": ("services", "assets", "affected services", "services affected"),
    },
    EntityKind.BACKUP_RUN: {
        "service_id": ("service", "service id", "system", "application", "job", "backup job"),
        "completed": ("completed at", "completed", "end time", "finished", "backup date", "date", "timestamp"),
        "status": ("status", "result", "outcome"),
        "restore_test": ("restore test", "restore tested", "test restore", "restore verified"),
    },
}
"""Normalised header text -> model field, per entity. The first synonym is the canonical header."""

KEY_FIELDS: dict[EntityKind, tuple[str, ...]] = {
    EntityKind.SERVICE: ("id", "name"),
    EntityKind.EXERCISE: ("id",),
    EntityKind.FINDING: ("id",),
    EntityKind.CORRECTIVE_ACTION: ("id",),
    EntityKind.CONTACT: ("role", "name"),
    EntityKind.VENDOR: ("id", "name"),
    EntityKind.PLAN_DOCUMENT: ("id", "title"),
    EntityKind.TRAINING_RECORD: ("person",),
    EntityKind.INCIDENT: ("id",),
    EntityKind.RISK: ("id", "title"),
    EntityKind.BACKUP_RUN: ("service_id",),
}
"""A row 'has an identifier' when one of these columns holds a value; the table ends at the last such row."""

FALLBACKS: dict[EntityKind, dict[str, str]] = {
    EntityKind.EXERCISE: {"id": "scenario"},
    EntityKind.SERVICE: {"id": "name", "name": "id"},
    EntityKind.VENDOR: {"id": "name", "name": "id"},
    EntityKind.PLAN_DOCUMENT: {"id": "title", "title": "id"},
    EntityKind.RISK: {"title": "id"},
}
"""When a required field is empty, take it from this other field of the same row (e.g. a vendor list
with names only)."""

REQUIRED: dict[EntityKind, tuple[str, ...]] = {
    EntityKind.SERVICE: ("id", "name"),
    EntityKind.EXERCISE: ("id", "date"),
    EntityKind.FINDING: ("id",),
    EntityKind.CORRECTIVE_ACTION: ("id",),
    EntityKind.CONTACT: ("role",),
    EntityKind.VENDOR: ("id", "name"),
    EntityKind.PLAN_DOCUMENT: ("id", "title"),
    EntityKind.TRAINING_RECORD: ("person",),
    EntityKind.INCIDENT: ("id",),
    EntityKind.RISK: ("id", "title"),
    EntityKind.BACKUP_RUN: ("service_id", "completed"),
}
"""Fields without which a row is rejected (after the fallbacks above)."""

UNIQUE_ID: frozenset[EntityKind] = frozenset({
    EntityKind.SERVICE, EntityKind.EXERCISE, EntityKind.FINDING, EntityKind.CORRECTIVE_ACTION,
    EntityKind.VENDOR, EntityKind.PLAN_DOCUMENT, EntityKind.INCIDENT, EntityKind.RISK,
})
"""Entities whose ``id`` must be unique: a second row with the same id is rejected."""

GENERIC_HEADERS: frozenset[str] = frozenset({
    "id", "ref id", "ref", "name", "description", "type", "status", "date", "title", "owner", "priority",
    "scope", "state", "outcome", "result", "function", "service", "system", "services", "assets", "phone",
    "contact", "severity", "rating", "created", "completed", "plan", "backup", "exercise", "finding", "action",
    "asset",
})
"""Headers that many tables share: they count half when deciding which entity a sheet holds."""

NAME_HINTS: dict[EntityKind, tuple[str, ...]] = {
    EntityKind.SERVICE: ("service", "bia", "inventory", "asset", "application", "system"),
    EntityKind.EXERCISE: ("exercise", "drill", "test", "task"),
    EntityKind.FINDING: ("finding", "observation"),
    EntityKind.CORRECTIVE_ACTION: ("action", "poa", "poam", "remediation", "milestone"),
    EntityKind.CONTACT: ("call tree", "contact", "personnel", "representative", "calltree"),
    EntityKind.VENDOR: ("vendor", "supplier", "third part", "entities", "provider"),
    EntityKind.PLAN_DOCUMENT: ("plan document", "plans", "document"),
    EntityKind.TRAINING_RECORD: ("training", "awareness"),
    EntityKind.INCIDENT: ("incident", "breach"),
    EntityKind.RISK: ("risk", "ra sample"),
    EntityKind.BACKUP_RUN: ("backup",),
}
"""Words in a sheet or file name that make an entity more likely when header scores tie."""

ENTITY_ALIASES: dict[str, EntityKind] = {
    **{k.value: k for k in EntityKind},
    **{k.value.replace("_", "-"): k for k in EntityKind},
    "services": EntityKind.SERVICE, "bia": EntityKind.SERVICE, "exercises": EntityKind.EXERCISE,
    "findings": EntityKind.FINDING, "actions": EntityKind.CORRECTIVE_ACTION,
    "poam": EntityKind.CORRECTIVE_ACTION, "contacts": EntityKind.CONTACT,
    "call-tree": EntityKind.CONTACT, "vendors": EntityKind.VENDOR, "plans": EntityKind.PLAN_DOCUMENT,
    "training": EntityKind.TRAINING_RECORD, "incidents": EntityKind.INCIDENT, "risks": EntityKind.RISK,
    "backups": EntityKind.BACKUP_RUN, "backup": EntityKind.BACKUP_RUN,
}
"""Names accepted by ``--entity`` and ``entity:`` in itscm.yaml."""

# --- value vocabularies: normalised raw text -> canonical ------------------------------------------------

NULL_MARKERS: frozenset[str] = frozenset({
    "", "-", "--", "---", "—", "–", "n/a", "na", "n.a", "n.a.", "tbd", "tbc", "unknown", "null", "nil",
    "#n/a", "?", "mm/dd/yyyy", "dd/mm/yyyy", "yyyy-mm-dd", "<date>", "click here to enter text.",
    "click here to enter a date.", "please select...", "please select", "(select)", "select", "choose an item.",
    "not applicable", "do not know", "don't know",
})
"""Cell texts (compared in lower case) that mean 'no value'."""

PLACEHOLDER_PATTERN = re.compile(r"^\s*<[^<>]{1,60}>\s*$|^\s*\[[^\[\]]{1,60}\]\s*$")
"""Template placeholders such as ``<Enter Name>`` or ``[Insert date]``."""

TIER: dict[str, str] = {
    "tier 0": "1", "tier 1": "1", "tier 2": "2", "tier 3": "3", "tier 4": "4", "tier 5": "5",
    "t1": "1", "t2": "2", "t3": "3", "t4": "4", "1": "1", "2": "2", "3": "3", "4": "4", "5": "5",
    "critical": "1", "mission critical": "1", "extreme": "1", "very high": "1", "essential": "1",
    "high": "2", "important": "2", "business critical": "2", "medium": "3", "moderate": "3",
    "normal": "3", "low": "4", "deferrable": "4", "non critical": "4", "non-critical": "4",
}
"""Tier / criticality words -> tier number (1 = most critical); Kuali Ready uses Extreme/High/Medium/Deferrable."""

BACKUP_FREQUENCY: dict[str, str] = {
    "continuous": "0 minutes", "real time": "0 minutes", "realtime": "0 minutes", "replicated": "0 minutes",
    "every 15 minutes": "15 minutes", "hourly": "1 hour", "every hour": "1 hour",
    "every 4 hours": "4 hours", "twice daily": "12 hours", "daily": "24 hours", "nightly": "24 hours",
    "every day": "24 hours", "weekly": "7 days", "every week": "7 days", "monthly": "30 days",
    "daily or more frequent": "24 hours", "daily to weekly": "7 days", "weekly to monthly": "30 days",
    "less frequent than monthly": "90 days", "quarterly": "90 days", "yearly": "365 days",
    "annually": "365 days",
}
"""Backup frequency words (including the Kuali Ready bands) -> the longest interval the band allows.

``not backed up`` and ``Do Not Know`` are deliberately absent: they mean 'no backup interval' and
produce an issue rather than a number."""

NO_BACKUP: frozenset[str] = frozenset({"not backed up", "no backup", "none", "never"})

EXERCISE_TYPE: dict[str, str] = {
    "walkthrough": "walkthrough", "walk through": "walkthrough", "walk-through": "walkthrough",
    "checklist": "walkthrough", "plan review": "walkthrough", "orientation": "walkthrough",
    "seminar": "walkthrough", "classroom": "walkthrough",
    "tabletop": "tabletop", "table top": "tabletop", "table-top": "tabletop", "tabletop exercise": "tabletop",
    "ttx": "tabletop", "discussion": "tabletop", "discussion based": "tabletop",
    "simulation": "simulation", "simulated": "simulation", "drill": "simulation",
    "functional": "functional", "functional test": "functional", "technical test": "functional",
    "technical": "functional", "restore test": "functional", "parallel": "functional",
    "parallel test": "functional", "component test": "functional",
    "failover": "failover", "fail over": "failover", "dr failover": "failover", "switchover": "failover",
    "full interruption": "full_interruption", "full-interruption": "full_interruption",
    "full scale": "full_interruption", "full-scale": "full_interruption", "cutover": "full_interruption",
}
"""Exercise type words (BCI / NIST SP 800-84 practice) -> ``ExerciseType`` value."""

EXERCISE_RESULT: dict[str, str] = {
    "passed": "passed", "pass": "passed", "success": "passed", "successful": "passed", "yes": "passed",
    "met": "passed", "achieved": "passed", "ok": "passed", "completed": "passed",
    "partially passed": "partial", "partial": "partial", "partially": "partial", "partial pass": "partial",
    "partially met": "partial", "partially successful": "partial", "pass with issues": "partial",
    "failed": "failed", "fail": "failed", "unsuccessful": "failed", "no": "failed", "not met": "failed",
}
"""Exercise result words -> ``ExerciseResult`` value."""

ACTION_STATUS: dict[str, str] = {
    "open": "open", "new": "open", "not started": "open", "to do": "open", "todo": "open", "ongoing": "in_progress",
    "in progress": "in_progress", "in-progress": "in_progress", "started": "in_progress", "wip": "in_progress",
    "pending": "in_progress", "delayed": "in_progress", "risk accepted": "closed",
    "closed": "closed", "done": "closed", "complete": "closed", "completed": "closed", "resolved": "closed",
    "fixed": "closed", "remediated": "closed",
}
"""Corrective action statuses -> ``ActionStatus`` value."""

BACKUP_STATUS: dict[str, str] = {
    "success": "success", "successful": "success", "succeeded": "success", "ok": "success",
    "completed": "success", "passed": "success", "failed": "failed", "failure": "failed", "error": "failed",
    "partial": "partial", "warning": "partial", "completed with warnings": "partial",
}
"""Backup job outcomes -> ``BackupStatus`` value."""

YES_NO: dict[str, str] = {
    "yes": "true", "y": "true", "true": "true", "1": "true", "x": "true", "✓": "true", "✔": "true",
    "oui": "true", "ja": "true", "si": "true", "sí": "true", "checked": "true",
    "no": "false", "n": "false", "false": "false", "0": "false", "non": "false", "nein": "false",
    "unchecked": "false",
}
"""Yes/no answers -> ``true`` / ``false``."""

VOCABULARIES: dict[str, dict[str, str]] = {
    "tier": TIER,
    "backup_frequency": BACKUP_FREQUENCY,
    "exercise_type": EXERCISE_TYPE,
    "exercise_result": EXERCISE_RESULT,
    "action_status": ACTION_STATUS,
    "backup_status": BACKUP_STATUS,
    "yes_no": YES_NO,
}
"""Every value table by the name a workspace uses to extend it in ``itscm.yaml``."""


def merged_vocabularies(extra: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The shipped tables with the workspace's entries on top (workspace wins), keys normalised."""
    tables = {name: {normalise_value(k): v for k, v in table.items()} for name, table in VOCABULARIES.items()}
    for name, entries in extra.items():
        tables.setdefault(name, {}).update({normalise_value(k): str(v) for k, v in entries.items()})
    return tables
