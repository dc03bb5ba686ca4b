"""Which registers the officer's files hold: one answer, asked by every rule and by the next actions.

A register is *imported* when the import read a table of its kind, or found its columns on another
register's rows (the "Issue found" and "Action owner" columns of a one-sheet drill log are its findings
and corrective-action registers), or records of its kind came out of the import some other way. An
imported register that lacks an entity's row shows a real gap, and the rules fail that entity. A
register that was not imported at all shows nothing: the rules that need it say so and what to do
(import it, or attest), and are not assessed rather than failing every entity (a false finding in a
signed pack is worse than a blank that says why).

The pipeline decides the set once (:func:`imported_registers`), gives it to the rules
(``RuleContext.registers``) and keeps it in the result (``Facts.registers``), where the next actions
read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from itscm_audit.model import ENTITY_FIELD, EntityKind, OrgData

if TYPE_CHECKING:
    from itscm_audit.importers.context import ImportResult
    from itscm_audit.result import AssessmentResult

REGISTER_NAMES: dict[EntityKind, str] = {
    EntityKind.SERVICE: "service inventory / BIA",
    EntityKind.EXERCISE: "exercise (drill) log",
    EntityKind.FINDING: "findings register",
    EntityKind.CORRECTIVE_ACTION: "corrective-action register",
    EntityKind.CONTACT: "call tree",
    EntityKind.VENDOR: "vendor list",
    EntityKind.PLAN_DOCUMENT: "register of plans and policies",
    EntityKind.TRAINING_RECORD: "training register",
    EntityKind.INCIDENT: "incident register",
    EntityKind.RISK: "risk register",
    EntityKind.BACKUP_RUN: "backup log",
}
"""How a compliance officer names the register that holds each kind of record."""

CARRIED_ON: dict[EntityKind, str] = {EntityKind.FINDING: "finding", EntityKind.CORRECTIVE_ACTION: "action"}
"""Registers a parent row may carry (a one-sheet drill log): their columns are looked for there too."""


def with_records(data: OrgData) -> frozenset[EntityKind]:
    """The kinds that have at least one record: what "imported" means for records given by hand."""
    return frozenset(kind for kind, fld in ENTITY_FIELD.items() if getattr(data, fld))


def imported_registers(imported: ImportResult) -> frozenset[EntityKind]:
    """Every kind of register the import holds: a table of that kind (even one whose rows were all
    rejected or skipped: the officer gave it), a column of it on another register's rows, or records."""
    from itscm_audit.importers.fields import split_field

    kinds = {EntityKind(a.entity) for a in imported.accounts}
    for table in imported.mappings:
        kinds.add(table.entity)
        kinds.update(split_field(table.entity, c.field)[0] for c in table.columns if c.field)
    return frozenset(kinds) | with_records(imported.data)


def registers_of(result: AssessmentResult) -> frozenset[EntityKind]:
    """The registers ``result`` was assessed with (results stored before this was kept: those with records)."""
    if result.facts.registers is None:
        return with_records(result.data)
    return frozenset(EntityKind(k) for k in result.facts.registers)


def names(kinds: Iterable[EntityKind]) -> str:
    """``call tree or training register``."""
    said = [REGISTER_NAMES[k] for k in kinds]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]


def not_imported(kinds: Sequence[EntityKind]) -> str:
    """The summary of a rule that cannot run for want of registers: which, and what to do."""
    carried = " or ".join(CARRIED_ON[k] for k in kinds if k in CARRIED_ON)
    also = f" (nor {carried} columns on the exercise or incident rows)" if carried else ""
    them = "it" if len(kinds) == 1 else "them"
    return (f"No {names(kinds)} imported{also}, so this is not assessed rather than failed: import {them} (put "
            f"the file in data/ and list it under 'sources:' in itscm.yaml), or attest the requirements it decides "
            "in attestations.xlsx.")


def add_evidence(types: Sequence[str], options: str = "") -> str:
    """What to do when no evidence of ``types`` is in the locker at all: add it, or attest."""
    kinds = " or ".join(types)
    example = types[0] if types else "TYPE"
    return (f"add evidence of type {kinds} (itscm-audit evidence add DIR FILE --type {example}{options}), or "
            "attest it in attestations.xlsx")
