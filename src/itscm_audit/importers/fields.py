"""What the importer knows about each model field: its type, its parser, its bounds, what it refers to.

A column maps to a field of the table's entity (``rto``) or, on a log that carries its follow-up on
the same row, to a field of a linked finding or corrective action (``finding.description``,
``corrective_action.owner``). Every step of the import asks this module, so one field is read the
same way wherever it appears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.vocabulary import LOW_CONFIDENCE
from itscm_audit.model import ENTITY_MODEL, EntityKind

CHILD_KINDS: dict[str, EntityKind] = {
    "finding": EntityKind.FINDING,
    "corrective_action": EntityKind.CORRECTIVE_ACTION,
}
"""Prefixes of the fields a parent row carries for its linked records (``finding.description``)."""

CHILDREN_OF: dict[EntityKind, frozenset[EntityKind]] = {
    EntityKind.EXERCISE: frozenset({EntityKind.FINDING, EntityKind.CORRECTIVE_ACTION}),
    EntityKind.INCIDENT: frozenset({EntityKind.FINDING, EntityKind.CORRECTIVE_ACTION}),
    EntityKind.VENDOR: frozenset({EntityKind.FINDING, EntityKind.CORRECTIVE_ACTION}),
    EntityKind.FINDING: frozenset({EntityKind.CORRECTIVE_ACTION}),
}
"""The records a row of each entity may carry: a drill log's row its finding and corrective action, a
POA&M row (a weakness) its milestone, owner, due date and status."""
PARENTS_WITH_CHILDREN = frozenset(CHILDREN_OF)
"""Entities whose rows may carry linked records."""

ID_FIELDS = frozenset({"id", "service_id", "exercise_id", "finding_id", "incident_id", "plan_id", "vendor_id"})

DONE_DATES: dict[EntityKind, frozenset[str]] = {
    EntityKind.SERVICE: frozenset({"bia_reviewed"}),
    EntityKind.FINDING: frozenset({"raised"}),
    EntityKind.CORRECTIVE_ACTION: frozenset({"opened", "closed"}),
    EntityKind.CONTACT: frozenset({"last_verified"}),
    EntityKind.VENDOR: frozenset({"bc_plan_reviewed"}),
    EntityKind.PLAN_DOCUMENT: frozenset({"approved", "last_reviewed"}),
    EntityKind.TRAINING_RECORD: frozenset({"completed"}),
    EntityKind.INCIDENT: frozenset({"detected", "aware", "regulator_notified", "individuals_notified",
                                    "classified_major", "initial_report", "intermediate_report", "final_report"}),
    EntityKind.BACKUP_RUN: frozenset({"completed"}),
}
"""Dates of events that have already happened: more than a year after the as-of date is a mistake.
(An exercise date or a due date may lie ahead: plans are not mistakes.)"""

BLANK_MEANS_NO: dict[EntityKind, frozenset[str]] = {
    EntityKind.BACKUP_RUN: frozenset({"restore_test"}),
}
"""Tick-box columns of a log: an empty cell under a column the log keeps says the thing was not done
(a backup run whose "Restore verified" cell is empty was not a tested restore). The import says so,
once per column; a log without the column leaves the fact unsaid (``None``)."""

VOCABULARY_OF: dict[tuple[EntityKind, str], str] = {
    (EntityKind.EXERCISE, "type"): "exercise_type",
    (EntityKind.EXERCISE, "result"): "exercise_result",
    (EntityKind.CORRECTIVE_ACTION, "status"): "action_status",
    (EntityKind.BACKUP_RUN, "status"): "backup_status",
    (EntityKind.SERVICE, "status"): "lifecycle",
    (EntityKind.INCIDENT, "risk_of_harm"): "risk_of_harm",
}
"""The value table that reads each vocabulary field (extended under ``vocabularies:`` in itscm.yaml)."""


def split_field(kind: EntityKind, name: str) -> tuple[EntityKind, str]:
    """``(exercise, "finding.description")`` -> ``(finding, "description")``; own fields unchanged."""
    prefix, dot, rest = name.partition(".")
    if dot and prefix in CHILD_KINDS:
        return CHILD_KINDS[prefix], rest
    return kind, name


def field_exists(kind: EntityKind, name: str) -> bool:
    """Whether ``name`` is a field of ``kind`` (or of a record a ``kind`` row may carry)."""
    owner, base = split_field(kind, name)
    if owner is not kind and owner not in CHILDREN_OF.get(kind, ()):
        return False
    return base in ENTITY_MODEL[owner].model_fields and base not in ("source", "extra", "columns", "raw",
                                                                      "not_given")


def mappable_fields(kind: EntityKind) -> list[str]:
    """Every field a column of a ``kind`` table may feed, own fields first (for messages and ``--map``)."""
    own = [n for n in ENTITY_MODEL[kind].model_fields if field_exists(kind, n)]
    if kind not in PARENTS_WITH_CHILDREN:
        return own
    children = [f"{prefix}.{n}" for prefix, child in CHILD_KINDS.items() if child in CHILDREN_OF[kind]
                for n in ENTITY_MODEL[child].model_fields
                if field_exists(kind, f"{prefix}.{n}") and n not in ("id", "exercise_id", "incident_id",
                                                                      "finding_id", "vendor_id")]
    return own + children


def kind_of(kind: EntityKind, name: str) -> str:
    """Parser kind of a field: duration, date, datetime, bool, tier, list, enum, vocabulary, id or text."""
    owner, base = split_field(kind, name)
    if (owner, base) in VOCABULARY_OF and V.enum_values(ENTITY_MODEL[owner].model_fields[base].annotation) is None:
        return "vocabulary"
    what = V.field_kind(ENTITY_MODEL[owner].model_fields[base].annotation)
    if what == "text" and base in ID_FIELDS:
        return "id"
    return what


@dataclass
class ParserSettings:
    """What a column's parser depends on beyond its header: vocabularies, bounds, the officer's words."""

    vocab: dict[str, dict[str, str]]
    confirmed: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per table, the words the workspace defined itself: never reported as judged interpretations."""
    as_of: dt.date | None = None

    def doubtful(self, table: str) -> frozenset[str]:
        return LOW_CONFIDENCE.get(table, frozenset()) - self.confirmed.get(table, frozenset())

    def latest_done(self) -> dt.date | None:
        return None if self.as_of is None else self.as_of + V.DONE_DATE_MARGIN


def compile_parser(kind: EntityKind, name: str, header: str, settings: ParserSettings,
                   evidence: dict[str, int] | None = None) -> V.Parser:
    """The parser of one column: unit from the header, the field's vocabulary, date bounds."""
    owner, base = split_field(kind, name)
    annotation = ENTITY_MODEL[owner].model_fields[base].annotation
    what = kind_of(kind, name)
    vocab = settings.vocab
    if what == "duration":
        if base == "backup_interval":
            return V.duration_parser(V.header_unit(header), vocab.get("backup_frequency"), V.NO_BACKUP_WORDS,
                                     settings.doubtful("backup_frequency"))
        return V.duration_parser(V.header_unit(header))
    if what in ("date", "datetime"):
        latest = settings.latest_done() if base in DONE_DATES.get(owner, ()) else None
        return V.date_parser(what == "datetime", evidence, latest)
    if what == "bool":
        return V.bool_parser(vocab["yes_no"], settings.doubtful("yes_no"))
    if what == "tier":
        return V.tier_parser(vocab["tier"], settings.confirmed.get("tier", frozenset()))
    if what == "list":
        return V.list_parser()
    if what == "vocabulary":
        table_name = VOCABULARY_OF[(owner, base)]
        return V.vocab_parser(vocab.get(table_name, {}), table_name, settings.doubtful(table_name))
    if what == "enum":
        enum = V.enum_values(annotation)
        assert enum is not None
        table_name = VOCABULARY_OF[(owner, base)]
        words = V.vocab_parser(vocab.get(table_name, {}), table_name, settings.doubtful(table_name))
        members = {m.value: m for m in enum}

        def parse_enum(value: Any) -> Any:
            found = words(value)
            guess = found if isinstance(found, V.Guess) else None
            word = guess.value if guess is not None else found
            if word not in members:
                raise V.ValueProblem(f"vocabulary maps {V.text(value)!r} to {word!r}, which is not one of "
                                     f"{', '.join(members)}")
            return V.Guess(members[word], guess.why) if guess is not None else members[word]

        return parse_enum
    if what == "id":
        return V.id_parser()
    return V.text_parser()


def vocabulary_words(kind: EntityKind, name: str, vocab: dict[str, dict[str, str]]) -> frozenset[str]:
    """The words a vocabulary column reads as values, so "Pending" as a status is never "not given"."""
    owner, base = split_field(kind, name)
    table = VOCABULARY_OF.get((owner, base))
    if table is None:
        what = kind_of(kind, name)
        table = {"bool": "yes_no", "tier": "tier"}.get(what)
        if what == "duration" and base == "backup_interval":
            table = "backup_frequency"
    return frozenset(vocab.get(table, {})) if table else frozenset()
