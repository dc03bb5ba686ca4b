"""Status semantics: rules -> objectives -> requirements through typed crosswalk rows."""

from __future__ import annotations

from datetime import date

from itscm_audit.catalog import (
    Applicability,
    DecidedBy,
    Mapping,
    Objective,
    RationaleType,
    Relationship,
    Requirement,
)
from itscm_audit.model import (
    Attestation,
    AttestationStatus,
    EvidenceItem,
    OrgData,
    Service,
    SourceRef,
)
from itscm_audit.result import (
    CheckResult,
    EntityResult,
    EvidenceState,
    EvidenceStatus,
    ObjectiveStatus,
    Outcome,
    Status,
)
from itscm_audit.status import combine, evaluate_objectives, evaluate_requirement

SRC = SourceRef(file="data/t.xlsx", sheet="S", row=3)


def check(rule_id: str, outcome: Outcome, failing: int = 0) -> CheckResult:
    ents = tuple(EntityResult(entity="service", entity_id=f"SVC-{i}", outcome=Outcome.FAIL,
                              message="RTO missing", sources=(SRC,)) for i in range(failing))
    return CheckResult(rule_id=rule_id, title=rule_id, outcome=outcome, summary=f"{rule_id} {outcome.value}",
                       entities=ents)


def obj(oid: str, rules: tuple[str, ...] = (), ev: tuple[str, ...] = (), att_only: bool = False) -> Objective:
    return Objective(id=oid, title=oid, description="d", rules=rules, evidence_types=ev,
                     attestation_only=att_only)


def ostatus(oid: str, status: Status, rules: tuple[str, ...] = ()) -> ObjectiveStatus:
    return ObjectiveStatus(objective_id=oid, title=oid, status=status, rationale="r", rules=rules)


def mapping(oid: str, rel: Relationship, uncovered: str | None = None, covers: tuple[str, ...] = ()) -> Mapping:
    return Mapping(requirement="8.5", objective=oid, relationship=rel, rationale_type=RationaleType.FUNCTIONAL,
                   strength={Relationship.EQUAL: 10, Relationship.NOT_RELATED: 0}.get(rel, 7), rationale="why",
                   uncovered=uncovered,
                   covers=covers)


REQ = Requirement(id="8.5", title="Exercise programme")


def evidence(state: EvidenceState, etype: str = "post_exercise_report") -> EvidenceStatus:
    item = EvidenceItem(path="exercises/r.md", sha256="0" * 64, evidence_type=etype, collected=date(2025, 1, 1),
                        source=SourceRef(file="evidence/manifest.yaml", row=2))
    return EvidenceStatus(item=item, state=state, message=f"evidence/exercises/r.md {state.value} since 2026-01-01")


def req_status(mappings: list[Mapping], objectives: dict[str, ObjectiveStatus],
               att: Attestation | None = None, req: Requirement = REQ, data: OrgData | None = None,
               jurisdictions: tuple[str, ...] = ()) -> Status:
    return evaluate_requirement("iso22301", req, mappings, objectives, {}, {}, att, data or OrgData(),
                                jurisdictions).status


def test_combine() -> None:
    assert combine([Status.MET, Status.MET]) == Status.MET
    assert combine([Status.NOT_MET, Status.NOT_MET]) == Status.NOT_MET
    assert combine([Status.MET, Status.NOT_MET]) == Status.PARTIALLY_MET
    assert combine([Status.NOT_ASSESSED]) == Status.NOT_ASSESSED
    assert combine([Status.MET, Status.NOT_ASSESSED]) == Status.MET


def test_objective_from_rules() -> None:
    out = evaluate_objectives([obj("OBJ-A", ("r1", "r2"))], [check("r1", Outcome.PASS), check("r2", Outcome.FAIL, 2)],
                              [], [])
    assert out[0].status == Status.PARTIALLY_MET
    assert "r2 fail" in out[0].rationale


def test_stale_evidence_downgrades_and_says_which() -> None:
    out = evaluate_objectives([obj("OBJ-A", ("r1",), ("post_exercise_report",))], [check("r1", Outcome.PASS)],
                              [evidence(EvidenceState.STALE)], [])
    assert out[0].status == Status.PARTIALLY_MET
    assert "evidence/exercises/r.md stale since 2026-01-01" in out[0].rationale
    fresh = evaluate_objectives([obj("OBJ-A", ("r1",), ("post_exercise_report",))], [check("r1", Outcome.PASS)],
                                [evidence(EvidenceState.FRESH)], [])
    assert fresh[0].status == Status.MET


def test_attestation_only_objective_needs_attestation() -> None:
    o = obj("OBJ-LEAD", att_only=True)
    assert evaluate_objectives([o], [], [], [])[0].status == Status.NOT_ASSESSED
    att = Attestation(target="OBJ-LEAD", status=AttestationStatus.MET, attested_by="CEO", date=date(2026, 9, 1),
                      source=SRC)
    res = evaluate_objectives([o], [], [], [att])[0]
    assert res.status == Status.MET and "CEO" in res.rationale


def test_attestation_never_hides_failing_data() -> None:
    att = Attestation(target="OBJ-A", status=AttestationStatus.MET, attested_by="COO", source=SRC)
    res = evaluate_objectives([obj("OBJ-A", ("r1",))], [check("r1", Outcome.FAIL, 1)], [], [att])[0]
    assert res.status == Status.NOT_MET
    assert "the data finding stands" in res.rationale


def test_equal_and_subset_carry_status_over() -> None:
    for rel in (Relationship.EQUAL, Relationship.SUBSET_OF):
        for st in (Status.MET, Status.PARTIALLY_MET, Status.NOT_MET):
            assert req_status([mapping("OBJ-A", rel)], {"OBJ-A": ostatus("OBJ-A", st)}) == st


def test_intersects_caps_at_partially_met_and_names_the_uncovered_part() -> None:
    objectives = {"OBJ-A": ostatus("OBJ-A", Status.MET)}
    m = [mapping("OBJ-A", Relationship.INTERSECTS_WITH, uncovered="scenario design")]
    rs = evaluate_requirement("iso22301", REQ, m, objectives, {}, {}, None, OrgData(), ())
    assert rs.status == Status.PARTIALLY_MET
    assert "not covered: scenario design" in rs.rationale
    assert req_status([mapping("OBJ-A", Relationship.SUPERSET_OF)], {"OBJ-A": ostatus("OBJ-A", Status.NOT_MET)}) \
        == Status.NOT_MET


def test_attestation_covers_the_rest_of_a_partial_mapping() -> None:
    att = Attestation(target="iso22301:8.5", status=AttestationStatus.MET, attested_by="BCM lead", source=SRC)
    m = [mapping("OBJ-A", Relationship.INTERSECTS_WITH)]
    assert req_status(m, {"OBJ-A": ostatus("OBJ-A", Status.MET)}, att) == Status.MET


def test_full_met_but_partial_failing_is_partially_met() -> None:
    m = [mapping("OBJ-A", Relationship.EQUAL), mapping("OBJ-B", Relationship.INTERSECTS_WITH)]
    objs = {"OBJ-A": ostatus("OBJ-A", Status.MET), "OBJ-B": ostatus("OBJ-B", Status.NOT_MET)}
    assert req_status(m, objs) == Status.PARTIALLY_MET


def test_attestation_only_requirement_never_silently_met() -> None:
    req = Requirement(id="5.1", title="Leadership and commitment", decided_by=DecidedBy.ATTESTATION)
    assert req_status([], {}, req=req) == Status.NOT_ASSESSED
    att = Attestation(target="iso22301:5.1", status=AttestationStatus.MET, attested_by="CEO", source=SRC)
    assert req_status([], {}, att, req=req) == Status.MET


def test_not_applicable_needs_conditions_or_justified_attestation() -> None:
    req = Requirement(id="x", title="PHI", applicability=Applicability(phi=True))
    svc = Service(id="S1", name="s", phi=False, source=SRC)
    assert req_status([], {}, req=req, data=OrgData(services=(svc,))) == Status.NOT_APPLICABLE
    svc_phi = svc.model_copy(update={"phi": True})
    assert req_status([], {}, req=req, data=OrgData(services=(svc_phi,))) == Status.NOT_ASSESSED
    eu = Requirement(id="y", title="EU only", applicability=Applicability(jurisdictions=("EU",)))
    assert req_status([], {}, req=eu, jurisdictions=("CA",)) == Status.NOT_APPLICABLE
    na = Attestation(target="iso22301:8.5", status=AttestationStatus.NOT_APPLICABLE,
                     justification="No outsourced processes", attested_by="CISO", source=SRC)
    rs = evaluate_requirement("iso22301", REQ, [], {}, {}, {}, na, OrgData(), ())
    assert rs.status == Status.NOT_APPLICABLE and "No outsourced processes" in rs.rationale


def test_a_register_without_the_flag_does_not_make_a_law_not_applicable() -> None:
    """A BIA with no PHI column says nothing about PHI: HIPAA and PHIPA stay assessed, not set aside."""
    req = Requirement(id="x", title="PHI", applicability=Applicability(phi=True))
    unflagged = OrgData(services=(Service(id="S1", name="s", source=SRC), Service(id="S2", name="t", source=SRC)))
    assert req_status([], {}, req=req, data=unflagged) == Status.NOT_ASSESSED
    one_says_no = OrgData(services=(Service(id="S1", name="s", phi=False, source=SRC),
                                    Service(id="S2", name="t", source=SRC)))
    assert req_status([], {}, req=req, data=one_says_no) == Status.NOT_APPLICABLE
    personal = Requirement(id="y", title="Personal data", applicability=Applicability(personal_data=True))
    assert req_status([], {}, req=personal, data=unflagged) == Status.NOT_ASSESSED


def test_not_related_rows_do_not_count() -> None:
    m = [mapping("OBJ-A", Relationship.NOT_RELATED)]
    assert req_status(m, {"OBJ-A": ostatus("OBJ-A", Status.MET)}) == Status.NOT_ASSESSED


def test_failing_entities_traced_to_rows() -> None:
    objs = {"OBJ-A": ostatus("OBJ-A", Status.NOT_MET, rules=("r1",))}
    rs = evaluate_requirement("iso22301", REQ, [mapping("OBJ-A", Relationship.EQUAL)], objs,
                              {"r1": check("r1", Outcome.FAIL, 30)}, {}, None, OrgData(), ())
    assert rs.rules == ("r1",)
    assert len(rs.failing) == 25 and rs.failing[0].sources[0].row == 3
    assert "30 failing entities in all" in rs.rationale


def test_sector_applicability() -> None:
    dora = Requirement(id="Art.11", title="Response and recovery",
                       applicability=Applicability(sectors=("financial", "insurance")))
    rs = evaluate_requirement("dora", dora, [], {}, {}, {}, None, OrgData(), (), "healthcare")
    assert rs.status == Status.NOT_APPLICABLE and "healthcare" in rs.rationale
    rs = evaluate_requirement("dora", dora, [], {}, {}, {}, None, OrgData(), (), "insurance")
    assert rs.status == Status.NOT_ASSESSED


def test_covered_rules_carry_status_and_the_rest_does_not() -> None:
    """The BIA objective also checks the PHI / personal-data flags; a requirement that covers only the BIA
    fields is not failed by missing flags, and names what was checked."""
    objs = {"OBJ-BIA": ostatus("OBJ-BIA", Status.PARTIALLY_MET, rules=("bia.complete", "bia.data_flags"))}
    checks = {"bia.complete": check("bia.complete", Outcome.PASS),
              "bia.data_flags": check("bia.data_flags", Outcome.FAIL, failing=2)}
    subset = [mapping("OBJ-BIA", Relationship.SUBSET_OF, covers=("bia.complete",))]
    rs = evaluate_requirement("iso22301", REQ, subset, objs, checks, {}, None, OrgData(), ())
    assert rs.status == Status.MET
    assert rs.rules == ("bia.complete",) and rs.failing == ()
    assert rs.contributions[0].covers == ("bia.complete",)
    assert "OBJ-BIA through bia.complete (subset of, strength 7) is met" in rs.rationale
    whole = evaluate_requirement("iso22301", REQ, [mapping("OBJ-BIA", Relationship.SUBSET_OF)], objs, checks, {},
                                 None, OrgData(), ())
    assert whole.status == Status.PARTIALLY_MET and len(whole.failing) == 2
    flags_only = [mapping("OBJ-BIA", Relationship.INTERSECTS_WITH, "u", covers=("bia.data_flags",))]
    assert req_status_with(flags_only, objs, checks) == Status.NOT_MET


def req_status_with(mappings: list[Mapping], objectives: dict[str, ObjectiveStatus],
                    checks: dict[str, CheckResult]) -> Status:
    return evaluate_requirement("iso22301", REQ, mappings, objectives, checks, {}, None, OrgData(), ()).status


def test_gdpr_33_1_is_not_failed_by_a_missed_article_34_notice() -> None:
    """Issue 12: Art. 33(1) covers the authority notice of the GDPR objective, not the Art. 34 one."""
    from itscm_audit.catalog import shipped_catalogue_set

    cs = shipped_catalogue_set()
    rows = [m for m in cs.mappings["gdpr"] if m.requirement == "Art.33(1)"]
    obj = cs.objective("OBJ-GDPR-NOTIFICATION")
    assert set(obj.rules) == {"privacy.gdpr_notification", "privacy.gdpr_communication"}
    checks = [check("privacy.gdpr_notification", Outcome.PASS),
              check("privacy.gdpr_communication", Outcome.FAIL, failing=1)]
    objectives = {o.objective_id: o for o in evaluate_objectives(cs.objectives, checks, [], [])}
    assert objectives["OBJ-GDPR-NOTIFICATION"].status == Status.PARTIALLY_MET
    req = cs.catalogue("gdpr").requirement("Art.33(1)")
    eu = OrgData(services=(Service(id="S1", name="s", personal_data=True, source=SRC),))
    rs = evaluate_requirement("gdpr", req, rows, objectives, {c.rule_id: c for c in checks}, {}, None, eu, ("EU",))
    assert rs.rules == ("privacy.gdpr_notification",) and rs.failing == ()
    authority = next(c for c in rs.contributions if c.objective_id == "OBJ-GDPR-NOTIFICATION")
    assert authority.objective_status == Status.MET
    assert "OBJ-GDPR-NOTIFICATION through privacy.gdpr_notification, regulator_notification (intersects with" \
        in rs.rationale
    assert "privacy.gdpr_communication" not in rs.rationale
    assert rs.status == Status.PARTIALLY_MET  # the data cannot show the reasons for a late notice
    dpo = Attestation(target="gdpr:Art.33(1)", status=AttestationStatus.MET, attested_by="DPO", source=SRC)
    rs = evaluate_requirement("gdpr", req, rows, objectives, {c.rule_id: c for c in checks}, {}, dpo, eu, ("EU",))
    assert rs.status == Status.MET and "The rest is attested met by DPO" in rs.rationale
    late = [check("privacy.gdpr_notification", Outcome.FAIL, failing=1), checks[1]]
    objectives = {o.objective_id: o for o in evaluate_objectives(cs.objectives, late, [], [])}
    rs = evaluate_requirement("gdpr", req, rows, objectives, {c.rule_id: c for c in late}, {}, None, eu, ("EU",))
    assert rs.status == Status.NOT_MET and len(rs.failing) == 1
    art34 = cs.catalogue("gdpr").requirement("Art.34(1)")
    rows34 = [m for m in cs.mappings["gdpr"] if m.requirement == "Art.34(1)"]
    rs34 = evaluate_requirement("gdpr", art34, rows34, objectives, {c.rule_id: c for c in late}, {}, None, eu,
                                ("EU",))
    assert rs34.rules == ("privacy.gdpr_communication",) and rs34.status == Status.NOT_MET


def test_evidence_only_part_decided_by_its_evidence() -> None:
    objs = evaluate_objectives([obj("OBJ-X", ("r1",), ("post_exercise_report",))], [check("r1", Outcome.FAIL, 1)],
                               [evidence(EvidenceState.FRESH)], [])
    by_id = {o.objective_id: o for o in objs}
    assert by_id["OBJ-X"].status == Status.NOT_MET
    m = [mapping("OBJ-X", Relationship.SUBSET_OF, covers=("post_exercise_report",))]
    rs = evaluate_requirement("iso22301", REQ, m, by_id, {"r1": check("r1", Outcome.FAIL, 1)},
                              {"exercises/r.md": evidence(EvidenceState.FRESH)}, None, OrgData(), ())
    assert rs.status == Status.MET and rs.rules == () and [e.item.path for e in rs.evidence] == ["exercises/r.md"]


def test_headings_are_not_scored_beside_their_paragraphs() -> None:
    """DORA Art. 11, 12 and 19 group their paragraphs: only the paragraphs get a status and count in the score."""
    from itscm_audit.catalog import shipped_catalogue_set
    from itscm_audit.status import evaluate_requirements, summarise

    cs = shipped_catalogue_set()
    reqs = evaluate_requirements(cs, ["dora"], [], [], [], [], OrgData(), ("EU",), "banking")
    ids = {r.requirement_id for r in reqs}
    headings = {r.id for r in cs.catalogue("dora").requirements if r.heading}
    assert {"Art.11", "Art.12", "Art.19"} <= headings and not ids & headings
    assert {"Art.11(4)", "Art.11(6)", "2024/1774 Art.25(5)"} <= ids
    summary = summarise(cs, ["dora"], reqs)[0]
    assert sum(summary.counts.values()) == len(cs.catalogue("dora").requirements) - len(headings)


def test_contribution_label_names_what_was_checked() -> None:
    from itscm_audit.result import Contribution

    part = Contribution(objective_id="OBJ-A", relationship=Relationship.INTERSECTS_WITH, strength=7,
                        objective_status=Status.MET, rationale="r", covers=("r1", "post_exercise_report"))
    assert part.objective_label == "OBJ-A through r1, post_exercise_report"
    assert part.model_copy(update={"covers": ()}).objective_label == "OBJ-A"


def test_a_definition_is_not_assessable_and_says_why() -> None:
    from itscm_audit.catalog import shipped_catalogue_set

    definition = shipped_catalogue_set().catalogue("quebec-law25").requirement("3.6")
    rs = evaluate_requirement("quebec-law25", definition, [], {}, {}, {}, None, OrgData(), ())
    assert rs.status == Status.NOT_ASSESSED
    assert rs.rationale == "Not assessable by itself: a definition, used by ss. 3.5, 3.7 and 3.8."


def test_evidence_only_objective_is_downgraded_once_and_says_from_what() -> None:
    """Issue 16: an objective met by its evidence whose only item went stale is partially met, "downgraded
    from met", never "not met, downgraded from partially met"; every rationale opens with its status."""
    o = obj("OBJ-RISK", ev=("risk_assessment",))
    stale = evaluate_objectives([o], [], [evidence(EvidenceState.STALE, "risk_assessment")], [])[0]
    assert stale.status == Status.PARTIALLY_MET
    assert stale.rationale.startswith("Partially met: 1 item(s) of type risk_assessment in the evidence locker, "
                                      "but evidence relied on is not current")
    assert "downgraded from met to partially met" in stale.rationale
    fresh = evaluate_objectives([o], [], [evidence(EvidenceState.FRESH, "risk_assessment")], [])[0]
    assert (fresh.status, fresh.rationale) == (
        Status.MET, "Met: 1 item(s) of type risk_assessment in the evidence locker.")
    none = evaluate_objectives([o], [], [], [])[0]  # none at all: not assessed, saying what to add (issue 18)
    assert (none.status, none.rationale) == (
        Status.NOT_ASSESSED, "Not assessed: no evidence of type risk_assessment in the evidence locker; add "
        "evidence of type risk_assessment (itscm-audit evidence add DIR FILE --type risk_assessment), or attest "
        "it in attestations.xlsx.")


def test_rule_verdicts_are_counted_in_the_rationale() -> None:
    out = evaluate_objectives([obj("OBJ-A", ("r1", "r2", "r3"))],
                              [check("r1", Outcome.PASS), check("r2", Outcome.FAIL), check("r3", Outcome.NO_DATA)],
                              [], [])[0]
    assert out.status == Status.PARTIALLY_MET
    assert out.rationale.startswith("Partially met: of its 3 rules, 1 passes, 1 fails, 1 had no data.")
    one = evaluate_objectives([obj("OBJ-B", ("r1",))], [check("r1", Outcome.FAIL)], [], [])[0]
    assert one.rationale.startswith("Not met: its rule fails.")


def test_evidence_only_objective_with_none_of_its_type_waits_for_evidence_or_an_attestation() -> None:
    """Issue 18: nothing of the type in the locker leaves the objective open (not assessed, saying what to
    add); an attestation then decides it; evidence that is there but missing on disk or changed keeps
    today's downgrade, never 'not assessed'."""
    o = obj("OBJ-POLICY", ev=("bc_policy",))
    att = Attestation(target="OBJ-POLICY", status=AttestationStatus.MET, attested_by="Dana", date=date(2026, 9, 1),
                      source=SRC)
    attested = evaluate_objectives([o], [], [], [att])[0]
    assert attested.status == Status.MET and "attested met by Dana on 2026-09-01" in attested.rationale
    for state in (EvidenceState.MISSING, EvidenceState.CHANGED):
        weak = evaluate_objectives([o], [], [evidence(state, "bc_policy")], [])[0]
        assert weak.status == Status.PARTIALLY_MET and "downgraded from met to partially met" in weak.rationale
    # the requirement it decides says what would decide it, from the objective and from rules without data
    none = evaluate_objectives([o, obj("OBJ-TRAINED", ("training.current",))],
                               [check("training.current", Outcome.NO_DATA)], [], [])
    rs = evaluate_requirement("iso22301", REQ, [mapping("OBJ-POLICY", Relationship.EQUAL),
                                                mapping("OBJ-TRAINED", Relationship.INTERSECTS_WITH)],
                              {s.objective_id: s for s in none}, {"training.current": check("training.current",
                                                                                            Outcome.NO_DATA)},
                              {}, None, OrgData(), ())
    assert rs.status == Status.NOT_ASSESSED
    assert rs.rationale.startswith(
        "What would decide it: OBJ-POLICY: no evidence of type bc_policy in the evidence locker; add evidence of "
        "type bc_policy (itscm-audit evidence add DIR FILE --type bc_policy), or attest it in attestations.xlsx. "
        "training.current no_data No data yet for the objectives behind it: OBJ-POLICY (equal, strength 10) is "
        "not assessed;")
