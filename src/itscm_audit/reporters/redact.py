"""``--redact``: packs (and the history) that can leave the organisation without its people in them.

Masking is by field, not by remembered strings: every field that names or reaches a person
(``model.PERSON_FIELDS``, plus ``Attestation.attested_by``) is replaced by a pseudonym, "Person 3",
stable within the pack so an auditor can still follow one person from the call tree to the
corrective actions they own. Free text everywhere (rationales, messages, issue texts, raw cell values,
unmodelled columns) is then scanned for

- the people found in those fields, however the name is written: case, repeated or non-breaking
  spaces, "Last, First" or "Last First" order, accents;
- phone numbers (any with 9 to 15 digits, whatever the separators; a known one names its person);
- e-mail addresses (any; a known one names its person).

Rows of tables that describe people (call tree, training records) have their raw cell values masked
wholesale, rejected rows included.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from enum import Enum
from typing import Any

from pydantic import BaseModel

from itscm_audit.model import (
    ENTITY_MODEL,
    PERSON_FIELDS,
    PERSON_TABLES,
    Attestation,
    EntityKind,
    Record,
    SourceRef,
)
from itscm_audit.result import AssessmentResult, ServiceFacts

REDACTED = "[redacted]"
"""A personal value that names nobody we know (an unknown name in a person table)."""

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+./-])\+?\(?\d(?:(?:[\s.\-]|\)\s?|\s?\()?\d){8,14}(?![\w/])")
_DATE_LIKE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}")
_PSEUDONYM = re.compile(r"Person \d+|\[phone|\[e-mail")
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_SPACES = re.compile(r"\s+")
_COMMA = re.compile(r"\s*,\s*")
_PARTS = re.compile(r"\s*(?:/|;|&|\+|\n|\band\b|\bet\b)\s*", re.IGNORECASE)
_MODEL_KIND: dict[type[Record], EntityKind] = {model: kind for kind, model in ENTITY_MODEL.items()}
_OTHER_PERSON_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {Attestation: ("attested_by",),
                                                                  ServiceFacts: ("owner",)}


def _fold(text: str) -> str:
    """Case, accents and compatibility forms folded: "CHLOÉ" and "chloe" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _digits(text: str) -> str | None:
    """The phone key: the last ten digits ("+1 514-555-0102" and "514 555 0102" are one number)."""
    digits = re.sub(r"\D", "", text)
    if not 9 <= len(digits) <= 15 or _DATE_LIKE.match(text.lstrip("+( ")):
        return None
    return digits[-10:]


_TITLE_WORDS = frozenset(["officer", "manager", "lead", "leader", "head", "director", "coordinator", "chief", "team", "president", "vp", "analyst", "administrator", "admin", "engineer", "specialist", "owner", "committee", "board", "department", "dept", "office", "operations", "services", "service", "group", "unit", "desk", "ciso", "cio", "cto", "coo", "ceo", "cfo", "dpo", "it", "hr", "finance", "security", "privacy", "risk", "compliance", "infrastructure", "support", "network", "networks", "platform", "platforms", "vendor", "supplier", "site", "continuity", "recovery", "desk", "staff", "centre", "center"])
"""Words of roles and teams ("Ahmed Haddad, IT Disaster Recovery Coordinator"): a part holding one is
not a name, so the role stays readable and is never mistaken for a person elsewhere."""
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>")


_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "mme", "mlle", "prof", "sir", "dame"})


def _tokens(piece: str) -> tuple[str, ...]:
    """Folded words of a name, honorifics left out (so "Dr. Ahmed Haddad" is "Ahmed Haddad")."""
    return tuple(t for t in (_fold(w) for w in _WORD.findall(piece)) if t not in _HONORIFICS)


def _is_name(tokens: tuple[str, ...]) -> bool:
    return bool(tokens) and not any(t.isdigit() or t in _TITLE_WORDS for t in tokens)


def _names(text: str) -> list[tuple[str, ...]]:
    """The people named in a person field, as folded name tokens ("Raman, Priya" -> (priya, raman)).

    Parts are split on "/", ";", "&", "and"; a part "Surname, Given name(s)" is turned round; parts
    that are roles or teams (a word of ``_TITLE_WORDS``) are not names.
    """
    text = _BRACKETS.sub(" ", _PHONE.sub(" ", _EMAIL.sub(" ", text)))
    out: list[tuple[str, ...]] = []
    for part in _PARTS.split(text):
        pieces = [_tokens(p) for p in _COMMA.split(part) if p.strip()]
        if len(pieces) == 2 and len(pieces[0]) == 1 and 1 <= len(pieces[1]) <= 2 and all(map(_is_name, pieces)):
            pieces = [pieces[1] + pieces[0]]  # "Raman, Priya"
        out.extend(tokens for tokens in pieces if _is_name(tokens))
    return out


class PersonIndex:
    """Every person of a result, numbered in order of first appearance (contacts first).

    A contact's name, phone and e-mail are one person; a phone number or a "Last, First" name used as
    an owner elsewhere is recognised as that same person.
    """

    def __init__(self) -> None:
        self._parent: dict[tuple[str, str], tuple[str, str]] = {}
        self._order: list[tuple[str, str]] = []
        self._numbers: dict[tuple[str, str], int] = {}
        self._singles: set[str] = set()

    def _find(self, node: tuple[str, str]) -> tuple[str, str]:
        while self._parent[node] != node:
            self._parent[node] = self._parent[self._parent[node]]
            node = self._parent[node]
        return node

    def _add(self, node: tuple[str, str]) -> tuple[str, str]:
        if node not in self._parent:
            self._parent[node] = node
            self._order.append(node)
        return node

    def _union(self, nodes: list[tuple[str, str]]) -> None:
        for other in nodes[1:]:
            a, b = self._find(nodes[0]), self._find(other)
            if a != b:
                self._parent[b] = a

    def nodes_of(self, text: str) -> list[tuple[str, str]]:
        """The identities in one field value: names, phone numbers, e-mail addresses."""
        names = _names(text)
        for tokens in names:
            if len(tokens) == 1:
                self._singles.update(w for w in _WORD.findall(text) if _fold(w) == tokens[0])
        found = [("name", " ".join(t)) for t in names]
        found += [("phone", key) for m in _PHONE.finditer(text) if (key := _digits(m.group())) is not None]
        found += [("email", m.group().casefold()) for m in _EMAIL.finditer(text)]
        return found

    def add(self, *values: str | None) -> None:
        """Record the values of one person (a contact's name, phone and e-mail), as one person."""
        nodes: list[tuple[str, str]] = []
        for value in values:
            if value:
                found = self.nodes_of(value)
                names = [n for n in found if n[0] == "name"]
                if len(names) > 1:  # "A / B": two people, kept apart
                    for node in found:
                        self._add(node)
                    continue
                nodes.extend(self._add(n) for n in found)
        if nodes:
            self._union(nodes)

    def freeze(self) -> None:
        """Number the people in order of first appearance."""
        counter = 0
        for node in self._order:
            root = self._find(node)
            if root not in self._numbers:
                counter += 1
                self._numbers[root] = counter

    def number(self, node: tuple[str, str]) -> int | None:
        return self._numbers.get(self._find(node)) if node in self._parent else None

    def name_variants(self) -> dict[str, list[tuple[tuple[str, ...], bool, int]]]:
        """First token -> (tokens, comma after the first token, person number), longest first."""
        index: dict[str, list[tuple[tuple[str, ...], bool, int]]] = {}
        for node in self._parent:
            if node[0] != "name":
                continue
            tokens = tuple(node[1].split())
            number = self.number(node)
            if number is None or len(tokens) < 2:
                continue
            last_first = (tokens[-1], *tokens[:-1])
            for variant, comma in ((tokens, False), (last_first, True), (last_first, False)):
                index.setdefault(variant[0], []).append((variant, comma, number))
        for variants in index.values():
            variants.sort(key=lambda v: -len(v[0]))
        return index

    @property
    def singles(self) -> set[str]:
        """One-word names, matched in free text only as written (case and all)."""
        return self._singles


class Redactor:
    """Masks people in any text: known names in any spelling, phone numbers, e-mail addresses."""

    def __init__(self, people: PersonIndex | None = None) -> None:
        self.people = people or PersonIndex()
        self._variants = self.people.name_variants()
        self._single_numbers = {w: n for w in self.people.singles
                                if (n := self.people.number(("name", _fold(w)))) is not None}
        self._cache: dict[str, str] = {}

    def pseudonym(self, number: int | None) -> str:
        return REDACTED if number is None else f"Person {number}"

    def _email(self, match: re.Match[str]) -> str:
        number = self.people.number(("email", match.group().casefold()))
        return "[e-mail]" if number is None else f"[e-mail of Person {number}]"

    def _phone(self, match: re.Match[str]) -> str:
        key = _digits(match.group())
        if key is None:
            return match.group()
        number = self.people.number(("phone", key))
        return "[phone]" if number is None else f"[phone of Person {number}]"

    def _names(self, text: str) -> str:
        words = [(m.start(), m.end(), _fold(m.group()), m.group()) for m in _WORD.finditer(text)]
        out: list[str] = []
        last = i = 0
        while i < len(words):
            start = words[i][0]
            matched = None
            for tokens, comma, number in self._variants.get(words[i][2], ()):
                n = len(tokens)
                if i + n > len(words) or any(words[i + k][2] != tokens[k] for k in range(n)):
                    continue
                gaps = [text[words[i + k - 1][1]:words[i + k][0]] for k in range(1, n)]
                if all((_COMMA if comma and k == 0 else _SPACES).fullmatch(gap) for k, gap in enumerate(gaps)):
                    matched = (n, number)
                    break
            if matched is None and words[i][3] in self._single_numbers:
                matched = (1, self._single_numbers[words[i][3]])
            if matched is None:
                i += 1
                continue
            n, number = matched
            out.append(text[last:start])
            out.append(f"Person {number}")
            last = words[i + n - 1][1]
            i += n
        out.append(text[last:])
        return "".join(out)

    def __call__(self, text: str) -> str:
        """``text`` with every person in it masked (cached: messages repeat across entities)."""
        done = self._cache.get(text)
        if done is None:
            done = _EMAIL.sub(self._email, text)
            if self._variants or self._single_numbers:
                done = self._names(done)
            done = _PHONE.sub(self._phone, done)
            self._cache[text] = done
        return done

    def field(self, value: str) -> str:
        """A person field's whole value: its people as pseudonyms, roles kept ("Person 3, IT Disaster
        Recovery Coordinator"); a value naming nobody recognisable is masked whole."""
        masked = self(value)
        return masked if masked != value and _PSEUDONYM.search(masked) else REDACTED


def pattern_redactor() -> Redactor:
    """A redactor knowing nobody: phone numbers and e-mail addresses only (for already-masked results)."""
    return Redactor()


def person_index(result: AssessmentResult) -> PersonIndex:
    """Everyone in the result's person fields: contacts first (the call tree is the list of people)."""
    people = PersonIndex()
    data = result.data
    for c in data.contacts:
        people.add(c.name, c.phone, c.email)
        people.add(c.alternate)
    for kind, fields in PERSON_FIELDS.items():
        if kind is EntityKind.CONTACT:
            continue
        for record in getattr(data, _collection(kind)):
            for name in fields:
                people.add(getattr(record, name, None))
    for attestation in result.attestations:
        people.add(attestation.attested_by)
    people.freeze()
    return people


def _collection(kind: EntityKind) -> str:
    from itscm_audit.model import ENTITY_FIELD

    return ENTITY_FIELD[kind]


class _Masker:
    """Walks the result, masking person fields by the table and every other string by the redactor."""

    def __init__(self, result: AssessmentResult, redactor: Redactor) -> None:
        self.redactor = redactor
        self.person_sheets = {(a.file, a.sheet) for a in result.accounts
                              if a.entity in {k.value for k in PERSON_TABLES}}
        self.person_columns: dict[tuple[str, str | None], set[str]] = {}
        for kind, fields in PERSON_FIELDS.items():
            for record in getattr(result.data, _collection(kind)):
                columns: dict[str, str] = getattr(record, "columns", None) or {}
                if columns:
                    key = (record.source.file, record.source.sheet)
                    self.person_columns.setdefault(key, set()).update(columns.get(f, f) for f in fields)

    def source(self, ref: SourceRef) -> SourceRef:
        if ref.value is None:
            return ref
        where = (ref.file, ref.sheet)
        if where in self.person_sheets or (ref.column is not None
                                           and ref.column in self.person_columns.get(where, ())):
            return ref.model_copy(update={"value": self.redactor.field(ref.value)})
        return ref.model_copy(update={"value": self.redactor(ref.value)})

    def walk(self, value: Any) -> Any:
        if isinstance(value, Enum):
            return value
        if isinstance(value, str):
            return self.redactor(value)
        if isinstance(value, SourceRef):
            return self.source(value)
        if isinstance(value, BaseModel):
            return self._model(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):  # the lean entity results
            return dataclasses.replace(value, **{f.name: self.walk(getattr(value, f.name)) for f in dataclasses.fields(value)})
        if isinstance(value, tuple):
            return tuple(self.walk(v) for v in value)
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        if isinstance(value, dict):
            return {k: self.walk(v) for k, v in value.items()}
        return value

    def _model(self, value: BaseModel) -> BaseModel:
        kind = _MODEL_KIND.get(type(value)) if isinstance(value, Record) else None
        person = PERSON_FIELDS.get(kind, ()) if kind is not None else _OTHER_PERSON_FIELDS.get(type(value), ())
        whole_row = kind in PERSON_TABLES
        update: dict[str, Any] = {}
        for name in type(value).model_fields:
            current = getattr(value, name)
            if name in person and isinstance(current, str):
                update[name] = self.redactor.field(current)
            elif whole_row and name == "extra" and isinstance(current, dict):
                update[name] = {k: self.redactor.field(v) if isinstance(v, str) and v else v
                                for k, v in current.items()}
            elif name == "raw" and isinstance(current, dict) and kind is not None:
                update[name] = {k: (self.redactor.field(v) if (k in person or whole_row) and isinstance(v, str)
                                    else self.walk(v)) for k, v in current.items()}
            else:
                update[name] = self.walk(current)
        return value.model_copy(update=update)


def redact_result(result: AssessmentResult) -> tuple[AssessmentResult, Redactor]:
    """A copy of ``result`` with every person masked, marked redacted and with its own run id.

    Rebuilt with ``model_copy`` rather than re-validated, so redaction never rejects a result. The
    returned :class:`Redactor` masks free text the same way for writers.
    """
    from itscm_audit.pipeline import run_identity

    if result.run.redacted:
        return result, pattern_redactor()
    redactor = Redactor(person_index(result))
    masked = _Masker(result, redactor).walk(result)
    run = result.run
    masked_run = masked.run.model_copy(update={
        "redacted": True,
        "run_id": run_identity(run.input_digests, run.as_of, run.frameworks, redacted=True),
        "organisation": run.organisation,  # the organisation is not a person: keep its name as written
    })
    redacted: AssessmentResult = masked.model_copy(update={"run": masked_run})
    return redacted, redactor

