"""BIA rules on small hand-made inventories: completeness, RTO/MTPD, RPO/backup, dependencies, vendors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from itscm_audit.config import Organisation, Policy, Scope, WorkspaceConfig
from itscm_audit.model import OrgData, Service, SourceRef, Vendor
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules import RULES, RuleContext

AS_OF = date(2026, 9, 30)
H = timedelta(hours=1)


def src(row: int, sheet: str = "Services") -> SourceRef:
    return SourceRef(file="t.xlsx", sheet=sheet, row=row)


def run(rule_id: str, scope: Scope | None = None, policy: Policy | None = None,
        frameworks: tuple[str, ...] = ("iso22301",), sector: str | None = None, **data: Any) -> CheckResult:
    config = WorkspaceConfig(organisation=Organisation(name="T", sector=sector), scope=scope or Scope(),
                             frameworks=frameworks)
    ctx = RuleContext(data=OrgData(**data), as_of=AS_OF, policy=policy or Policy(), config=config)
    return RULES[rule_id].evaluate(ctx)


def by_id(check: CheckResult) -> dict[str, EntityResult]:
    return {e.entity_id: e for e in check.entities}


HEADERS = {"tier": "Tier", "owner": "Business Owner", "mtpd": "MTPD", "rto": "RTO (hrs)", "rpo": "RPO (hrs)",
           "backup_interval": "Backup Frequency", "personal_data": "Personal Data?", "phi": "PHI?",
           "depends_on": "Depends On", "vendors": "Vendors", "bia_reviewed": "Last BIA Review"}
"""The officer's own headers, as the importer records them: rules cite these, never headers of their own."""


def svc(sid: str, row: int, **kw: Any) -> Service:
    base: dict[str, Any] = {"id": sid, "name": sid, "tier": 1, "owner": "Ops", "mtpd": 24 * H, "rto": 4 * H,
                            "rpo": 1 * H, "backup_interval": 1 * H, "personal_data": False, "phi": False,
                            "source": src(row), "columns": HEADERS}
    base.update(kw)
    return Service(**base)


def test_bia_complete_names_missing_fields_and_columns() -> None:
    check = run("bia.complete", services=(svc("A", 5), svc("B", 6, rto=None, owner=None)))
    res = by_id(check)
    assert res["A"].outcome == Outcome.PASS
    assert res["B"].outcome == Outcome.FAIL
    assert res["B"].message == "missing owner, RTO"
    assert [(s.row, s.column) for s in res["B"].sources] == [(6, "Business Owner"), (6, "RTO (hrs)")]
    assert res["B"].metric == 2
    assert check.outcome == Outcome.FAIL  # 1 of 2 is below the 0.8 threshold


def test_bia_complete_says_which_facts_the_register_has_no_column_for() -> None:
    no_tier_owner = {k: v for k, v in HEADERS.items() if k not in ("tier", "owner")}
    res = by_id(run("bia.complete", services=(svc("A", 5, tier=None, owner=None, rto=None, columns=no_tier_owner),)))
    assert res["A"].outcome == Outcome.FAIL
    assert res["A"].message == "missing RTO; no tier or owner column in 't.xlsx', sheet 'Services'"


def test_out_of_scope_services_are_not_applicable() -> None:
    services = (svc("A", 5, rto=None), svc("B", 6, rto=None, in_scope=False), svc("C", 7, rto=None))
    check = run("bia.complete", scope=Scope(exclusions=("C",)), services=services)
    res = by_id(check)
    assert res["B"].outcome == Outcome.NOT_APPLICABLE
    assert res["C"].outcome == Outcome.NOT_APPLICABLE
    assert check.metrics["total"] == 1


def test_critical_rto_rpo_only_critical_tiers() -> None:
    services = (svc("A", 5, tier=1, rpo=None), svc("B", 6, tier=3, rto=None), svc("C", 7, tier=None))
    res = by_id(run("bia.critical_rto_rpo", services=services))
    assert res["A"].outcome == Outcome.FAIL and res["A"].message == "missing RPO"
    assert res["B"].outcome == Outcome.NOT_APPLICABLE
    assert res["C"].outcome == Outcome.NO_DATA
    res = by_id(run("bia.critical_rto_rpo", policy=Policy(critical_tiers=(1, 2, 3)), services=services))
    assert res["B"].outcome == Outcome.FAIL


def test_data_flags_asks_for_both_flags_where_a_privacy_and_a_health_law_are_in_scope() -> None:
    res = by_id(run("bia.data_flags", frameworks=("iso22301", "gdpr", "hipaa"),
                    services=(svc("A", 5), svc("B", 6, phi=None), svc("C", 7, personal_data=None, phi=None))))
    assert res["A"].outcome == Outcome.PASS
    assert res["B"].outcome == Outcome.FAIL and res["B"].message == "missing PHI flag (needed for HIPAA)"
    assert res["B"].sources[0].column == "PHI?"
    assert res["C"].message == "missing personal-data flag (needed for GDPR), PHI flag (needed for HIPAA)"


def test_data_flags_asks_no_phi_flag_of_a_payments_firm() -> None:
    """A payments firm under GDPR and DORA holds no health information: no PHI column is expected."""
    no_phi_column = {k: v for k, v in HEADERS.items() if k != "phi"}
    services = (svc("A", 5, phi=None, columns=no_phi_column), svc("B", 6, phi=None, personal_data=None,
                                                                  columns=no_phi_column))
    check = run("bia.data_flags", frameworks=("iso22301", "gdpr", "dora"), sector="payments", services=services)
    res = by_id(check)
    assert res["A"].outcome == Outcome.PASS and "PHI" not in res["A"].message
    assert res["B"].outcome == Outcome.FAIL and res["B"].message == "missing personal-data flag (needed for GDPR)"
    assert not any("PHI" in e.message for e in check.entities)


def test_data_flags_not_needed_without_a_privacy_or_health_law() -> None:
    services = (svc("A", 5, personal_data=None, phi=None), svc("B", 6, in_scope=False))
    check = run("bia.data_flags", frameworks=("iso22301", "iso27001-2022"), sector="retail", services=services)
    res = by_id(check)
    assert res["A"].outcome == Outcome.NOT_APPLICABLE and res["A"].message.startswith("flags not needed")
    assert res["B"].message == "out of scope"
    assert check.outcome == Outcome.NO_DATA and check.failing == ()
    assert check.summary.startswith("Personal-data and PHI flags not needed: no framework in scope depends on them")


def test_data_flags_phi_matters_in_the_health_sector_even_without_a_health_law() -> None:
    res = by_id(run("bia.data_flags", frameworks=("iso22301",), sector="Regional hospital",
                    services=(svc("A", 5, phi=None),)))
    assert res["A"].outcome == Outcome.FAIL and res["A"].message == "missing PHI flag (needed for health sector)"


def test_data_flags_says_when_the_register_has_no_column_for_a_flag_that_matters() -> None:
    no_phi_column = {k: v for k, v in HEADERS.items() if k != "phi"}
    res = by_id(run("bia.data_flags", frameworks=("iso22301", "phipa"), services=(
        svc("A", 5, phi=None, columns=no_phi_column),)))
    assert res["A"].outcome == Outcome.FAIL
    assert res["A"].message == "no PHI flag column in 't.xlsx', sheet 'Services' (needed for PHIPA)"


def test_rto_within_mtpd_message_in_hours() -> None:
    services = (svc("A", 5, rto=8 * H, mtpd=4 * H), svc("B", 6, rto=4 * H, mtpd=4 * H), svc("C", 7, mtpd=None))
    res = by_id(run("bia.rto_within_mtpd", services=services))
    assert res["A"].outcome == Outcome.FAIL
    assert res["A"].message == "RTO 8h exceeds MTPD 4h"
    assert res["A"].metric == 4.0
    assert res["A"].sources[0].column == "RTO (hrs)"
    assert res["B"].outcome == Outcome.PASS
    assert res["C"].outcome == Outcome.NO_DATA


def test_rpo_backup_interval() -> None:
    services = (svc("A", 5, rpo=4 * H, backup_interval=24 * H), svc("B", 6, rpo=4 * H, backup_interval=4 * H))
    res = by_id(run("bia.rpo_backup_interval", services=services))
    assert res["A"].outcome == Outcome.FAIL
    assert res["A"].message == "backup every 24h cannot achieve RPO 4h"
    assert res["A"].metric == 20.0
    assert res["B"].outcome == Outcome.PASS  # interval equal to the RPO achieves it


def test_dependency_rto_reports_the_chain() -> None:
    services = (svc("WEB", 5, rto=2 * H, depends_on=("APP",)), svc("APP", 6, rto=2 * H, depends_on=("DB",)),
                svc("DB", 7, rto=8 * H), svc("ALONE", 8))
    res = by_id(run("bia.dependency_rto", services=services))
    assert res["WEB"].outcome == Outcome.FAIL
    assert "WEB -> APP -> DB" in res["WEB"].message
    assert "RTO 2h is shorter than DB RTO 8h" in res["WEB"].message
    assert res["WEB"].metric == 6.0
    assert res["WEB"].sources[0].column == "Depends On"
    assert res["APP"].outcome == Outcome.FAIL
    assert res["ALONE"].outcome == Outcome.NOT_APPLICABLE
    assert res["DB"].outcome == Outcome.NOT_APPLICABLE


def test_dependency_cycle_is_reported_without_looping() -> None:
    services = (svc("A", 5, rto=4 * H, depends_on=("B",)), svc("B", 6, rto=4 * H, depends_on=("C",)),
                svc("C", 7, rto=4 * H, depends_on=("A",)), svc("D", 8, rto=8 * H, depends_on=("A",)))
    res = by_id(run("bia.dependency_rto", services=services))
    assert res["A"].outcome == Outcome.FAIL
    assert "dependency cycle A -> B -> C -> A" in res["A"].message
    assert res["D"].outcome == Outcome.FAIL  # reaches the cycle through A
    assert "dependency cycle" in res["D"].message


def test_dependency_rto_passes_when_dependencies_are_faster() -> None:
    services = (svc("A", 5, rto=8 * H, depends_on=("B", "GHOST")), svc("B", 6, rto=4 * H))
    res = by_id(run("bia.dependency_rto", services=services))
    assert res["A"].outcome == Outcome.PASS
    assert "unknown dependency GHOST" in res["A"].message


def test_vendor_terms_looser_than_critical_service() -> None:
    services = (svc("A", 5, rto=4 * H, rpo=1 * H, vendors=("V1",)), svc("B", 6, tier=3, vendors=("V3",)))
    vendors = (Vendor(columns={"contract_rto": "Contract RTO", "contract_rpo": "Contract RPO"}, id="V1", name="Cloud", contract_rto=48 * H, contract_rpo=1 * H, source=src(2, "vendors")),
               Vendor(id="V2", name="DR site", services=("A",), contract_rto=2 * H, source=src(3, "vendors")),
               Vendor(id="V3", name="Print", services=("B",), contract_rto=99 * H, source=src(4, "vendors")))
    res = by_id(run("bia.vendor_terms", services=services, vendors=vendors))
    assert res["V1"].outcome == Outcome.FAIL
    assert res["V1"].message == "contract RTO 48h looser than A RTO 4h"
    assert res["V1"].metric == 44.0
    assert res["V1"].sources[0].column == "Contract RTO"
    assert res["V2"].outcome == Outcome.FAIL and "no contract RPO for A" in res["V2"].message
    assert res["V3"].outcome == Outcome.NOT_APPLICABLE


def test_bia_reviewed_without_a_review_column_is_one_not_assessed_sentence() -> None:
    no_column = {k: v for k, v in HEADERS.items() if k != "bia_reviewed"}
    check = run("bia.reviewed", services=tuple(svc(f"S{i}", i + 2, columns=no_column) for i in range(50)))
    assert check.outcome == Outcome.NO_DATA
    assert check.entities == ()  # not fifty rows saying the same thing: the register keeps no such date
    assert "no BIA review date column" in check.summary and "attest" in check.summary


def test_bia_reviewed_with_the_column_but_a_blank_cell_names_that_service() -> None:
    check = run("bia.reviewed", services=(svc("A", 2, bia_reviewed=AS_OF - timedelta(days=30)),
                                          svc("B", 3)))
    res = by_id(check)
    assert res["A"].outcome == Outcome.PASS
    assert res["B"].outcome == Outcome.NO_DATA and res["B"].sources[0].column == "Last BIA Review"
