"""``--redact``: mask personal data of contacts and trainees in packs shared outside the organisation."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from enum import Enum
from typing import Any

from pydantic import BaseModel

from itscm_audit.reporters.safe import REDACTED, Redactor
from itscm_audit.result import AssessmentResult


def _mask(value: str | None) -> str | None:
    return None if value is None else REDACTED


def redact_result(result: AssessmentResult) -> tuple[AssessmentResult, Redactor]:
    """A copy of ``result`` with contacts' names, phones, e-mails and trainees' names masked.

    Those values, and any e-mail address, are also masked wherever free text repeats them
    (rationales, messages, attestations); the returned :class:`Redactor` does the same for writers.
    """
    data = result.data
    personal: list[str] = []
    for c in data.contacts:
        personal.extend(v for v in (c.name, c.alternate, c.phone, c.email) if v)
    personal.extend(t.person for t in data.training_records)
    contacts = tuple(
        c.model_copy(update={"name": _mask(c.name), "alternate": _mask(c.alternate), "phone": _mask(c.phone),
                             "email": _mask(c.email), "extra": {},
                             "source": c.source.model_copy(update={"value": None})})
        for c in data.contacts
    )
    training = tuple(t.model_copy(update={"person": REDACTED, "source": t.source.model_copy(update={"value": None})}) for t in data.training_records)
    new_data = data.model_copy(update={"contacts": contacts, "training_records": training})
    redactor = Redactor(personal)
    return _walk(result.model_copy(update={"data": new_data}), redactor), redactor


def _walk(value: Any, redactor: Redactor) -> Any:
    """Every string in the result, masked (rationales and messages repeat names); enums kept as they are.

    Rebuilt with ``model_copy`` rather than re-validated, so redaction never rejects a result.
    """
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return redactor(value)
    if isinstance(value, BaseModel):
        return value.model_copy(update={name: _walk(getattr(value, name), redactor)
                                        for name in type(value).model_fields})
    if is_dataclass(value) and not isinstance(value, type):  # the lean entity results
        return replace(value, **{f.name: _walk(getattr(value, f.name), redactor) for f in fields(value)})
    if isinstance(value, tuple):
        return tuple(_walk(v, redactor) for v in value)
    if isinstance(value, list):
        return [_walk(v, redactor) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, redactor) for k, v in value.items()}
    return value
