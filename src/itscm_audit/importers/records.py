"""Step 5 of an import: build located records from the values read on each row.

Records are built without pydantic re-validating values the importer has already typed (the
equivalent of ``model_construct``, minus its per-call field walk, which dominated the import time of
large sheets). A row of an exercise, incident or vendor log that carries its finding and corrective
action yields those linked records too, with ids derived from the parent's id (``EX-07-F1``,
``EX-07-A1``), so a one-sheet drill log is assessed as fully as three separate sheets.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.vocabulary import NO_FINDING_PATTERN, NO_FINDING_WORDS, normalise_value
from itscm_audit.model import ActionStatus, EntityKind, SourceRef

_SLOTS = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")

EMPTY: dict[str, str] = {}
"""Shared by every record with no raw text or nothing "not given" (records are frozen, never mutated)."""

FINDING_SUFFIX = "-F1"
"""Id of the finding written on a parent's row: the parent's id and this suffix (``DR-25-03-F1``)."""
ACTION_SUFFIX = "-A1"
"""Id of the corrective action written on a parent's row (``DR-25-03-A1``)."""

_PARENT_LINK = {EntityKind.EXERCISE: "exercise_id", EntityKind.INCIDENT: "incident_id",
                EntityKind.VENDOR: "vendor_id"}


def slot_setters(model: type[Any]) -> tuple[Callable[[Any, Any], None], ...]:
    """The ``__set__`` of the descriptors ``object.__setattr__(record, name, ...)`` would call for each of
    :data:`_SLOTS` (found on the class as Python finds them); calling them directly saves a look-up per
    attribute of every record."""
    return tuple(inspect.getattr_static(model, name).__set__ for name in _SLOTS)


class Builder:
    """Build a record from values the importer has already typed, without pydantic re-validating them.

    Equivalent to ``Model.model_construct`` (what pydantic documents for trusted data) minus its
    per-call field walk, which dominated the import time of large sheets.
    """

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.all_fields = set(model.model_fields)
        """Shared by every record built here (pydantic copies it before any change)."""
        self.template: dict[str, Any] = {}
        """Every field in declaration order (so JSON keeps the model's order), with its default."""
        self.factories: dict[str, Any] = {}
        self.fast = not model.__pydantic_post_init__ and not model.__pydantic_root_model__
        self.setters = slot_setters(model)
        for name, info in model.model_fields.items():
            if info.default_factory is not None:
                self.factories[name] = info.default_factory
            self.template[name] = None if info.is_required() or info.default_factory else info.default

    def __call__(self, values: dict[str, Any]) -> Any:
        if not self.fast:
            return self.model.model_construct(**values)
        data = {**self.template, **values}
        for name, factory in self.factories.items():
            if name not in values:
                data[name] = factory()
        return self.make(data)

    def adopt_all(self, rows: list[dict[str, Any]], skip: set[int]) -> list[Any]:
        """Records whose dicts already hold every field in the model's order (see ``rows.row_function``):
        each dict becomes the record's ``__dict__`` as it is."""
        if not self.fast:
            return [self.model.model_construct(**values) for i, values in enumerate(rows) if i not in skip]
        model, fields_set = self.model, self.all_fields
        new = object.__new__
        set_dict, set_fields, set_extra, set_private = self.setters
        out: list[Any] = []
        append = out.append
        for i, values in enumerate(rows):
            if i in skip:
                continue
            record = new(model)
            set_dict(record, values)
            set_fields(record, fields_set)
            set_extra(record, None)
            set_private(record, None)
            append(record)
        return out

    def make(self, data: dict[str, Any]) -> Any:
        record = object.__new__(self.model)
        object.__setattr__(record, "__dict__", data)
        object.__setattr__(record, "__pydantic_fields_set__", self.all_fields)
        object.__setattr__(record, "__pydantic_extra__", None)
        object.__setattr__(record, "__pydantic_private__", None)
        return record


SOURCE_FIELDS = {"file", "sheet", "row", "column", "value"}
SOURCE_SETTERS = slot_setters(SourceRef)


def source_ref(file: str, sheet: str | None, row: int | None, column: str | None, value: str | None) -> SourceRef:
    """A :class:`SourceRef` built directly, like the records themselves (see :class:`Builder`)."""
    ref = object.__new__(SourceRef)
    set_dict, set_fields, set_extra, set_private = SOURCE_SETTERS
    set_dict(ref, {"file": file, "sheet": sheet, "row": row, "column": column, "value": value})
    set_fields(ref, SOURCE_FIELDS)
    set_extra(ref, None)
    set_private(ref, None)
    return ref


def _says_no_finding(text: str) -> bool:
    """"None", "None noted", "RAS", and the same in two languages ("None / Aucune")."""
    sides = [normalise_value(side) for side in text.split(" / ")]
    return all(side in NO_FINDING_WORDS or NO_FINDING_PATTERN.fullmatch(side) is not None for side in sides)


def split_children(parent: EntityKind, record: dict[str, Any], headers: dict[str, dict[str, str]],
                   ) -> list[tuple[EntityKind, dict[str, Any]]]:
    """Take the ``finding.*`` and ``corrective_action.*`` values off a parent row's record and make the
    linked records (none when the row carries no follow-up). ``record`` must hold ``id`` and ``source``."""
    parts: dict[str, dict[str, Any]] = {"finding": {}, "corrective_action": {}}
    raw_parts: dict[str, dict[str, str]] = {"finding": {}, "corrective_action": {}}
    gaps: dict[str, dict[str, str]] = {"finding": {}, "corrective_action": {}}
    for key in [k for k in record if "." in k]:
        prefix, _dot, name = key.partition(".")
        value = record.pop(key)
        if value is not None:
            parts[prefix][name] = value
    for store, target in ((record.get("raw"), raw_parts), (record.get("not_given"), gaps)):
        if store and any("." in k for k in store):
            for key in [k for k in store if "." in k]:
                prefix, _dot, name = key.partition(".")
                target[prefix][name] = store[key]
            record["raw" if target is raw_parts else "not_given"] = {
                k: v for k, v in store.items() if "." not in k} or EMPTY
    finding, action = parts["finding"], parts["corrective_action"]
    said = finding.get("description", raw_parts["finding"].get("description"))
    if isinstance(said, str) and _says_no_finding(said):
        # "None", "RAS", or "Nil" (also read as "not given"): the row raised no finding
        finding.pop("description", None)
        if not finding and "description" not in action:
            return []  # "None": no finding, so an assignee or a state on the row is the row's own, not a fix
    if not finding and not action:
        return []
    parent_id = str(record["id"])
    src: SourceRef = record["source"]
    f_headers = headers.get("finding", {})
    a_headers = headers.get("corrective_action", {})
    out: list[tuple[EntityKind, dict[str, Any]]] = []
    if parent is EntityKind.FINDING:
        finding_id = parent_id  # a POA&M row: the weakness is the row itself, its milestone the action
    else:
        finding_id = parent_id + FINDING_SUFFIX
        f_column = f_headers.get("description") or next(iter(f_headers.values()), None)
        description = finding.get("description")
        out.append((EntityKind.FINDING, {
            "id": finding_id, _PARENT_LINK[parent]: parent_id, **finding,
            "source": source_ref(src.file, src.sheet, src.row, f_column,
                                 None if description is None else V.text(description)[:200]),
            "extra": {}, "columns": f_headers, "raw": raw_parts["finding"] or EMPTY,
            "not_given": gaps["finding"] or EMPTY,
        }))
    if action:
        action_id = parent_id + ACTION_SUFFIX
        if parent is EntityKind.FINDING:
            # a POA&M item is one id for the weakness and its milestone; the milestone is opened when the
            # weakness was identified, unless the row says otherwise (the column is cited)
            action_id = parent_id
            raised_in = headers.get("", {}).get("raised")
            if action.get("opened") is None and record.get("raised") is not None and raised_in:
                action["opened"] = record["raised"]
                a_headers = {**a_headers, "opened": raised_in}
        if "status" not in action and action.get("closed") is not None:
            action["status"] = ActionStatus.CLOSED
        a_column = a_headers.get("owner") or a_headers.get("description") or next(iter(a_headers.values()), None)
        a_value = action.get("owner") or action.get("description")
        out.append((EntityKind.CORRECTIVE_ACTION, {
            "id": action_id, "finding_id": finding_id, **action,
            "source": source_ref(src.file, src.sheet, src.row, a_column,
                                 None if a_value is None else V.text(a_value)[:200]),
            "extra": {}, "columns": a_headers, "raw": raw_parts["corrective_action"] or EMPTY,
            "not_given": gaps["corrective_action"] or EMPTY,
        }))
    return out
