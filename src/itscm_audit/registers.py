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

The same holds one level down, for a column: a register that has no column for a fact does not say
"no" (:func:`lacks_column`). Every record carries the import's mapping of its table (``Record.columns``,
the officer's header per field), so a rule can tell an empty cell (the register keeps the fact and this
row leaves it blank) from a fact the register does not keep at all; and a register's own identity (its
file and sheet name, :func:`register_label`, :func:`named_as`) can answer for its rows where that is the
honest reading: the rows of a privacy incident register are breaches recorded in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from itscm_audit.model import ENTITY_FIELD, EntityKind, OrgData, Record
from itscm_audit.scoping import names_any

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


def lacks_column(record: Record, field: str) -> bool:
    """True when ``record`` was read from a register with no column for ``field`` and nothing gave it a
    value: the register does not keep that fact, which is not an empty cell and never means "no".

    ``record.columns`` is the import's mapping of the record's table (field -> the officer's header); a
    value the import derived without a column (a status read from a closing date) counts as given. A
    record built by hand (no columns at all) lacks nothing: its empty fields are empty cells."""
    if not record.columns or field in record.columns or field in record.raw or field in record.not_given:
        return False
    info = type(record).model_fields.get(field)
    if info is None:
        return False
    return bool(getattr(record, field) == info.get_default(call_default_factory=True))


def every_lacks(records: Iterable[Record], field: str) -> bool:
    """True when there are records and none of their registers keeps ``field`` (see :func:`lacks_column`):
    a rule that needs it says so once instead of once per row."""
    seen = False
    for r in records:
        if not lacks_column(r, field):
            return False
        seen = True
    return seen


def register_label(record: Record) -> str:
    """The register a record was read from, as the officer names it: ``'Privacy Incident Log FY26.csv'``,
    ``'incident-register.xlsx', sheet 'Incident Register'``."""
    name = record.source.file.replace("\\", "/").rsplit("/", 1)[-1]
    sheet = record.source.sheet
    shown = sheet is not None and sheet != name.rsplit(".", 1)[0]  # a CSV's "sheet" is its own name
    return f"{name!r}" + (f", sheet {sheet!r}" if shown else "")


REGISTER_TITLES: dict[str, tuple[str, ...]] = {
    "breach": ("breach", "breaches", "privacy", "personal data", "data protection", "gdpr", "rgpd", "phi",
               "confidentiality", "confidentialite", "renseignements personnels", "vie privee", "atteinte",
               "atteintes", "fuite de donnees"),
    "major_ict": ("major ict", "major incident", "major incidents", "major ict incidents", "dora",
                  "incident majeur", "incidents majeurs"),
}
"""Words (accents and case folded, whole words) that make a register's file or sheet name say what its
rows are: ``breach`` for a privacy / breach / confidentiality-incident register, whose rows are
personal-data breaches recorded in it; ``major_ict`` for a DORA major-incident register."""


def named_as(record: Record, kind: str) -> bool:
    """Whether the file or sheet name of the record's register says it is a register of ``kind``
    (:data:`REGISTER_TITLES`): the register's own identity, used only where it has no column to say."""
    return register_named_as(record.source.file, record.source.sheet, kind)


def register_named_as(file: str, sheet: str | None, kind: str) -> bool:
    """Whether a register's file or sheet name says it is a register of ``kind`` (see :func:`named_as`)."""
    words = REGISTER_TITLES[kind]
    stem = file.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if sheet is not None and sheet != stem and any(names_any(sheet, w) for w in REGISTER_TITLES.values()):
        return names_any(sheet, words)  # a workbook of several registers: each sheet's own name decides
    return names_any(stem, words) or (sheet is not None and names_any(sheet, words))


def no_column(register: str, what: str, example: str) -> str:
    """The summary of a rule whose fact no row of the register keeps: which, and what to do."""
    return (f"The {register} has no {what} column, so this is not assessed rather than failed: add a column "
            f"such as {example!r} to the register, or attest the requirements it decides in attestations.xlsx.")
