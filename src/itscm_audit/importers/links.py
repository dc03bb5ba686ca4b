"""Step 6 of an import: link references between records, by id or by name.

An exercise names the services it tested ("Core Banking" or "SVC-03"), a service its dependencies
and vendors, a vendor the services it supports, a finding its exercise, an action its finding, a
backup run its service. Each reference is resolved against the records imported in the same run: by
id, or by name with case, spacing and accents folded, or from a "Name (CODE)" / "CODE - Name" form.
A reference resolved by name is rewritten to the id (the text written stays in ``raw``); one that
resolves to nothing is kept as written and reported where it stands ("unknown service 'Legacy CRM'"),
so no rule ever treats it as silently absent data.
"""

from __future__ import annotations

import itertools
import operator
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.context import ImportContext, ref
from itscm_audit.importers.references import REFERENCES
from itscm_audit.importers.vocabulary import fold_accents
from itscm_audit.model import ENTITY_MODEL, EntityKind, Record, Severity

_NAME_FIELD = {EntityKind.SERVICE: "name", EntityKind.VENDOR: "name", EntityKind.PLAN_DOCUMENT: "title",
               EntityKind.FINDING: "description",
               EntityKind.INCIDENT: "title", EntityKind.EXERCISE: "scenario"}
_PUNCTUATION = re.compile(r"[\s\-_/.,:;'’\"()]+")
_WITH_CODE = re.compile(r"^(?P<name>.+?)\s*[(\[](?P<code>[^()\[\]]+)[)\]]\s*$")
_CODE_FIRST = re.compile(r"^(?P<code>\S*\d\S*)\s*(?:[-–—:|]\s*|\s)(?P<name>.+)$|^(?P<code2>\S+)\s*[-–—:|]\s*(?P<name2>.+)$")
"""``SVC-03 Core Banking``, ``SVC-03 - Core Banking``, ``CB: Core Banking`` (a code with a digit, or a separator)."""
_AMBIGUOUS = "\0ambiguous"
_CODE = re.compile(r"^[\w.#/-]*\d[\w.#/-]*$")
"""A reference written as a code (``SVC-03``, ``APP-001``): without its register, only a name is worth a warning."""


_LANGUAGES = re.compile(r"\s+/\s+|\s+\|\s+")
_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def _other_names(name: str) -> list[str]:
    """The other ways a record's name is written: each side of ``" / "`` and the name without a trailing
    bracketed note (at least four characters, so an initialism alone never names a record)."""
    out = [part for part in _LANGUAGES.split(name) if part != name]
    out += [_NOTE.sub("", text) for text in (name, *out) if _NOTE.search(text)]
    return [text.strip() for text in out if len(text.strip()) >= 4]


def fold_key(text: str) -> str:
    """``"Core-Banking "`` -> ``"core banking"``; ``"Téléphonie"`` -> ``"telephonie"``."""
    return " ".join(_PUNCTUATION.sub(" ", fold_accents(text.casefold())).split())


@dataclass
class _Index:
    """Ids of one entity's records and, built on the first reference that is not an id, their folded
    ids and names."""

    kind: EntityKind
    records: list[Record]
    ids: set[str]
    _keys: dict[str, str] | None = None

    @classmethod
    def of(cls, kind: EntityKind, records: list[Record]) -> _Index:
        ids = set(map(operator.attrgetter("id"), records))
        ids.discard(None)
        ids.discard("")
        return cls(kind, records, ids)

    @property
    def keys(self) -> dict[str, str]:
        if self._keys is None:
            keys: dict[str, str] = {fold_key(rid): rid for rid in sorted(self.ids, reverse=True)}
            name_field = _NAME_FIELD.get(self.kind)
            if name_field:
                for r in self.records:
                    name = getattr(r, name_field, None)
                    rid = str(getattr(r, "id", ""))
                    if not name or not rid:
                        continue
                    key = fold_key(str(name))
                    if key in keys and keys[key] != rid and fold_key(rid) != key:
                        keys[key] = _AMBIGUOUS
                    else:
                        keys.setdefault(key, rid)
                # each language of a bilingual name ("e-Prescribing Gateway / Passerelle e-Rx") and a name
                # without its bracketed note ("Pharmacy Dispensing (Rx)") also name the record, below whole names
                other: dict[str, str] = {}
                for r in self.records:
                    name = getattr(r, name_field, None)
                    rid = str(getattr(r, "id", ""))
                    if not name or not rid:
                        continue
                    for alt in _other_names(str(name)):
                        akey = fold_key(alt)
                        if akey and akey not in keys:
                            other[akey] = rid if other.get(akey, rid) == rid else _AMBIGUOUS
                for akey, rid in other.items():
                    keys.setdefault(akey, rid)
            self._keys = keys
        return self._keys

    def resolve(self, text: str) -> tuple[str | None, str]:
        """(id, how) for a reference as written; ``(None, "unknown")`` or ``(None, "ambiguous")``."""
        found, how = self.resolve_whole(text)
        if found is not None or how == "ambiguous":
            return found, how
        return self.resolve_coded(text)

    def resolve_whole(self, text: str) -> tuple[str | None, str]:
        """The reference as a whole: an id, or a name with case, spacing and accents folded."""
        if text in self.ids:
            return text, "id"
        found = self.keys.get(fold_key(text))
        if found == _AMBIGUOUS:
            return None, "ambiguous"
        if found is not None:
            return found, "name" if fold_key(found) != fold_key(text) else "id"
        return None, "unknown"

    def resolve_coded(self, text: str) -> tuple[str | None, str]:
        """A name written with its code: ``Core Banking (SVC-03)``, ``SVC-03 - Core Banking``."""
        for pattern in (_WITH_CODE, _CODE_FIRST):
            match = pattern.match(text.strip())
            if match is None:
                continue
            for part in ("code", "name", "code2", "name2"):
                written = match.groupdict().get(part)
                candidate = self.keys.get(fold_key(written)) if written else None
                if candidate is not None and candidate != _AMBIGUOUS:
                    return candidate, "name"
        return None, "unknown"

    def resolve_parts(self, text: str) -> list[tuple[str, str | None]] | None:
        """``"SVC-01/SVC-02"``, ``"KI-01 / KI-04"``, ``"Core Banking and Payments"``: several references in
        one item, each part with its id (``None``: unknown). ``None`` when the item is one reference: it
        does not split, or it splits only on "and" / "et" / "&" and not every part resolves (a name such
        as "Research and Development")."""
        parts = [p.strip() for p in _SLASHED.split(text) if p.strip()]
        if len(parts) >= 2:
            found = [(part, self.resolve(part)[0]) for part in parts]
            return found if any(target for _part, target in found) else None
        parts = [p.strip() for p in _JOINED.split(text) if p.strip()]
        if len(parts) < 2:
            return None
        found = [(part, self.resolve(part)[0]) for part in parts]
        return found if all(target for _part, target in found) else None


_SLASHED = re.compile(r"\s*[/+]\s*")
"""Separators that only ever join references ("KI-01/KI-02"); a part that resolves to nothing is reported."""
_JOINED = re.compile(r"\s+(?:and|et|&)\s+", re.IGNORECASE)
"""Words that join references but also appear inside names: every part must resolve."""


def link_references(ctx: ImportContext) -> None:
    """Resolve every reference of the run's records in place (``ctx.records``), reporting the rest."""
    indexes: dict[EntityKind, _Index] = {}
    for kind, fld, target in REFERENCES:
        records = ctx.records.get(kind)
        targets = ctx.records.get(target)
        if not records:
            continue
        if not targets:
            _unchecked(ctx, records, fld, target)  # the register they name is not part of this import
            continue
        index = indexes.get(target)
        if index is None:
            index = indexes[target] = _Index.of(target, targets)
        try:
            if fld in _SINGLE_REFERENCES and _reference_by_content(ctx, records, fld, index):
                ctx.written.pop((kind, fld), None)
            _link(ctx, records, kind, fld, target, index, ctx.written.get((kind, fld)))
            if kind is EntityKind.EXERCISE and target is EntityKind.SERVICE:
                _out_of_scope(ctx, records, fld, targets)
        except (MemoryError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug in the linking: reported at the references it left unlinked
            if os.environ.get("ITSCM_DEBUG"):
                raise
            first = records[0].source
            ctx.issue("reference.internal_error", f"{kind.value} {fld} references were not linked: internal error "
                      f"{type(exc).__name__}: {exc} (please report it)", ref(first.file, first.sheet),
                      Severity.ERROR)


def _out_of_scope(ctx: ImportContext, records: list[Record], fld: str, services: list[Record]) -> None:
    """An exercise of a service the register marks out of scope (retired, withdrawn, decommissioned):
    pointed out at the exercise's row; the rules leave that service out."""
    gone = {getattr(s, "id", ""): getattr(s, "status", None) for s in services if getattr(s, "in_scope", True) is False}
    if not gone:
        return
    for record in records:
        named = [sid for sid in getattr(record, fld, ()) if sid in gone]
        if named:
            what = ", ".join(f"{sid} ({gone[sid] or 'out of scope'})" for sid in named)
            ctx.issue("reference.out_of_scope", f"exercises a service the register marks out of scope: {what}",
                      record.cite(fld), Severity.INFO)


_SINGLE_REFERENCES = frozenset({"service_id"})
"""Reference fields a log keys its rows by: when the column read for them names nothing the register
holds but another column of the same rows does, that other column is the reference."""


def _reference_by_content(ctx: ImportContext, records: list[Record], fld: str, index: _Index) -> bool:
    """A backup log whose "Client" column holds host names while its "Policy" column holds the service ids
    of the register: the column whose values name the register's records is the reference, said once per
    table with the shares that decided it. Returns whether any table changed."""
    groups: dict[tuple[str, str | None], list[int]] = {}
    for position, record in enumerate(records):
        groups.setdefault((record.source.file, record.source.sheet), []).append(position)
    changed = False
    for (file, sheet), positions in groups.items():
        sample = positions[::max(1, len(positions) // 200)][:200]

        def share(values: Iterable[Any]) -> float:
            written = [str(v).strip() for v in values if isinstance(v, str) and v.strip()]
            return sum(1 for v in written if index.resolve(v)[0] is not None) / len(written) if written else 0.0

        current = share(getattr(records[p], fld) for p in sample)
        if current >= 0.5:
            continue
        headers = sorted({h for p in sample for h in records[p].extra})
        best, header = max(((share(records[p].extra.get(h) for p in sample), h) for h in headers),
                           default=(0.0, ""))
        if best < 0.6 or best - current < 0.4:
            continue  # (most of another column's values name records; this one's mostly do not)
        before = records[positions[0]].columns.get(fld, fld)
        columns = {**records[positions[0]].columns, fld: header}
        for p in positions:
            record = records[p]
            value = record.extra.get(header)
            if not isinstance(value, str) or not value.strip():
                continue
            extra = {k: v for k, v in record.extra.items() if k != header}
            old = getattr(record, fld)
            if old is not None:
                extra[before] = old
            records[p] = record.model_copy(update={fld: value.strip(), "extra": extra, "columns": columns})
        changed = True
        ctx.issue("reference.column", f"column {header!r} read as the {fld.replace('_', ' ')}: its values name "
                  f"records of the register ({best:.0%} of those sampled), those of {before!r} do not "
                  f"({current:.0%}); map the column with --map to choose otherwise",
                  ref(file, sheet, None, header), Severity.WARNING)
    return changed


def _unchecked(ctx: ImportContext, records: list[Record], fld: str, target: EntityKind) -> None:
    """References to a register that was not imported stay as written; each column says so once, with how
    many rows and its first reference, so none is silently taken as checked."""
    first: dict[tuple[str, str | None, str], list[Any]] = {}
    for record in records:
        value = getattr(record, fld, None)
        items = value if type(value) is tuple else (value,) if value else ()
        if not items:
            continue
        key = (record.source.file, record.source.sheet, record.columns.get(fld, fld))
        entry = first.setdefault(key, [record.source.row, str(items[0]), 0, False])
        entry[2] += len(items)
        entry[3] = entry[3] or any(not _CODE.match(str(item)) for item in items)
    label = target.value.replace("_", " ")
    for (file, sheet, header), (row, text, count, by_name) in first.items():
        how = "names" if by_name else "identifiers"
        ctx.issue("reference.unchecked", f"{count} {label} reference(s) in this column ({how}, first {text!r}) "
                  f"cannot be checked: no {label} register was imported with them; kept as written, unresolved",
                  ref(file, sheet, row, header, text[:200]), Severity.WARNING if by_name else Severity.INFO)


def _link(ctx: ImportContext, records: list[Record], kind: EntityKind, fld: str, target: EntityKind,
          index: _Index, written: set[str] | None) -> None:
    known = index.ids
    if written is None:
        get = operator.attrgetter(fld)
        many = V.field_kind(ENTITY_MODEL[kind].model_fields[fld].annotation) == "list"
        written = set(itertools.chain.from_iterable(map(get, records))) if many else set(map(get, records))
    written.discard(None)
    if written <= known:
        return  # every reference is an id (the common case): nothing to resolve, nothing to report
    unknown: dict[tuple[str, str | None, str, str], list[Any]] = {}
    by_name: dict[tuple[str, str | None, str, str], list[Any]] = {}
    label = target.value.replace("_", " ")
    for position, record in enumerate(records):
        value = getattr(record, fld, None)
        if not value:
            continue
        if type(value) is tuple:
            items = value
            if known.issuperset(items):
                continue
        elif value in known:
            continue
        else:
            items = (value,)
        changed = False
        resolved: list[str] = []
        for item in items:
            if item in known:
                resolved.append(item)
                continue
            column = record.columns.get(fld, fld)
            key = (record.source.file, record.source.sheet, column, str(item))
            target_id, how = index.resolve_whole(str(item))
            several = None
            if target_id is None and how != "ambiguous":
                several = index.resolve_parts(str(item)) if isinstance(value, tuple) else None
                if several is None:
                    target_id, how = index.resolve_coded(str(item))
            if several:
                found = [part_id for _part, part_id in several if part_id]
                entry = by_name.setdefault(key, [record.source.row, 0, ", ".join(found), "one reference per part"])
                entry[1] += 1
                for part, part_id in several:
                    if part_id is None:
                        # one part names nothing: kept as written and reported, the others linked
                        missing = unknown.setdefault((*key[:3], part), [record.source.row, 0, "unknown"])
                        missing[1] += 1
                    resolved.append(part_id or part)
                changed = True
            elif target_id is None:
                entry = unknown.setdefault(key, [record.source.row, 0, how])
                entry[1] += 1
                resolved.append(item)
            else:
                entry = by_name.setdefault(key, [record.source.row, 0, target_id, "by its name"])
                entry[1] += 1
                resolved.append(target_id)
                changed = changed or target_id != item
        if changed:
            new_value: Any = tuple(dict.fromkeys(resolved)) if isinstance(value, tuple) else resolved[0]
            raw = dict(record.raw)
            raw.setdefault(fld, ", ".join(str(i) for i in items))
            records[position] = record.model_copy(update={fld: new_value, "raw": raw})
    for (file, sheet, header, text), (row, count, how) in unknown.items():
        times = f" ({count} rows, first here)" if count > 1 else ""
        what = f"names more than one {label}" if how == "ambiguous" else f"unknown {label}"
        ctx.issue("reference.unresolved", f"{what} {text!r}: kept as written{times}",
                  ref(file, sheet, row, header, text[:200]), Severity.WARNING)
    for (file, sheet, header, text), (row, count, found, how) in by_name.items():
        times = f", {count} rows" if count > 1 else ""
        ctx.issue("reference.by_name", f"{text!r} read as {label} {found} ({how}{times})",
                  ref(file, sheet, row, header, text[:200]), Severity.INFO)
