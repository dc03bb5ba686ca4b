"""Frameworks proposed from jurisdictions and sector (data), and what a sector means for applicability."""

from __future__ import annotations

import pytest

from itscm_audit.catalog import Applicability, Requirement
from itscm_audit.errors import UsageError
from itscm_audit.model import OrgData
from itscm_audit.result import Status
from itscm_audit.scoping import (
    ALWAYS,
    FLAG_LAWS,
    SELECTION,
    canonical_sectors,
    choose_frameworks,
    flags_that_matter,
    implied_jurisdictions,
    normalise_jurisdictions,
    sector_matches,
)
from itscm_audit.status import evaluate_requirement


@pytest.mark.parametrize("codes,sector,added", [
    (["CA"], None, ["pipeda"]),
    (["CA-QC"], None, ["pipeda", "quebec-law25"]),
    (["CA-ON"], "health", ["pipeda", "phipa"]),
    (["CA-ON"], "finance", ["pipeda"]),
    (["EU"], None, ["gdpr"]),
    (["EU"], "finance", ["gdpr", "dora"]),
    (["ie"], "Insurance", ["gdpr", "dora"]),
    (["US"], "health", ["hipaa"]),
    (["US"], "Regional health network", ["hipaa"]),
    (["US"], "logistics", []),
    (["CA,CA-QC", "EU"], "credit union", ["pipeda", "quebec-law25", "gdpr", "dora"]),
    ([], "finance", []),
])
def test_frameworks_follow_jurisdictions_and_sector(codes: list[str], sector: str | None, added: list[str]) -> None:
    jurisdictions, _notes = normalise_jurisdictions(codes)
    choice = choose_frameworks(jurisdictions, sector)
    assert choice.frameworks == (*ALWAYS, *added)
    assert all(choice.reasons[f] == "always" for f in ALWAYS)


def test_implied_jurisdictions_are_added_and_said() -> None:
    assert normalise_jurisdictions(["ca-qc", "FR"]) == (("CA-QC", "FR", "CA", "EU"),
                                                      ("CA added: CA-QC is in CA", "EU added: FR is in EU"))
    assert choose_frameworks(("EU",), "banking").reasons["dora"] == "EU + financial sector"
    with pytest.raises(UsageError) as err:
        normalise_jurisdictions(["Quebec"])
    assert err.value.location == "--jurisdiction"


def test_every_selected_framework_is_shipped() -> None:
    from itscm_audit.onboarding import shipped_catalogues

    shipped = {c.framework.id for c in shipped_catalogues().catalogues}
    assert {s.framework for s in SELECTION} | set(ALWAYS) <= shipped
    assert {s.sector for s in SELECTION if s.sector} <= {"financial", "health"}


def test_sector_words() -> None:
    assert canonical_sectors("Caisse populaire") == {"financial"}
    assert canonical_sectors("Santé") == {"health"}
    assert canonical_sectors("Health insurance") == {"financial", "health"}
    assert canonical_sectors("Logistics") == {"logistics"}
    assert canonical_sectors(None) == frozenset()
    assert sector_matches("finance", ("financial", "insurance", "banking"))
    assert not sector_matches("transport", ("financial", "insurance", "banking"))


def test_applicability_reads_the_sector_through_the_same_words() -> None:
    """A credit union that wrote 'finance' is a financial entity for DORA, not 'not applicable'."""
    dora = Requirement(id="Art.11", title="Response and recovery",
                       applicability=Applicability(sectors=("financial", "insurance", "banking")))
    for sector in ("finance", "Banking", "credit union"):
        rs = evaluate_requirement("dora", dora, [], {}, {}, {}, None, OrgData(), (), sector)
        assert rs.status == Status.NOT_ASSESSED, sector
    rs = evaluate_requirement("dora", dora, [], {}, {}, {}, None, OrgData(), (), "public transport")
    assert rs.status == Status.NOT_APPLICABLE


def test_jurisdictions_in_the_data_imply_their_wider_jurisdiction_without_raising() -> None:
    """An incident row or itscm.yaml saying IE or CA-QC also means EU or CA (GDPR, PIPEDA apply)."""
    assert implied_jurisdictions(["IE"]) == ("IE", "EU")
    assert implied_jurisdictions([" ca-qc ", "CA"]) == ("CA-QC", "CA")
    assert implied_jurisdictions(["Quebec", ""]) == ("QUEBEC",)  # not a code: kept, never an error
    assert implied_jurisdictions([]) == ()


def test_flag_laws_are_exactly_the_catalogues_whose_applicability_reads_the_flag() -> None:
    """A service flag is asked for where it can change a status, and only there."""
    from itscm_audit.onboarding import shipped_catalogues

    reads: dict[str, set[str]] = {"personal_data": set(), "phi": set()}
    for c in shipped_catalogues().catalogues:
        for r in c.requirements:
            if r.applicability is not None and r.applicability.personal_data:
                reads["personal_data"].add(c.framework.id)
            if r.applicability is not None and r.applicability.phi:
                reads["phi"].add(c.framework.id)
    assert {flag: set(laws) for flag, laws in FLAG_LAWS.items()} == reads


def test_flags_matter_only_where_a_law_in_scope_or_the_sector_reads_them() -> None:
    assert flags_that_matter(("iso22301", "gdpr", "dora"), "payments") == {"personal_data": ("GDPR",)}
    assert flags_that_matter(("iso22301", "pipeda"), "retail") == {"personal_data": ("PIPEDA",)}
    assert flags_that_matter(("iso22301", "iso27001-2022"), "retail") == {}
    assert flags_that_matter(("iso22301", "pipeda", "phipa"), "Regional hospital") == {
        "personal_data": ("PIPEDA",), "phi": ("PHIPA", "health sector")}
    assert flags_that_matter(("iso22301",), "health care") == {"phi": ("health sector",)}
