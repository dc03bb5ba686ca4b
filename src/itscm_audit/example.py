"""The example workspace (``itscm-audit init``) and the synthetic organisation of the benchmark.

Aurora Mutual Insurance is a fictional insurer whose spreadsheets look like the ones a continuity
office really keeps: title rows, human column names, MTPD as text, RTO/RPO in hours. Its data is
mostly compliant, with the deliberate gaps listed in ``docs/example-workspace.md`` so every rule
fails somewhere for a realistic reason. The same builder grows the organisation to any size for the
benchmark (``build_organisation("large")``: 20,000 services, 200,000 exercise and backup rows).

Everything is generated from a fixed seed and fixed dates, so two runs write the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from itscm_audit.errors import WorkspaceError
from itscm_audit.fsio import atomic_path, write_bytes_atomic

AS_OF = dt.date(2026, 9, 30)
"""The example's as-of date; its history covers the two years before."""
SNAPSHOT = dt.datetime(2026, 9, 30, 8, 0, 0)
"""Fixed creation time written into every workbook so two inits give identical files."""
DEFAULT_SEED = 2026
LARGE_SERVICES = 20_000
LARGE_EXERCISES = 60_000
LARGE_BACKUP_RUNS = 140_000

Cell = str | int | float | dt.date | dt.datetime | None
Row = tuple[Cell, ...]

# Column headers, exactly as in docs/example-workspace.md (the importer maps these).
SERVICE_HEADERS = ("Service ID", "Service Name", "Tier", "Business Owner", "MTPD", "RTO (hrs)", "RPO (hrs)",
                   "Backup Frequency", "Personal Data?", "PHI?", "Depends On", "Vendors",
                   "Recovery Strategy", "Plan Ref", "Last BIA Review", "Notes")
EXERCISE_HEADERS = ("Exercise ID", "Date", "Type", "Scenario", "Services Tested", "Achieved Recovery Time",
                    "Data Loss", "Result", "Report")
FINDING_HEADERS = ("Finding ID", "Exercise ID", "Incident ID", "Finding", "Severity", "Raised")
ACTION_HEADERS = ("Action ID", "Finding ID", "Action", "Owner", "Opened", "Due Date", "Status", "Closed On")
CONTACT_HEADERS = ("Role", "Name", "Alternate", "Phone", "Email", "Backup Channel", "Critical Role?",
                   "Last Verified")
VENDOR_HEADERS = ("Vendor ID", "Vendor", "Services Supported", "Contract RTO", "Contract RPO", "Contact",
                  "BC Plan Reviewed")
PLAN_HEADERS = ("Doc ID", "Title", "Type", "Owner", "Version", "Approved By", "Approved On", "Last Review",
                "Services")
TRAINING_HEADERS = ("Name", "Role", "Course", "Completed")
INCIDENT_HEADERS = ("Incident ID", "Title", "Detected", "Became Aware", "Personal Data Breach?",
                    "Risk of Harm", "Jurisdictions", "Regulator Notified", "Individuals Notified",
                    "In Breach Register?", "Major ICT Incident?", "Classified Major", "Initial Report",
                    "Intermediate Report", "Final Report", "Services")
RISK_HEADERS = ("Risk ID", "Risk", "Likelihood", "Impact", "Treatment", "Owner", "Services")
BACKUP_HEADERS = ("Service", "Completed At", "Status", "Restore Test")
ATTESTATION_HEADERS = ("Target", "Status", "Statement", "Justification", "Attested By", "Date", "Evidence")

SERVICES_HEADER_ROW = 4
"""1-based row of the Services header: title, key/value line and a blank row sit above it."""


@dataclass(frozen=True)
class Table:
    """One table of the organisation as it sits in a file: rows of cells under human headers."""

    file: str
    """Workspace-relative path, e.g. ``data/exercise-log.xlsx``."""
    sheet: str | None
    """Sheet name; ``None`` for a CSV file."""
    entity: str
    """The ``EntityKind`` value the table holds (``service``, ``exercise``...)."""
    headers: tuple[str, ...]
    rows: list[Row]
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class EvidenceFile:
    """A small artefact in the evidence locker and its manifest entry."""

    path: str
    """Relative to ``evidence/``, forward slashes."""
    text: str
    type: str
    title: str
    collected: dt.date
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    ttl_days: int | None = None
    services: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SyntheticOrganisation:
    """Everything a workspace holds, before it is written: tables, evidence and attestations."""

    name: str
    as_of: dt.date
    tables: tuple[Table, ...]
    evidence: tuple[EvidenceFile, ...] = ()
    attestations: tuple[Row, ...] = ()

    def table(self, entity: str) -> Table:
        """The table holding ``entity`` (one per entity in this generator)."""
        for table in self.tables:
            if table.entity == entity:
                return table
        raise KeyError(entity)

    def counts(self) -> dict[str, int]:
        """Rows per entity, the figures an import of this organisation should find."""
        return {t.entity: len(t.rows) for t in self.tables}


# ---------------------------------------------------------------------------------------------------
# Formatting helpers: the way people write durations and lists in these spreadsheets.

def _join(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def _mtpd_text(hours: float) -> str:
    if hours >= 168 and hours % 168 == 0:
        weeks = int(hours // 168)
        return f"{weeks} week" if weeks == 1 else f"{weeks} weeks"
    if hours >= 48 and hours % 24 == 0:
        return f"{int(hours // 24)} days"
    if hours == 4:
        return "4h"
    return "1 hour" if hours == 1 else f"{hours:g} hours"


def _duration_text(minutes: int, style: int) -> str:
    """Achieved times written three ways, as different exercise leads do."""
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if style == 0:
        return f"{hours}h {rest:02d}m" if rest else f"{hours}h"
    if style == 1 and rest in (0, 30):
        value = hours + rest / 60
        return f"{value:g} hours" if value != 1 else "1 hour"
    return f"{hours}h {rest}m" if rest else f"{hours} hours"


def _loss_text(minutes: int) -> str:
    if minutes == 0:
        return "0"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes // 60}h {minutes % 60}m"


def _contract_text(hours: float) -> str:
    if hours < 1:
        return f"{int(hours * 60)} minutes"
    if hours >= 24 and hours % 24 == 0:
        days = int(hours // 24)
        return "1 day" if days == 1 else f"{days} days"
    return "1 hour" if hours == 1 else f"{hours:g} hours"


FREQUENCY_HOURS = {"Every 15 minutes": 0.25, "Hourly": 1, "Every 4 hours": 4, "Daily": 24, "Weekly": 168}


def _yes(flag: bool | None) -> str | None:
    if flag is None:
        return None
    return "Yes" if flag else "No"


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# ---------------------------------------------------------------------------------------------------
# The example organisation, Aurora Mutual Insurance (as of 2026-09-30).

@dataclass(frozen=True)
class _Svc:
    id: str
    name: str
    tier: int
    owner: str | None
    mtpd: float
    rto: float | None
    rpo: float | None
    frequency: str
    personal: bool | None
    phi: bool | None
    depends: tuple[str, ...]
    vendors: tuple[str, ...]
    strategy: str
    plan: str
    notes: str = ""


def _s(num: int, name: str, tier: int, owner: str | None, mtpd: float, rto: float | None, rpo: float | None,
       frequency: str, personal: bool | None, phi: bool | None, depends: Sequence[int], vendors: Sequence[int],
       strategy: str, plan: int, notes: str = "") -> _Svc:
    return _Svc(f"SVC-{num:03d}", name, tier, owner, mtpd, rto, rpo, frequency, personal, phi,
                tuple(f"SVC-{d:03d}" for d in depends), tuple(f"V-{v:03d}" for v in vendors),
                strategy, f"PLN-{plan:03d}", notes)


_HOT = "Hot standby in Toronto data centre"
_WARM = "Warm standby, restore from replicated backups"
_COLD = "Rebuild from backups on spare capacity"
_SAAS = "Vendor-hosted; vendor DR with contractual RTO"
_MANUAL = "Manual workaround, re-key when restored"

EXAMPLE_SERVICES: tuple[_Svc, ...] = (
    # Tier 1: critical to policyholders, regulators and cash.
    _s(1, "Policy Administration", 1, "Marie-Claude Tremblay", 72, 8, 1, "Hourly", True, False,
       (11, 12), (1,), _HOT, 3),
    _s(2, "Claims Management", 1, "Jean-Philippe Gagnon", 48, 8, 1, "Hourly", True, False,
       (1, 11, 12), (1,), _HOT, 3),
    _s(3, "Billing and Premium Collection", 1, "Sophie Lavoie", 72, 8, 1, "Hourly", True, False,
       (4, 11), (), _HOT, 10),
    _s(4, "Payments Gateway", 1, "Sophie Lavoie", 24, 4, 0.25, "Every 15 minutes", True, False,
       (11, 12), (2,), "Active-active across two regions", 4),
    _s(5, "Customer Self-Service Portal", 1, "Grace Chen", 24, 4, 1, "Hourly", True, False,
       (1, 11, 12), (), _HOT, 3, "RTO agreed with Marketing in 2026; dependency review pending"),
    _s(6, "Contact Centre Telephony", 1, "Nathalie Bouchard", 24, 4, 24, "Daily", True, False,
       (11,), (3,), "Reroute calls to home agents and overflow partner", 5),
    _s(7, "Health Claims Adjudication (US)", 1, "Robert Miller", 72, 8, 1, "Hourly", True, True,
       (11, 12), (4,), _HOT, 6),
    _s(8, "Broker and Agent Portal", 1, "Grace Chen", 48, None, 4, "Every 4 hours", True, False,
       (1, 12), (), _WARM, 3, "RTO to be confirmed after broker survey"),
    _s(9, "EU Policy Administration (Dublin)", 1, "Aoife Byrne", 72, 8, 1, "Hourly", True, False,
       (11, 12), (5,), "Secondary EU cloud region", 7),
    _s(10, "Treasury and Cash Management", 1, "Daniel Cohen", 24, 4, 1, "Hourly", False, False,
       (11, 12), (), _HOT, 10),
    _s(11, "Core Network and Data Centre", 1, "Ahmed Haddad", 24, 2, 24, "Daily", False, False,
       (), (1,), "Dual data centres, diverse carriers", 11),
    _s(12, "Identity and Access Management", 1, "Priya Raman", 24, 2, 1, "Hourly", True, False,
       (11,), (), "Replicated directory in both data centres", 11),
    # Tier 2: needed within a day or two.
    _s(13, "Email and Collaboration", 2, "Ahmed Haddad", 48, 8, 4, "Every 4 hours", True, False,
       (12,), (6,), _SAAS, 2),
    _s(14, "General Ledger", 2, "Daniel Cohen", 120, 24, 24, "Daily", False, False,
       (11, 12, 15), (), _WARM, 10, "Nightly interface with Reinsurance Accounting"),
    _s(15, "Reinsurance Accounting", 2, "Daniel Cohen", 120, 24, 24, "Daily", False, False,
       (11, 14), (), _WARM, 10, "Reads closing balances from General Ledger"),
    _s(16, "Underwriting Workbench", 2, "Marie-Claude Tremblay", 24, 36, 4, "Every 4 hours", True, False,
       (1, 12), (), _WARM, 3),
    _s(17, "Document Management", 2, "Isabelle Roy", 72, 24, 4, "Every 4 hours", True, False,
       (11, 12), (), _WARM, 2),
    _s(18, "Fraud Detection", 2, "Jean-Philippe Gagnon", 72, 24, None, "Daily", True, False,
       (2, 12), (), _WARM, 3),
    _s(19, "Payroll", 2, "Fatima Diallo", 120, 24, 24, "Daily", True, False,
       (12,), (7,), _SAAS, 2),
    _s(20, "Data Warehouse", 2, "Olivier Côté", 120, 48, 24, "Daily", True, False,
       (11,), (), _COLD, 2),
    _s(21, "Regulatory Reporting", 2, "Olivier Côté", 168, 48, 24, "Daily", False, False,
       (14, 20), (), _COLD, 10),
    _s(22, "Member Eligibility (US)", 2, "Robert Miller", 72, 24, 4, "Every 4 hours", True, True,
       (7, 12), (4,), _WARM, 6),
    _s(23, "Customer Relationship Management", 2, "Grace Chen", 72, 24, 1, "Daily", True, False,
       (12,), (8,), _SAAS, 2),
    _s(24, "Actuarial Modelling", 2, "Kevin Walsh", 120, 48, 24, "Daily", False, False,
       (11, 20), (), _COLD, 2),
    _s(25, "IT Service Desk", 2, "Ahmed Haddad", 48, 8, 4, "Every 4 hours", False, False,
       (12,), (6,), _SAAS, 11),
    _s(26, "Backup and Recovery Platform", 2, "Ahmed Haddad", 48, 4, 24, "Daily", False, False,
       (11,), (), "Immutable copy in second data centre", 11),
    # Tier 3: can wait several days.
    _s(27, "HR Information System", 3, "Fatima Diallo", 336, 72, 24, "Daily", True, False,
       (12,), (), _COLD, 2),
    _s(28, "Intranet", 3, "Isabelle Roy", 336, 120, 24, "Daily", False, False, (12,), (), _COLD, 2),
    _s(29, "Print and Mail", 3, "Isabelle Roy", 168, 72, 24, "Daily", True, False, (17,), (9,), _MANUAL, 2),
    _s(30, "Procurement", 3, "Daniel Cohen", 336, 120, 24, "Daily", False, False, (12,), (), _COLD, 2),
    _s(31, "Investment Management", 3, "Kevin Walsh", 168, 72, 24, "Daily", False, False,
       (12,), (), _COLD, 10),
    _s(32, "Business Intelligence Dashboards", 3, "Olivier Côté", 336, 120, 24, "Daily", False, False,
       (20,), (), _COLD, 2),
    _s(33, "Mobile App", 3, "Grace Chen", 168, 72, 24, "Daily", True, False, (5,), (), _WARM, 3),
    _s(34, "Records Archive", 3, "Isabelle Roy", 336, 168, 168, "Weekly", True, False,
       (17,), (), _COLD, 2),
    _s(35, "Learning Management System", 3, "Fatima Diallo", 336, 168, 24, "Daily", True, False,
       (12,), (), _SAAS, 2),
    _s(36, "Marketing Automation", 3, "Grace Chen", 336, 168, 24, "Daily", True, False,
       (23,), (), _SAAS, 2),
    _s(37, "Provider Directory (US)", 3, "Robert Miller", 168, 72, 24, "Daily", False, False,
       (12,), (), _COLD, 6),
    _s(38, "Development and Test Environments", 3, None, 672, 336, 168, "Weekly", None, None,
       (11,), (), _COLD, 2, "Owner left in June; to be reassigned"),
    _s(39, "Facilities Management", 3, "Mark Thompson", 336, 120, 24, "Daily", False, False,
       (12,), (), _MANUAL, 12),
    _s(40, "Legal Matter Management", 3, "Hannah Schmidt", 336, 120, 24, "Daily", True, False,
       (12,), (), _COLD, 2),
)

_PLANS: tuple[tuple[str, str, str, str, str, str | None, str | None, str, tuple[int, ...]], ...] = (
    # id, title, type, owner, version, approved by, approved on, last review, services
    ("PLN-001", "Corporate Business Continuity Plan", "Business continuity plan", "Marie-Claude Tremblay",
     "5.2", "Executive Committee", "2026-02-18", "2026-02-10", ()),
    ("PLN-002", "IT Disaster Recovery Plan", "IT disaster recovery plan", "Ahmed Haddad", "7.0",
     "Chief Information Officer", "2026-01-22", "2026-01-15",
     (13, 17, 19, 20, 23, 24, 27, 28, 29, 30, 32, 34, 35, 36, 38, 40)),
    ("PLN-003", "Policy and Claims Recovery Runbook", "Recovery runbook", "Jean-Philippe Gagnon", "3.4",
     "Chief Operating Officer", "2026-04-30", "2026-04-28", (1, 2, 5, 8, 16, 18, 33)),
    ("PLN-004", "Payments Recovery Runbook", "Recovery runbook", "Sophie Lavoie", "2.1",
     "Chief Financial Officer", "2025-12-05", "2025-12-01", (4,)),
    ("PLN-005", "Contact Centre Continuity Plan", "Business continuity plan", "Nathalie Bouchard", "1.8",
     "Chief Operating Officer", "2024-07-10", "2025-07-02", (6,)),
    ("PLN-006", "US Health Plan Contingency Plan (HIPAA)", "Contingency plan", "Robert Miller", "2.3",
     "US Health Plan Board", "2026-03-12", "2026-03-05", (7, 22, 37)),
    ("PLN-007", "Aurora Mutual Europe DAC Continuity Plan", "Business continuity plan", "Aoife Byrne",
     "4.0", "Board of Aurora Mutual Europe DAC", "2026-05-20", "2026-05-14", (9,)),
    ("PLN-008", "Crisis Communication Plan", "Crisis communication plan", "Emily Roberts", "2.0",
     "Executive Committee", "2026-02-18", "2026-02-11", ()),
    ("PLN-009", "Privacy Breach Response Procedure", "Incident response plan", "Siobhan Kelly", "3.1",
     "Chief Privacy Officer", "2026-06-02", "2026-05-29", ()),
    ("PLN-010", "Finance Recovery Runbook", "Recovery runbook", "Daniel Cohen", "0.9 (draft)", None, None,
     "2026-08-19", (3, 10, 14, 15, 21, 31)),
    ("PLN-011", "Infrastructure Recovery Runbook", "Recovery runbook", "Ahmed Haddad", "6.3",
     "Chief Information Officer", "2026-03-03", "2026-02-26", (11, 12, 25, 26)),
    ("PLN-012", "Pandemic and Workplace Unavailability Plan", "Business continuity plan", "Mark Thompson",
     "1.4", "Executive Committee", "2024-11-14", "2025-03-10", (39,)),
)

_CONTACTS: tuple[tuple[str, str, str | None, str, str, str | None, bool, str], ...] = (
    ("Crisis Management Team Lead", "Marie-Claude Tremblay", "Jean-Philippe Gagnon", "+1 514-555-0101",
     "mc.tremblay", "Satellite phone kit, Montréal", True, "2026-08-12"),
    ("IT Disaster Recovery Coordinator", "Ahmed Haddad", "Priya Raman", "+1 514-555-0102", "a.haddad",
     "SMS bridge", True, "2026-08-12"),
    ("Chief Information Security Officer", "Priya Raman", "Carlos Mendes", "+1 514-555-0103", "p.raman",
     "Signal group", True, "2026-07-30"),
    ("Chief Privacy Officer (Law 25 person in charge)", "Siobhan Kelly", "Isabelle Roy", "+1 514-555-0104",
     "s.kelly", "SMS bridge", True, "2026-07-30"),
    ("EU Data Protection Officer", "Liam O'Sullivan", "Aoife Byrne", "+353 1 555 0105", "l.osullivan",
     "SMS bridge", True, "2026-06-18"),
    ("HIPAA Privacy and Security Officer", "Robert Miller", "Hannah Schmidt", "+1 617-555-0106",
     "r.miller", "Conference bridge", True, "2026-08-03"),
    ("Communications Lead", "Emily Roberts", "Grace Chen", "+1 514-555-0107", "e.roberts",
     "Personal mobile", True, "2026-08-12"),
    ("Claims Operations Lead", "Jean-Philippe Gagnon", "Olivier Côté", "+1 514-555-0108", "jp.gagnon",
     "SMS bridge", True, "2026-08-12"),
    ("Contact Centre Manager", "Nathalie Bouchard", "Kevin Walsh", "+1 416-555-0109", "n.bouchard",
     "SMS bridge", True, "2026-05-06"),
    ("Head of Treasury", "Daniel Cohen", None, "+1 514-555-0110", "d.cohen", "Bank token and phone",
     True, "2026-07-14"),
    ("Facilities Manager", "Mark Thompson", "Fatima Diallo", "+1 514-555-0111", "m.thompson",
     "Radio", True, "2025-12-10"),
    ("Dublin Site Lead", "Aoife Byrne", "Liam O'Sullivan", "+353 1 555 0112", "a.byrne",
     "SMS bridge", True, "2026-01-15"),
    ("HR Lead", "Fatima Diallo", "Mark Thompson", "+1 514-555-0113", "f.diallo", None, False, "2026-06-30"),
    ("Vendor Manager", "Carlos Mendes", "Sophie Lavoie", "+1 514-555-0114", "c.mendes", "SMS bridge",
     False, "2026-06-30"),
    ("Legal Counsel", "Hannah Schmidt", "Siobhan Kelly", "+1 514-555-0115", "h.schmidt", "SMS bridge",
     False, "2026-06-30"),
    ("Ontario Operations Lead", "Kevin Walsh", "Nathalie Bouchard", "+1 416-555-0116", "k.walsh",
     None, True, "2026-08-12"),
)

_VENDORS: tuple[tuple[str, str, tuple[int, ...], float, float, str, str], ...] = (
    ("V-001", "Northwind Hosting Inc.", (1, 2, 11), 2, 1, "dr-desk@northwind-hosting.example", "2026-03-18"),
    ("V-002", "ClearPay Processing Ltd.", (4,), 8, 0.25, "continuity@clearpay.example", "2026-02-25"),
    ("V-003", "VoxLine Telecom", (6,), 4, 24, "noc@voxline.example", "2024-10-01"),
    ("V-004", "MedClaims Clearinghouse LLC", (7, 22), 8, 1, "bcp@medclaims.example", "2026-04-09"),
    ("V-005", "EuroCloud Services DAC", (9,), 4, 1, "resilience@eurocloud.example", "2026-05-07"),
    ("V-006", "Contoso Online Services", (13, 25), 8, 1, "enterprise-support@contoso.example", "2026-01-30"),
    ("V-007", "PayWorks Payroll Corp.", (19,), 24, 24, "service@payworks.example", "2025-11-20"),
    ("V-008", "CloudCRM Inc.", (23,), 8, 1, "trust@cloudcrm.example", "2026-06-11"),
    ("V-009", "PrintHouse Mail Services", (29,), 120, 24, "ops@printhouse.example", "2025-12-02"),
)

_TRAINING: tuple[tuple[str, str, str, str], ...] = (
    ("Marie-Claude Tremblay", "Crisis Management Team Lead", "Crisis leadership (annual)", "2026-02-24"),
    ("Jean-Philippe Gagnon", "Claims Operations Lead", "Crisis leadership (annual)", "2026-02-24"),
    ("Ahmed Haddad", "IT Disaster Recovery Coordinator", "DR runbook execution", "2026-01-28"),
    ("Priya Raman", "Chief Information Security Officer", "Cyber crisis simulation", "2026-03-17"),
    ("Siobhan Kelly", "Chief Privacy Officer (Law 25 person in charge)", "Breach notification workshop",
     "2026-05-12"),
    ("Liam O'Sullivan", "EU Data Protection Officer", "Breach notification workshop", "2026-05-12"),
    ("Robert Miller", "HIPAA Privacy and Security Officer", "HIPAA contingency planning", "2026-04-21"),
    ("Emily Roberts", "Communications Lead", "Crisis communication", "2026-02-24"),
    ("Nathalie Bouchard", "Contact Centre Manager", "Crisis leadership (annual)", "2025-05-14"),
    ("Daniel Cohen", "Head of Treasury", "Crisis leadership (annual)", "2026-02-24"),
    ("Mark Thompson", "Facilities Manager", "Building evacuation and relocation", "2026-01-09"),
    ("Aoife Byrne", "Dublin Site Lead", "DORA incident reporting", "2026-03-04"),
    ("Kevin Walsh", "Ontario Operations Lead", "Crisis leadership (annual)", "2026-02-24"),
    ("Carlos Mendes", "Vendor Manager", "Third-party resilience", "2026-06-03"),
    ("Grace Chen", "Alternate Communications Lead", "Crisis communication", "2026-02-24"),
    ("Olivier Côté", "Alternate Claims Operations Lead", "DR runbook execution", "2026-01-28"),
    ("Isabelle Roy", "Alternate Chief Privacy Officer", "Breach notification workshop", "2026-05-12"),
    ("Fatima Diallo", "HR Lead", "Business continuity awareness", "2026-04-07"),
    ("Hannah Schmidt", "Legal Counsel", "Breach notification workshop", "2026-05-12"),
    ("Sophie Lavoie", "Payments Product Owner", "DR runbook execution", "2026-01-28"),
)

_RISKS: tuple[tuple[str, str, str, str, str, str, tuple[int, ...]], ...] = (
    ("R-001", "Ransomware encrypts core insurance platforms", "Medium", "Severe", "Mitigate",
     "Priya Raman", (1, 2, 3, 26)),
    ("R-002", "Loss of the Montréal head office building", "Low", "Major", "Mitigate", "Mark Thompson",
     (6, 39)),
    ("R-003", "Payment processor outage during premium run", "Medium", "Major", "Transfer", "Sophie Lavoie",
     (3, 4)),
    ("R-004", "Primary data centre power or cooling failure", "Low", "Severe", "Mitigate", "Ahmed Haddad",
     (11,)),
    ("R-005", "Cloud region outage affecting EU subsidiary", "Low", "Major", "Mitigate", "Aoife Byrne", (9,)),
    ("R-006", "Key-person dependency in Treasury", "Medium", "Moderate", "Mitigate", "Daniel Cohen", (10,)),
    ("R-007", "Pandemic reduces contact centre staffing", "Medium", "Major", "Mitigate",
     "Nathalie Bouchard", (6,)),
    ("R-008", "Unauthorised disclosure of policyholder personal data", "Medium", "Major", "Mitigate",
     "Siobhan Kelly", (1, 9, 17)),
    ("R-009", "Health plan PHI unavailable to adjudicators", "Low", "Major", "Mitigate", "Robert Miller",
     (7, 22)),
    ("R-010", "Telecom carrier outage isolates contact centre", "Low", "Moderate", "Transfer",
     "Nathalie Bouchard", (6,)),
    ("R-011", "Corrupted backups discovered during restore", "Low", "Severe", "Mitigate", "Ahmed Haddad",
     (20, 26)),
    ("R-012", "Regulatory reporting deadline missed after outage", "Low", "Moderate", "Accept",
     "Olivier Côté", (21,)),
)

_INCIDENTS: tuple[dict[str, object], ...] = (
    {"id": "INC-2025-002", "title": "Lost USB stick with Dublin claims spreadsheets (encrypted)",
     "detected": "2025-01-21 09:40", "aware": "2025-01-21 10:00", "pdb": True, "harm": "low",
     "jur": ("EU",), "regulator": "2025-01-23 16:00", "register": True, "major": False, "services": (9,)},
    {"id": "INC-2025-004", "title": "Ransomware detected on a departmental file server (contained)",
     "detected": "2025-02-11 07:40", "aware": "2025-02-11 07:55", "pdb": False, "harm": None,
     "jur": ("CA", "CA-QC"), "major": False, "services": (17,)},
    {"id": "INC-2025-006", "title": "Member portal showed claim details to other health plan members",
     "detected": "2025-06-09 16:30", "aware": "2025-06-10 09:00", "pdb": True, "harm": "real",
     "jur": ("US",), "regulator": "2025-08-22 12:00", "individuals": "2025-08-20 10:00", "register": True,
     "major": False, "services": (22,)},
    {"id": "INC-2025-009", "title": "Core network outage stopped EU policy administration for 5 hours",
     "detected": "2025-09-02 06:45", "aware": "2025-09-02 07:00", "pdb": False, "harm": None,
     "jur": ("EU",), "major": True, "classified": "2025-09-02 09:30", "initial": "2025-09-02 12:10",
     "intermediate": "2025-09-04 11:00", "final": "2025-09-26 15:00", "services": (9, 11)},
    {"id": "INC-2025-011", "title": "Misconfigured storage bucket exposed EU policyholder documents",
     "detected": "2025-11-03 08:10", "aware": "2025-11-03 09:15", "pdb": True, "harm": "high",
     "jur": ("EU",), "regulator": "2025-11-06 18:45", "individuals": "2025-11-10 10:00", "register": True,
     "major": False, "services": (9,)},
    {"id": "INC-2025-012", "title": "Claimant file e-mailed to the wrong external address (Quebec)",
     "detected": "2025-12-08 09:10", "aware": "2025-12-08 10:00", "pdb": True, "harm": "real",
     "jur": ("CA", "CA-QC"), "regulator": "2025-12-12 08:00", "individuals": "2025-12-10 15:00",
     "register": True, "major": False, "services": (2,)},
    {"id": "INC-2026-003", "title": "Stolen laptop with Quebec claimant files (confidentiality incident)",
     "detected": "2026-02-16 11:20", "aware": "2026-02-16 14:00", "pdb": True, "harm": "real",
     "jur": ("CA", "CA-QC"), "regulator": "2026-02-18 10:30", "individuals": "2026-02-18 16:00",
     "register": True, "major": False, "services": (2,)},
    {"id": "INC-2026-006", "title": "Misdirected e-mail with an Ontario policyholder's statement",
     "detected": "2026-04-22 15:05", "aware": "2026-04-23 09:30", "pdb": True, "harm": "low",
     "jur": ("CA", "CA-ON"), "register": False, "major": False, "services": (13,)},
    {"id": "INC-2026-007", "title": "Renewal letters for Irish policyholders posted to the wrong addresses",
     "detected": "2026-05-12 08:40", "aware": "2026-05-12 09:00", "pdb": True, "harm": "high",
     "jur": ("EU",), "regulator": "2026-05-13 14:30", "register": True, "major": False, "services": (9,)},
    {"id": "INC-2026-008", "title": "Payments gateway outage (EU card payments)",
     "detected": "2026-06-09 06:20", "aware": "2026-06-09 06:35", "pdb": False, "harm": None,
     "jur": ("EU",), "major": True, "classified": "2026-06-09 10:05", "initial": "2026-06-09 14:50",
     "intermediate": "2026-06-11 16:00", "final": "2026-07-06 12:00", "services": (4, 9)},
    {"id": "INC-2026-010", "title": "Health plan benefit statements mailed to outdated addresses",
     "detected": "2026-07-20 10:00", "aware": "2026-07-21 09:00", "pdb": True, "harm": "real",
     "jur": ("US",), "regulator": "2026-08-28 15:00", "individuals": "2026-08-14 11:00", "register": True,
     "major": False, "services": (22, 29)},
)


def _svc_ids(nums: Iterable[int]) -> tuple[str, ...]:
    return tuple(f"SVC-{n:03d}" for n in nums)


@dataclass
class _Exercise:
    date: dt.date
    type: str
    scenario: str
    services: tuple[str, ...]
    recovery: str | None = None
    loss: str | None = None
    result: str = "Passed"
    report: bool = True
    key: str = ""
    id: str = ""


def _example_exercises(rng: random.Random) -> list[_Exercise]:
    """Two exercise cycles for the critical services, group exercises, and tier-3 walkthroughs."""
    by_id = {s.id: s for s in EXAMPLE_SERVICES}
    critical = [s for s in EXAMPLE_SERVICES if s.tier in (1, 2)]
    out: list[_Exercise] = []
    for k, svc in enumerate(critical):
        # Cycle 1: discussion-based (one data warehouse restore test that failed).
        date1 = dt.date(2024, 10, 15) + dt.timedelta(days=11 * k)
        if svc.id == "SVC-020":
            out.append(_Exercise(date1, "Functional", "Restore of the data warehouse from backup", (svc.id,),
                                 "60h", "1 day", "Failed", key="dw-restore-failed"))
        else:
            kind = "Tabletop" if k % 3 else "Walkthrough"
            out.append(_Exercise(date1, kind, f"{svc.name}: plan walkthrough with the recovery team",
                                 (svc.id,)))
        # Cycle 2: technical, except the services that were only ever discussed or not exercised.
        if svc.id in ("SVC-015", "SVC-024"):
            continue
        date2 = dt.date(2025, 10, 20) + dt.timedelta(days=12 * k)
        if svc.id in ("SVC-006", "SVC-016"):
            out.append(_Exercise(date2, "Tabletop", f"{svc.name}: loss of primary site", (svc.id,)))
            continue
        kind = "Failover" if svc.tier == 1 else "Functional"
        rto_minutes = int((svc.rto or 8) * 60)
        minutes = int(rto_minutes * rng.uniform(0.45, 0.9)) // 5 * 5
        rpo_minutes = int((svc.rpo or 4) * 60)
        loss = 0 if rng.random() < 0.5 else max(5, int(rpo_minutes * rng.uniform(0.1, 0.6)) // 5 * 5)
        exercise = _Exercise(date2, kind, f"{svc.name}: failover to the recovery site", (svc.id,),
                             _duration_text(minutes, k % 3), _loss_text(loss), key=f"tech-{svc.id}")
        if svc.id == "SVC-013":
            exercise.recovery, exercise.result, exercise.key = "12h", "Failed", "email-failed"
        if svc.id == "SVC-019":
            exercise.report = False
        out.append(exercise)
    out += [
        _Exercise(_d("2026-04-14"), "Failover", "Claims platform failover to the Toronto DR site",
                  ("SVC-002",), "9h 40m", "15 min", "Partially passed", key="claims-over-rto"),
        _Exercise(_d("2026-05-20"), "Functional", "Billing database point-in-time restore",
                  ("SVC-003",), "5h 10m", "2h", "Partially passed", key="billing-over-rpo"),
        _Exercise(_d("2025-03-18"), "Tabletop", "Ransomware attack on the primary data centre",
                  _svc_ids((1, 2, 3, 5, 11, 12, 26)), key="ransomware"),
        _Exercise(_d("2025-09-23"), "Simulation", "Montréal head office unavailable for a week",
                  _svc_ids((6, 13, 25)), "3h 30m", None, "Partially passed", key="head-office"),
        _Exercise(_d("2025-11-05"), "Tabletop", "Major ICT incident: DORA classification and reporting drill",
                  _svc_ids((4, 9)), key="dora-drill"),
        _Exercise(_d("2026-02-12"), "Simulation", "Cyber incident affecting US health plan PHI",
                  _svc_ids((7, 22)), "6h", "0", key="phi-drill"),
        _Exercise(_d("2026-06-10"), "Tabletop", "Pandemic: 40% of staff unavailable", _svc_ids((6, 27, 39)),
                  key="pandemic"),
        _Exercise(_d("2025-12-03"), "Tabletop", "Cyber extortion: decisions for the Executive Committee",
                  _svc_ids((1, 2, 3, 5, 8, 10, 12)), key="extortion"),
        _Exercise(_d("2026-03-10"), "Tabletop", "Regional power outage across Montréal",
                  _svc_ids((7, 11, 13, 14, 17, 18)), key="power"),
        _Exercise(_d("2026-05-27"), "Tabletop", "Loss of a critical SaaS or outsourcing vendor",
                  _svc_ids((19, 20, 21, 22, 23, 25, 26)), key="vendor-loss"),
        _Exercise(_d("2026-07-08"), "Full interruption", "Planned shutdown of the primary data centre",
                  _svc_ids((11, 12)), "1h 35m", "0", key="dc-shutdown"),
    ]
    tier3 = [s for s in EXAMPLE_SERVICES if s.tier == 3]
    for k, svc in enumerate(tier3):
        if k % 3 == 2:
            continue
        date = dt.date(2024, 11, 20) + dt.timedelta(days=47 * k)
        out.append(_Exercise(date, "Walkthrough", f"{svc.name}: recovery procedure walkthrough", (svc.id,)))
    out.sort(key=lambda e: (e.date, e.services, e.type))
    counters: dict[int, int] = {}
    for exercise in out:
        counters[exercise.date.year] = counters.get(exercise.date.year, 0) + 1
        exercise.id = f"EX-{exercise.date.year}-{counters[exercise.date.year]:03d}"
        assert all(s in by_id for s in exercise.services)
    return out


def _report_path(exercise: _Exercise) -> str:
    return f"exercises/{exercise.id}-report.md"


def _example_findings(exercises: list[_Exercise], rng: random.Random) -> tuple[list[Row], list[Row]]:
    """Findings from exercises and incidents, and the corrective actions raised on them."""
    by_key = {e.key: e for e in exercises if e.key}
    # (exercise key or incident id, finding, severity, [(action, owner, due, status, closed)])
    plan: list[tuple[str, str, str, list[tuple[str, str | None, str | None, str, str | None]]]] = [
        ("dw-restore-failed", "Backup catalogue corrupted; data warehouse restore could not complete", "High",
         [("Rebuild backup catalogue and add weekly catalogue integrity check", "Ahmed Haddad", "2025-07-31",
           "Closed", "2025-07-18")]),
        ("ransomware", "Offline (immutable) backup copy not described in the DR plan", "Medium",
         [("Document the immutable copy and its restore steps in PLN-002", "Ahmed Haddad", "2025-06-30",
           "Closed", "2025-06-12")]),
        ("ransomware", "Crisis team unclear who decides on shutting down the network", "Medium",
         [("Add decision authority matrix to the corporate BCP", "Marie-Claude Tremblay", "2025-05-31",
           "Closed", "2025-05-28")]),
        ("head-office", "Home agents could not take calls: VPN capacity saturated", "High",
         [("Double VPN concentrator capacity and test with 300 agents", "Ahmed Haddad", "2026-06-30",
           "In progress", None)]),
        ("head-office", "Call tree held two outdated mobile numbers", "Low", []),
        ("dora-drill", "Major-incident classification criteria not in the payments runbook", "Medium",
         [("Embed DORA classification criteria and report templates in PLN-004", "Sophie Lavoie",
           "2026-01-31", "Closed", "2026-01-20")]),
        ("phi-drill", "No PHI breach risk-assessment template for the health plan", "Medium",
         [("Adopt a four-factor HIPAA breach risk-assessment template", "Robert Miller", "2026-12-15",
           "In progress", None)]),
        ("claims-over-rto", "Claims database restore exceeded RTO: log shipping lagged 90 minutes", "High",
         [("Move claims database to synchronous replication", "Jean-Philippe Gagnon", "2026-08-31",
           "Open", None),
          ("Add replication-lag alert to monitoring", "Ahmed Haddad", "2026-05-31", "Closed", "2026-05-22")]),
        ("billing-over-rpo", "Payment batch files not replicated; two hours of transactions re-keyed", "High",
         [("Replicate the payment batch folder every 15 minutes", "Sophie Lavoie", "2026-10-31",
           "In progress", None)]),
        ("pandemic", "Alternate-site seating plan out of date", "Low", []),
        ("vendor-loss", "Exit plan for the payroll provider not tested", "Medium",
         [("Run a payroll exit-plan walkthrough with PayWorks", "Fatima Diallo", "2026-11-30", "Open", None)]),
        ("dc-shutdown", "Two legacy servers did not restart automatically after power-on", "Low",
         [("Fix start-up order of legacy servers", "Ahmed Haddad", "2026-07-15", "Open", None)]),
        ("INC-2025-011", "Storage bucket public by default; regulator notified after 81.5 hours", "High",
         [("Enforce private-by-default storage policy in all EU accounts", "Priya Raman", "2025-12-31",
           "Closed", "2025-12-15"),
          ("Run a 72-hour notification drill with the EU DPO", "Liam O'Sullivan", "2026-03-31", "Closed",
           "2026-03-27")]),
        ("INC-2026-008", "Payments gateway runs in a single EU region", "Medium",
         [("Add a second EU region for the payments gateway", "Sophie Lavoie", "2027-03-31", "Open", None)]),
    ]
    technical = [e for e in exercises if e.key.startswith("tech-")]
    picks = rng.sample(technical, 6)
    minor = [("Runbook step order did not match the system", "Reorder and re-test the runbook steps"),
             ("Monitoring alerts not re-pointed after failover", "Add alert re-pointing to the failover checklist"),
             ("Recovery team lacked access to the password vault", "Grant break-glass vault access to the DR team"),
             ("DNS change took longer than planned", "Lower DNS time-to-live on recovery records"),
             ("Restore verification checklist incomplete", "Complete the restore verification checklist"),
             ("Vendor escalation contact outdated", "Update vendor escalation contacts in the plan")]
    for k, (exercise, (text, action)) in enumerate(zip(picks, minor, strict=True)):
        due = exercise.date + dt.timedelta(days=60)
        closed = exercise.date + dt.timedelta(days=40)
        status, closed_on = ("Closed", closed.isoformat()) if closed < AS_OF else ("Open", None)
        owner: str | None = _owner_of(exercise.services[0])
        due_text: str | None = due.isoformat()
        if k == 0:
            due_text = None  # a corrective action without a due date
        plan.append((exercise.key, text, "Low", [(action, owner, due_text, status, closed_on)]))
    findings: list[Row] = []
    actions: list[Row] = []
    plan.sort(key=lambda p: (_source_date(p[0], by_key).isoformat(), p[1]))
    for n, (source, text, severity, acts) in enumerate(plan, start=1):
        fid = f"F-{n:03d}"
        raised = _source_date(source, by_key)
        exercise_id = by_key[source].id if source in by_key else None
        incident_id = source if source.startswith("INC-") else None
        findings.append((fid, exercise_id, incident_id, text, severity, raised))
        for action, owner, due_s, status, closed_s in acts:
            opened = raised + dt.timedelta(days=3)
            actions.append((f"CA-{len(actions) + 1:03d}", fid, action, owner, opened,
                            _d(due_s) if due_s else None, status, _d(closed_s) if closed_s else None))
    return findings, actions


def _owner_of(service_id: str) -> str | None:
    """Business owner of an example service (owners also own the actions on their services)."""
    return next(s.owner for s in EXAMPLE_SERVICES if s.id == service_id)


def _source_date(source: str, by_key: dict[str, _Exercise]) -> dt.date:
    if source in by_key:
        return by_key[source].date
    incident = next(i for i in _INCIDENTS if i["id"] == source)
    return _t(str(incident["aware"])).date() + dt.timedelta(days=7)


def _example_backups(rng: random.Random) -> list[Row]:
    """Backup runs over the 100 days before as-of for ten services, with a gap and a never-tested one."""
    start = dt.datetime(2026, 6, 22)
    end = dt.datetime(2026, 9, 30)
    rows: list[Row] = []
    for num in (1, 3, 11, 13, 14, 17, 19, 20, 22, 27):
        svc = EXAMPLE_SERVICES[num - 1]
        step = dt.timedelta(hours=FREQUENCY_HOURS[svc.frequency])
        # Jobs finish at the same minute each cycle, so the gap between runs is exactly the interval.
        when = start + dt.timedelta(hours=2, minutes=rng.randrange(0, 20))
        month_tested: set[int] = set()
        while when < end:
            status = "Success"
            if svc.id == "SVC-003" and dt.datetime(2026, 8, 14, 1) <= when <= dt.datetime(2026, 8, 14, 7):
                status = "Failed"  # storage array firmware issue: six hours without a good backup
            restore = False
            if svc.id != "SVC-020" and when.month not in month_tested and when.day >= 5 and status == "Success":
                restore = True
                month_tested.add(when.month)
            rows.append((svc.id, when.replace(second=0, microsecond=0), status, _yes(restore)))
            if svc.id == "SVC-014" and when.date() == dt.date(2026, 9, 2):
                # An ad-hoc backup before the ledger upgrade, one table skipped: not a scheduled run.
                rows.append((svc.id, when.replace(hour=14, minute=30), "Partial", "No"))
            when += step
    rows.sort(key=lambda r: (str(r[1]), str(r[0])))
    return rows


def _example_incident_rows() -> list[Row]:
    rows: list[Row] = []
    for inc in _INCIDENTS:
        def when(key: str, inc: dict[str, object] = inc) -> dt.datetime | None:
            value = inc.get(key)
            return _t(str(value)) if value else None

        register = inc.get("register")
        services = inc["services"]
        jurisdictions = inc["jur"]
        assert isinstance(services, tuple) and isinstance(jurisdictions, tuple)
        rows.append((str(inc["id"]), str(inc["title"]), when("detected"), when("aware"), _yes(bool(inc["pdb"])),
                     str(inc["harm"]) if inc["harm"] else None, _join(jurisdictions), when("regulator"),
                     when("individuals"), None if register is None else _yes(bool(register)),
                     _yes(bool(inc["major"])), when("classified"), when("initial"), when("intermediate"),
                     when("final"), _join(_svc_ids(services))))
    return rows


def _exercise_report_text(exercise: _Exercise) -> str:
    lines = [f"# Post-exercise report {exercise.id}", "",
             "Aurora Mutual Insurance, Business Continuity Office", "",
             f"- Date: {exercise.date.isoformat()}", f"- Type: {exercise.type}",
             f"- Scenario: {exercise.scenario}", f"- Services: {', '.join(exercise.services)}",
             f"- Result: {exercise.result}"]
    if exercise.recovery:
        lines.append(f"- Achieved recovery time: {exercise.recovery}")
    if exercise.loss:
        lines.append(f"- Data loss: {exercise.loss}")
    lines += ["", "## Observations", "",
              "Participants followed the plan; observations are logged as findings in the exercise log.", ""]
    return "\n".join(lines)


def _example_evidence(exercises: list[_Exercise]) -> list[EvidenceFile]:
    files: list[EvidenceFile] = []
    for exercise in exercises:
        if not exercise.report:
            continue
        collected = exercise.date + dt.timedelta(days=5)
        files.append(EvidenceFile(
            _report_path(exercise), _exercise_report_text(exercise), "post_exercise_report",
            f"Post-exercise report, {exercise.scenario}", collected, exercise.date, exercise.date,
            services=exercise.services, exercises=(exercise.id,)))
    for pid, title, _type, owner, version, approver, approved, reviewed, nums in _PLANS:
        if approver is None:
            continue  # the draft finance runbook is not in the locker yet
        files.append(EvidenceFile(
            f"plans/{pid}-v{version}.md",
            f"# {title}\n\nVersion {version}, owner {owner}, approved by {approver} on {approved}.\n"
            f"Last reviewed {reviewed}.\n", "continuity_plan", f"{title} v{version} (approved)",
            _d(reviewed), services=_svc_ids(nums)))
    for num, month in ((1, "2026-08"), (3, "2026-09"), (11, "2026-08"), (17, "2026-09"), (22, "2026-08")):
        sid = f"SVC-{num:03d}"
        files.append(EvidenceFile(
            f"backups/restore-test-{sid}-{month}.md",
            f"# Restore test {sid} {month}\n\nRestored the latest backup to the isolated recovery "
            "environment; checksums and application smoke test passed.\n", "restore_test_report",
            f"Restore test {EXAMPLE_SERVICES[num - 1].name}, {month}", _d(f"{month}-12"), services=(sid,)))
    files += [
        EvidenceFile("backups/backup-report-2026-Q3.md",
                     "# Backup success report, Q3 2026\n\nDaily job summary exported from the backup "
                     "platform; failed jobs on 2026-08-14 (billing) followed up under CHG-5521.\n",
                     "backup_report", "Backup success report Q3 2026", _d("2026-09-29"),
                     _d("2026-07-01"), _d("2026-09-29"), services=_svc_ids((1, 3, 11, 13, 14, 17, 19, 20, 22, 27))),
        EvidenceFile("governance/bc-policy-2026.md",
                     "# Business Continuity Policy\n\nApproved by the Board on 2026-02-18; scope: all "
                     "Aurora Mutual entities.\n", "bc_policy", "Business Continuity Policy 2026",
                     _d("2026-02-18")),
        EvidenceFile("governance/bia-signoff-2026.md",
                     "# BIA sign-off 2026\n\nService owners confirmed MTPD, RTO and RPO in the service "
                     "inventory on 2026-09-15.\n", "bia_report", "Business impact analysis sign-off 2026",
                     _d("2026-09-15")),
        EvidenceFile("governance/management-review-2026-03.md",
                     "# BCMS management review, March 2026\n\nAttendees: Executive Committee. Inputs: "
                     "exercise results, incidents, corrective actions, audit results.\n",
                     "management_review_minutes", "BCMS management review minutes, March 2026",
                     _d("2026-03-26")),
        EvidenceFile("governance/internal-audit-bcms-2025.md",
                     "# Internal audit of the BCMS, 2025\n\nThree minor nonconformities; see findings "
                     "register.\n", "internal_audit_report", "Internal audit report BCMS 2025",
                     _d("2025-12-05")),
        EvidenceFile("governance/risk-assessment-2026.md",
                     "# Operational risk assessment 2026\n\nRisk register reviewed by the Risk Committee.\n",
                     "risk_assessment", "Operational risk assessment 2026", _d("2026-04-15")),
        EvidenceFile("training/training-completion-2026.md",
                     "# Training completion export, 2026\n\nExport from the learning management system.\n",
                     "training_record", "Continuity training completions 2026", _d("2026-09-01")),
        EvidenceFile("incidents/breach-register-2026.md",
                     "# Privacy breach register (extract)\n\nINC-2025-002, INC-2025-006, INC-2025-011, INC-2025-012, "
                     "INC-2026-003, INC-2026-007, INC-2026-010.\n", "breach_register",
                     "Breach register extract", _d("2026-09-01")),
        EvidenceFile("incidents/INC-2025-011-dpc-notification.md",
                     "# Notification to the Data Protection Commission\n\nSubmitted 2025-11-06 18:45 "
                     "(Irish time).\n", "regulator_notification", "GDPR Art. 33 notification INC-2025-011",
                     _d("2025-11-06"), services=("SVC-009",)),
        EvidenceFile("incidents/INC-2026-003-cai-notification.md",
                     "# Déclaration à la Commission d'accès à l'information\n\nSubmitted 2026-02-18 10:30; "
                     "copy to the Office of the Privacy Commissioner of Canada.\n", "regulator_notification",
                     "Law 25 / PIPEDA notification INC-2026-003", _d("2026-02-18"), services=("SVC-002",)),
        EvidenceFile("incidents/INC-2026-008-dora-reports.md",
                     "# DORA major ICT incident reports\n\nInitial 2026-06-09 14:50, intermediate 2026-06-11 "
                     "16:00, final 2026-07-06.\n", "regulator_notification",
                     "DORA incident reports INC-2026-008", _d("2026-07-06"), services=_svc_ids((4, 9))),
        EvidenceFile("calltree/call-tree-export-2026-08.md",
                     "# Crisis call tree export, August 2026\n\nVerification round of 2026-08-12; two "
                     "entries outstanding (Facilities, Dublin).\n", "call_tree_export",
                     "Call tree export and verification round, August 2026", _d("2026-08-12")),
        EvidenceFile("procedures/claims-restore-procedure.md",
                     "# Claims database restore procedure\n\n1. Declare. 2. Promote replica. 3. Verify.\n",
                     "recovery_procedure", "Claims database restore procedure", _d("2026-05-02"),
                     services=("SVC-002",)),
    ]
    for vid, name, nums, _rto, _rpo, _contact, reviewed in _VENDORS:
        stale = vid == "V-003"
        files.append(EvidenceFile(
            f"vendors/{vid}-bc-attestation.md",
            f"# {name}: business continuity attestation\n\nReviewed by the Vendor Manager on {reviewed}.\n",
            "vendor_bc_attestation", f"{name} BC plan attestation", _d(reviewed),
            ttl_days=365 if stale else None, services=_svc_ids(nums)))
    files.sort(key=lambda f: f.path)
    return files


_ATTESTATIONS: tuple[Row, ...] = (
    ("iso22301:5.1", "Met",
     "The Executive Committee approved the BC policy and reviews BCMS performance twice a year.", None,
     "Marie-Claude Tremblay, Chief Operating Officer", _d("2026-09-15"),
     "governance/bc-policy-2026.md, governance/management-review-2026-03.md"),
    ("iso22301:7.1", "Met", "BCMS budget and a two-person continuity office are funded for 2026.", None,
     "Marie-Claude Tremblay, Chief Operating Officer", _d("2026-09-15"), None),
    ("soc2-availability:A1.1", "Partially met",
     "Capacity is monitored for tier-1 platforms; tier-2 capacity reviews start in Q4 2026.", None,
     "Ahmed Haddad, IT Disaster Recovery Coordinator", _d("2026-09-20"), None),
    ("dora:Art.11(7)", "Met", "A crisis management function is set up in Dublin and Montréal.", None,
     "Aoife Byrne, Dublin Site Lead", _d("2026-09-18"), None),
    ("nist-800-53-cp:CP-12", "Not applicable", None,
     "Aurora Mutual runs no industrial or safety-critical systems that could enter a safe mode of "
     "operation; NIST SP 800-53B selects CP-12 in no baseline.",
     "Priya Raman, Chief Information Security Officer", _d("2026-09-20"), None),
)


def _bia_review(n: int) -> dt.date:
    """When service number ``n`` last had its BIA reviewed: early 2026 for most (current at every quarter end
    of 2026), November 2024 for every eleventh (overdue against the 12-month interval)."""
    if n % 11 == 6:
        return dt.date(2024, 11, 4 + n % 20)
    return dt.date(2026, 1 + n % 3, 2 + n % 26)


def _example(seed: int) -> SyntheticOrganisation:
    rng = random.Random(seed)
    services: list[Row] = [
        (s.id, s.name, f"Tier {s.tier}", s.owner, _mtpd_text(s.mtpd), s.rto, s.rpo, s.frequency, _yes(s.personal),
         _yes(s.phi), _join(s.depends), _join(s.vendors), s.strategy, s.plan, _bia_review(n), s.notes or None)
        for n, s in enumerate(EXAMPLE_SERVICES)]
    exercises = _example_exercises(rng)
    exercise_rows: list[Row] = [
        (e.id, e.date, e.type, e.scenario, _join(e.services), e.recovery, e.loss, e.result,
         _report_path(e) if e.report else None) for e in exercises]
    findings, actions = _example_findings(exercises, rng)
    contacts: list[Row] = [(role, name, alt, phone, f"{mail}@aurora-mutual.example", channel, _yes(crit),
                            _d(verified)) for role, name, alt, phone, mail, channel, crit, verified in _CONTACTS]
    vendors: list[Row] = [(vid, name, _join(_svc_ids(nums)), _contract_text(rto), _contract_text(rpo), contact,
                           _d(reviewed)) for vid, name, nums, rto, rpo, contact, reviewed in _VENDORS]
    plans: list[Row] = [(pid, title, kind, owner, version, approver, _d(approved) if approved else None,
                         _d(reviewed), _join(_svc_ids(nums)) or None)
                        for pid, title, kind, owner, version, approver, approved, reviewed, nums in _PLANS]
    training: list[Row] = [(p, r, c, _d(d)) for p, r, c, d in _TRAINING]
    risks: list[Row] = [(rid, title, lk, imp, tr, owner, _join(_svc_ids(nums)))
                        for rid, title, lk, imp, tr, owner, nums in _RISKS]
    return SyntheticOrganisation(
        name="Aurora Mutual Insurance", as_of=AS_OF,
        tables=_tables(services, exercise_rows, findings, actions, contacts, vendors, plans, training,
                       _example_incident_rows(), risks, _example_backups(rng), backup_csv=True),
        evidence=tuple(_example_evidence(exercises)), attestations=_ATTESTATIONS)


def _tables(services: list[Row], exercises: list[Row], findings: list[Row], actions: list[Row],
            contacts: list[Row], vendors: list[Row], plans: list[Row], training: list[Row],
            incidents: list[Row], risks: list[Row], backups: list[Row], *, backup_csv: bool) -> tuple[Table, ...]:
    backup = (Table("data/backup-log.csv", None, "backup_run", BACKUP_HEADERS, backups) if backup_csv else
              Table("data/backup-log.xlsx", "Backup Log", "backup_run", BACKUP_HEADERS, backups, (12, 18, 10, 12)))
    return (
        Table("data/service-inventory-bia.xlsx", "Services", "service", SERVICE_HEADERS, services,
              (11, 34, 8, 22, 10, 10, 10, 17, 14, 7, 22, 12, 40, 10, 14, 44)),
        Table("data/exercise-log.xlsx", "Exercises", "exercise", EXERCISE_HEADERS, exercises,
              (13, 12, 16, 56, 30, 22, 11, 16, 34)),
        Table("data/exercise-log.xlsx", "Findings", "finding", FINDING_HEADERS, findings,
              (11, 13, 14, 70, 10, 12)),
        Table("data/exercise-log.xlsx", "Corrective Actions", "corrective_action", ACTION_HEADERS, actions,
              (10, 10, 66, 22, 12, 12, 12, 12)),
        Table("data/call-tree.xlsx", "Call Tree", "contact", CONTACT_HEADERS, contacts,
              (44, 22, 22, 18, 34, 26, 14, 14)),
        Table("data/vendors.csv", None, "vendor", VENDOR_HEADERS, vendors),
        Table("data/plans-and-training.xlsx", "Plan Documents", "plan_document", PLAN_HEADERS, plans,
              (10, 44, 26, 22, 12, 30, 13, 13, 40)),
        Table("data/plans-and-training.xlsx", "Training", "training_record", TRAINING_HEADERS, training,
              (22, 44, 36, 12)),
        Table("data/incident-register.xlsx", "Incident Register", "incident", INCIDENT_HEADERS, incidents,
              (14, 60, 17, 17, 12, 10, 14, 17, 17, 12, 12, 17, 17, 17, 17, 18)),
        Table("data/risk-register.xlsx", "Risk Register", "risk", RISK_HEADERS, risks,
              (8, 52, 11, 10, 11, 22, 30)),
        backup,
    )


# ---------------------------------------------------------------------------------------------------
# The synthetic organisation at any size (benchmark).

_NAME_PARTS = ("Policy", "Claims", "Billing", "Payments", "Portal", "Underwriting", "Ledger", "Payroll",
               "Reporting", "Archive", "Analytics", "Pricing", "Quotes", "Documents", "Telephony", "Identity")
_TYPES = ("Walkthrough", "Tabletop", "Simulation", "Functional", "Failover", "Full interruption")


def _synthetic(n_services: int, n_exercises: int, n_backups: int, seed: int) -> SyntheticOrganisation:
    """A procedurally grown organisation with the example's shapes and a sprinkling of its gaps."""
    rng = random.Random(seed)
    ids = [f"SVC-{i:05d}" for i in range(1, n_services + 1)]
    n_vendors = max(3, n_services // 100)
    tiers = [1 if rng.random() < 0.2 else 2 if rng.random() < 0.4 else 3 for _ in ids]
    rto = {1: (2, 4, 8), 2: (8, 24, 48), 3: (72, 120, 168)}
    services: list[Row] = []
    rtos: list[float] = []
    for i, sid in enumerate(ids):
        tier = tiers[i]
        r = float(rng.choice(rto[tier]))
        rtos.append(r)
        rpo = rng.choice((1, 4, 24)) if tier < 3 else 24
        freq = {1: "Hourly", 4: "Every 4 hours", 24: "Daily"}[rpo]
        mtpd = r * rng.choice((2, 3)) if rng.random() > 0.02 else r / 2  # about 2% with RTO > MTPD
        deps = [ids[j] for j in sorted({rng.randrange(0, i) for _ in range(rng.randrange(0, 3))})] if i else []
        if i == 2:
            deps.append(ids[1])
        if i == 1:
            deps.append(ids[2])  # one dependency cycle
        supplied_by = [f"V-{rng.randrange(1, n_vendors + 1):04d}"] if rng.random() < 0.2 else []
        services.append((sid, f"{rng.choice(_NAME_PARTS)} {rng.choice(_NAME_PARTS)} {i + 1}", f"Tier {tier}",
                         f"Owner {rng.randrange(1, 400)}" if rng.random() > 0.01 else None, _mtpd_text(mtpd),
                         r if rng.random() > 0.01 else None, float(rpo), freq, _yes(rng.random() < 0.6),
                         _yes(rng.random() < 0.05), _join(deps), _join(supplied_by), "Restore from backups",
                         f"PLN-{rng.randrange(1, max(2, n_services // 20) + 1):04d}", _bia_review(i), None))
    start = AS_OF - dt.timedelta(days=730)
    exercise_rows: list[Row] = []
    for k in range(n_exercises):
        date = start + dt.timedelta(days=rng.randrange(0, 730))
        i = rng.randrange(n_services)
        kind = rng.choice(_TYPES)
        technical = kind in ("Functional", "Failover", "Full interruption")
        minutes = int(rtos[i] * 60 * rng.uniform(0.3, 1.2)) // 5 * 5 if technical else 0
        result = "Passed" if rng.random() < 0.85 else rng.choice(("Partially passed", "Failed"))
        exercise_rows.append((f"EX-{k + 1:06d}", date, kind, f"Scenario {rng.randrange(1, 50)}", ids[i],
                              _duration_text(minutes, k % 3) if technical else None,
                              _loss_text(rng.choice((0, 5, 30, 60))) if technical else None, result, None))
    n_findings = max(1, n_exercises // 10)
    findings: list[Row] = []
    actions: list[Row] = []
    for k in range(n_findings):
        ex = exercise_rows[rng.randrange(n_exercises)] if n_exercises else None
        raised = ex[1] if ex is not None else start
        assert isinstance(raised, dt.date)
        fid = f"F-{k + 1:06d}"
        findings.append((fid, ex[0] if ex else None, None, f"Finding {k + 1}", rng.choice(("Low", "Medium", "High")),
                         raised))
        if rng.random() < 0.95:
            due = raised + dt.timedelta(days=90)
            closed = due < AS_OF and rng.random() < 0.9
            actions.append((f"CA-{len(actions) + 1:06d}", fid, f"Action for finding {k + 1}",
                            f"Owner {rng.randrange(1, 400)}", raised, due, "Closed" if closed else "Open",
                            due - dt.timedelta(days=5) if closed else None))
    n_people = max(16, n_services // 50)
    contacts: list[Row] = [(f"Role {k + 1}", f"Person {k + 1}", f"Person {k + 2}" if rng.random() > 0.05 else None,
                            f"+1 514-555-{k % 10000:04d}", f"person{k + 1}@example.org", "SMS bridge",
                            _yes(rng.random() < 0.5), AS_OF - dt.timedelta(days=rng.randrange(0, 240)))
                           for k in range(n_people)]
    vendors: list[Row] = [(f"V-{k + 1:04d}", f"Vendor {k + 1}", "", _contract_text(rng.choice((4, 8, 24))),
                           _contract_text(rng.choice((1, 4, 24))), f"vendor{k + 1}@example.org",
                           AS_OF - dt.timedelta(days=rng.randrange(0, 500))) for k in range(n_vendors)]
    n_plans = max(2, n_services // 20)
    plans: list[Row] = [(f"PLN-{k + 1:04d}", f"Recovery plan {k + 1}", "Recovery runbook", f"Owner {k + 1}", "1.0",
                         "CIO", AS_OF - dt.timedelta(days=rng.randrange(0, 500)),
                         AS_OF - dt.timedelta(days=rng.randrange(0, 450)), None) for k in range(n_plans)]
    training: list[Row] = [(f"Person {k + 1}", f"Role {k + 1}", "Continuity awareness",
                            AS_OF - dt.timedelta(days=rng.randrange(0, 420))) for k in range(n_people)]
    risks: list[Row] = [(f"R-{k + 1:05d}", f"Risk {k + 1}", rng.choice(("Low", "Medium", "High")),
                         rng.choice(("Moderate", "Major", "Severe")), "Mitigate", f"Owner {k + 1}",
                         ids[rng.randrange(n_services)]) for k in range(max(1, n_services // 20))]
    incidents = [(*row[:-1], ids[k % n_services]) for k, row in enumerate(_example_incident_rows())]
    backups: list[Row] = []
    backed = ids[: max(1, min(n_services, n_backups // 90))]
    per_service = max(1, n_backups // len(backed))
    for j in range(n_backups):
        sid = backed[j // per_service] if j // per_service < len(backed) else backed[-1]
        when = dt.datetime.combine(AS_OF, dt.time(2)) - dt.timedelta(days=per_service - j % per_service)
        backups.append((sid, when + dt.timedelta(minutes=rng.randrange(0, 30)),
                        "Success" if rng.random() < 0.97 else "Failed", _yes(j % per_service == 5)))
    return SyntheticOrganisation(
        name="Aurora Mutual Insurance (synthetic)", as_of=AS_OF,
        tables=_tables(services, exercise_rows, findings, actions, contacts, vendors, plans, training, incidents,
                       risks, backups, backup_csv=False))


def build_organisation(size: Literal["small", "large"] | int = "small",
                       seed: int = DEFAULT_SEED) -> SyntheticOrganisation:
    """The example organisation (``"small"``), the benchmark's (``"large"``), or ``size`` services.

    An integer size grows the synthetic organisation with three exercises and seven backup runs per
    service, the proportions of ``"large"`` (20,000 services, 60,000 exercises, 140,000 backup runs).
    """
    if size == "small":
        return _example(seed)
    if size == "large":
        return _synthetic(LARGE_SERVICES, LARGE_EXERCISES, LARGE_BACKUP_RUNS, seed)
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        return _synthetic(size, 3 * size, 7 * size, seed)
    raise ValueError(f"size must be 'small', 'large' or a positive number of services, not {size!r}")


# ---------------------------------------------------------------------------------------------------
# Writing the workspace.

def _config_text(org: SyntheticOrganisation) -> str:
    sources = "\n".join(
        f"  - path: {t.file}\n    entity: {t.entity}" + (f"\n    sheet: {t.sheet}" if t.sheet else "")
        for t in org.tables)
    return f"""\
# itscm-audit workspace settings. Every policy value below is the default, written out so you can
# see and change it; delete a line to go back to the default.
organisation:
  name: {org.name}
  sector: insurance
  # Where the organisation operates: decides which privacy and sector laws apply.
  jurisdictions: [CA, CA-QC, CA-ON, EU, US]

scope:
  description: >-
    IT services supporting insurance, claims, payments and the US health plan of Aurora Mutual
    Insurance and its subsidiaries (Montréal head office, Ontario operations, Dublin, US health plan).
  services: all

# Frameworks in scope (ids of the shipped catalogues: itscm-audit frameworks list).
frameworks:
  - iso22301
  - itil4-scm
  - iso27001-2022
  - nist-800-53-cp
  - nist-csf2-rc
  - soc2-availability
  - dora
  - gdpr
  - pipeda
  - quebec-law25
  - hipaa
  - phipa

# Assess as of this date unless --as-of is given.
as_of: {org.as_of.isoformat()}

policy:
  critical_tiers: [1, 2]             # tiers whose services must be exercised and recoverable on time
  exercise_window_months: 12         # every critical service exercised within this window
  plan_review_months: 12             # plans reviewed at least this often
  contact_verification_months: 6     # call-tree entries verified at least this often
  training_interval_months: 12       # role holders trained at least this often
  restore_test_window_months: 12     # a restore test per backed-up service within this window
  backup_period_days: 90             # how far back the backup-gap rule looks
  corrective_action_grace_days: 0    # days past the due date before an action counts as overdue
  partial_threshold: 0.8             # share of compliant records for 'partially met' instead of 'not met'
  evidence_ttl_days:                 # overrides of the evidence types' time-to-live (evidence/types.yaml)
    post_exercise_report: 760        # keep the two-year exercise cycle's reports current (default 400)
  notification_clocks:
    gdpr_regulator_hours: 72         # GDPR Art. 33: supervisory authority within 72 hours of awareness
    dora_initial_hours_after_classification: 4
    dora_initial_hours_after_awareness: 24
    dora_intermediate_hours: 72
    dora_final_months: 1             # DORA final report: one month after the latest intermediate report
    pipeda_record_months: 24         # PIPEDA: keep breach records for 24 months
    pipeda_feasible_hours: 72        # "as soon as feasible": flag delays beyond this for review
    law25_prompt_hours: 72           # Quebec Law 25 "promptly": flag delays beyond this for review
    hipaa_individuals_days: 60
  date_order: auto                   # auto, dmy or mdy for ambiguous dates like 06/07/2025

# The organisation's spreadsheets: which table each file (and sheet) holds.
sources:
{sources}
"""


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _write_csv(path: Path, table: Table) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    write_bytes_atomic(path, buffer.getvalue().encode("utf-8"))


_README_LINES = (
    ("About this workbook", True),
    ("Service inventory and business impact analysis (BIA) of Aurora Mutual Insurance.", False),
    ("Owner: Business Continuity Office. Reviewed with service owners each September.", False),
    ("", False),
    ("How to read the columns", True),
    ("Tier: Tier 1 = restore first (critical), Tier 2 = within a day or two, Tier 3 = can wait.", False),
    ("MTPD: maximum tolerable period of disruption, as agreed with the business (e.g. 3 days).", False),
    ("RTO (hrs) / RPO (hrs): recovery time and recovery point objectives, in hours.", False),
    ("Depends On / Vendors: service ids and vendor ids, comma-separated.", False),
    ("Plan Ref: the plan document that recovers the service (see plans-and-training.xlsx).", False),
)


def _write_xlsx(path: Path, tables: Sequence[Table], *, services_title: bool, readme: bool,
                constant_memory: bool) -> None:
    """One workbook as a person keeps it: bold header, widths, frozen header, filter; fixed timestamps."""
    with atomic_path(path) as tmp:
        _build_xlsx(tmp, path, tables, services_title=services_title, readme=readme,
                    constant_memory=constant_memory)


def _build_xlsx(tmp: Path, path: Path, tables: Sequence[Table], *, services_title: bool, readme: bool,
                constant_memory: bool) -> None:
    import xlsxwriter
    import xlsxwriter.exceptions

    workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": constant_memory, "strings_to_formulas": False,
                                              "strings_to_urls": False, "strings_to_numbers": False})
    workbook.set_properties({"title": path.stem.replace("-", " ").title(), "author": "Business Continuity Office",
                             "company": "Aurora Mutual Insurance", "created": SNAPSHOT})
    header_fmt = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                      "valign": "top"})
    title_fmt = workbook.add_format({"bold": True, "font_size": 14})
    key_fmt = workbook.add_format({"bold": True})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
    time_fmt = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
    for table in tables:
        assert table.sheet is not None
        sheet = workbook.add_worksheet(table.sheet)
        for col, width in enumerate(table.widths):
            sheet.set_column(col, col, width)
        header_row = 0
        if services_title and table.entity == "service":
            header_row = SERVICES_HEADER_ROW - 1
            sheet.write_string(0, 0, "Aurora Mutual Insurance: IT service inventory and business impact analysis",
                               title_fmt)
            sheet.write_string(1, 0, "Prepared by", key_fmt)
            sheet.write_string(1, 1, "Business Continuity Office")
            sheet.write_string(1, 3, "Last updated", key_fmt)
            sheet.write_datetime(1, 4, dt.datetime(2026, 9, 15), date_fmt)
        sheet.freeze_panes(header_row + 1, 1 if table.entity == "service" else 0)
        for col, name in enumerate(table.headers):
            sheet.write_string(header_row, col, name, header_fmt)
        for r, row in enumerate(table.rows, start=header_row + 1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, time_fmt)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
                else:
                    sheet.write_number(r, c, value)
        if table.rows:
            sheet.autofilter(header_row, 0, header_row + len(table.rows), len(table.headers) - 1)
    if readme:
        sheet = workbook.add_worksheet("Read me")
        sheet.set_column(0, 0, 100)
        for r, (text, bold) in enumerate(_README_LINES):
            if text:
                sheet.write_string(r, 0, text, key_fmt if bold else None)
    try:
        workbook.close()
    except xlsxwriter.exceptions.FileCreateError as exc:
        raise OSError(f"cannot create {path.name}: {exc}") from None


def _write_attestations(path: Path, rows: Sequence[Row]) -> None:
    table = Table("attestations.xlsx", "Attestations", "attestation", ATTESTATION_HEADERS, list(rows),
                  (26, 15, 60, 60, 40, 12, 50))
    howto = Table("attestations.xlsx", "How to fill in", "help", ("Column", "What to write"), [
        ("Target", "A requirement as framework:id (iso22301:5.1) or a control objective (OBJ-...)."),
        ("Status", "Met, Partially met, Not met or Not applicable."),
        ("Statement", "What is in place, in one or two sentences an auditor can check."),
        ("Justification", "Required for Not applicable: why the requirement does not apply."),
        ("Attested By", "Name and role of the person who signs the statement."),
        ("Date", "When it was attested (YYYY-MM-DD)."),
        ("Evidence", "Comma-separated paths under evidence/, e.g. governance/bc-policy-2026.md."),
    ], (16, 100))
    _write_xlsx(path, [table, howto], services_title=False, readme=False, constant_memory=False)


def _manifest_text(files: Sequence[EvidenceFile]) -> str:
    import yaml

    items = []
    for f in files:
        item: dict[str, object] = {"path": f.path, "sha256": f.sha256, "type": f.type, "title": f.title,
                                   "collected": f.collected}
        if f.effective_from:
            item["effective_from"] = f.effective_from
        if f.effective_to:
            item["effective_to"] = f.effective_to
        if f.ttl_days is not None:
            item["ttl_days"] = f.ttl_days
        item["services"] = list(f.services)
        item["exercises"] = list(f.exercises)
        item["objectives"] = []
        items.append(item)
    header = ("# Evidence locker: every file under evidence/ with its SHA-256, type and links.\n"
              "# Paths are relative to evidence/. Recompute hashes with: itscm-audit evidence add\n")
    body = yaml.safe_dump({"items": items}, sort_keys=False, allow_unicode=True, width=110,
                          default_flow_style=None)
    return header + body


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise WorkspaceError("exists and is not a folder", location=str(target),
                             hint="choose a new folder name for the workspace")
    if target.is_dir() and any(target.iterdir()):
        raise WorkspaceError("folder is not empty; refusing to overwrite it", location=str(target),
                             hint="choose a new or empty folder")


def write_workspace(target: Path, size: Literal["small", "large"] | int = "small",
                    seed: int = DEFAULT_SEED) -> Path:
    """Write a complete workspace for the organisation of ``size`` into ``target`` (new or empty)."""
    return write_organisation(target, build_organisation(size, seed))


def write_organisation(target: Path, org: SyntheticOrganisation) -> Path:
    """Write ``org`` as a workspace: itscm.yaml, data/, evidence/ with manifest, attestations, reports/."""
    target = Path(target)
    _check_target(target)
    try:
        large = sum(len(t.rows) for t in org.tables) > 50_000
        (target / "data").mkdir(parents=True, exist_ok=True)
        (target / "evidence").mkdir(exist_ok=True)
        (target / "reports").mkdir(exist_ok=True)
        by_file: dict[str, list[Table]] = {}
        for table in org.tables:
            by_file.setdefault(table.file, []).append(table)
        for file, tables in by_file.items():
            path = target / file
            if path.suffix == ".csv":
                _write_csv(path, tables[0])
            else:
                service_book = any(t.entity == "service" for t in tables)
                _write_xlsx(path, tables, services_title=service_book, readme=service_book,
                            constant_memory=large)
        for item in org.evidence:
            path = target / "evidence" / item.path
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(path, item.text.encode("utf-8"))
        write_bytes_atomic(target / "evidence" / "manifest.yaml", _manifest_text(org.evidence).encode("utf-8"))
        _write_attestations(target / "attestations.xlsx", org.attestations)
        write_bytes_atomic(target / "itscm.yaml", _config_text(org).encode("utf-8"))
    except OSError as exc:
        raise WorkspaceError(f"cannot write the workspace: {exc.strerror or exc}",
                             location=str(exc.filename or target)) from None
    return target


def init_workspace(target: Path) -> Path:
    """Create the example workspace of Aurora Mutual Insurance in ``target`` (new or empty folder)."""
    return write_workspace(Path(target), "small", DEFAULT_SEED)
