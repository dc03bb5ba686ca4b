"""Property tests over the value parsers: whatever a cell holds, a parser gives a value, a judged value,
an ambiguous date or a :class:`ValueProblem`; no other exception (OverflowError, ValueError...) escapes,
and every value read is within its bounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itscm_audit.importers import values as V
from itscm_audit.importers.cells import NULL, cell_reader
from itscm_audit.importers.fields import ParserSettings, compile_parser, mappable_fields
from itscm_audit.importers.vocabulary import (
    header_words,
    merged_vocabularies,
    normalise_header,
    normalise_value,
)
from itscm_audit.model import EntityKind

PROPERTY = settings(deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""The same examples on every run (a shared machine must not make the suite flaky), never timed."""

AS_OF = dt.date(2026, 9, 30)
SETTINGS = ParserSettings(merged_vocabularies({}), as_of=AS_OF)
PARSERS = [(kind, name, compile_parser(kind, name, header, SETTINGS, {}))
           for kind in EntityKind for name in mappable_fields(kind) for header in (name, f"{name} (hrs)")]
"""Every field of every table, as the importer compiles it (with a unit header too)."""

UNITS = ["h", "hrs", "hours", "heures", "min", "days", "jours ouvrables", "business days", "weeks", "months",
         "years", "ans", "s", ""]
number_text = st.one_of(
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.from_regex(r"-?\d{1,20}([.,]\d{1,10})?(e[+-]?\d{1,4})?", fullmatch=True),
)
duration_like = st.builds(lambda n, u, sep: f"{n}{sep}{u}", number_text, st.sampled_from(UNITS),
                          st.sampled_from(["", " ", "  "]))
iso_like = st.from_regex(r"-?P(\d{1,12}Y)?(\d{1,12}M)?(\d{1,12}W)?(\d{1,12}D)?(T(\d{1,12}H)?(\d{1,12}M)?(\d{1,12}S)?)?",
                         fullmatch=True)
date_like = st.one_of(
    st.from_regex(r"\d{1,5}[-/.]\d{1,3}[-/.]\d{1,6}( \d{1,3}:\d{1,3})?", fullmatch=True),
    st.builds(lambda d, m, y: f"{d} {m} {y}", st.integers(-5, 99), st.sampled_from(
        ["mars", "March", "févr.", "août", "Dec", "janvier", "xyz"]), st.integers(0, 99999)),
)
cells: st.SearchStrategy[Any] = st.one_of(
    st.text(max_size=60), duration_like, iso_like, date_like, number_text,
    st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-10**20, max_value=10**20),
    st.booleans(), st.none(), st.datetimes(), st.dates(),
    st.timedeltas(min_value=dt.timedelta(days=-10**5), max_value=dt.timedelta(days=10**6)),
)


def _in_bounds(value: Any) -> None:
    if isinstance(value, V.Guess):
        value = value.value
    if isinstance(value, dt.timedelta):
        assert dt.timedelta(0) <= value <= V.MAX_DURATION
    elif isinstance(value, dt.datetime):
        assert value.date() >= V.MIN_DATE
    elif isinstance(value, dt.date):
        assert value >= V.MIN_DATE


@settings(PROPERTY, max_examples=300)
@given(cell=cells)
def test_no_parser_raises_anything_but_a_value_problem(cell: Any) -> None:
    for _kind, _name, parse in PARSERS:
        try:
            value = parse(cell)
        except V.ValueProblem as problem:
            assert problem.message
            continue
        _in_bounds(value)


@settings(PROPERTY, max_examples=300)
@given(cell=cells)
def test_the_cell_reader_never_raises(cell: Any) -> None:
    for _kind, _name, parse in PARSERS[::7]:
        reader, _cache = cell_reader(parse, True)
        value = reader(cell)
        assert value is NULL or value is not None


@settings(PROPERTY, max_examples=300)
@given(text=st.text(max_size=200))
def test_text_helpers_never_raise(text: str) -> None:
    gap = V.not_given(text)
    assert gap is None or gap.kind in ("unknown", "not_applicable")
    normalise_header(text)
    header_words(text)
    normalise_value(text)
    V.header_unit(text)
    V.is_null(text)


@settings(PROPERTY, max_examples=200)
@given(text=st.one_of(duration_like, iso_like, number_text))
def test_durations_are_within_zero_and_a_hundred_years_or_a_problem(text: str) -> None:
    parse = V.duration_parser(3600.0)
    try:
        value = parse(text)
    except V.ValueProblem:
        return
    _in_bounds(value)


def _problem(parse: V.Parser, cell: Any) -> str:
    try:
        parse(cell)
    except V.ValueProblem as problem:
        return problem.message
    raise AssertionError(f"{cell!r} was read")


def test_the_cases_from_the_issue() -> None:
    parse = V.duration_parser(3600.0)
    for text in ("99999999999999 hours", "1e300", "P99999999Y", "-48", "-4 hrs", "36526 days", "-PT4H"):
        assert repr(text) in _problem(parse, text)
    done = V.date_parser(False, {}, AS_OF + V.DONE_DATE_MARGIN)
    assert "before 1950" in _problem(done, "1949-12-31") and "before 1950" in _problem(done, 1.0)
    assert "more than a year after the as-of date" in _problem(done, "2028-01-01")
    assert done("2027-09-30") == dt.date(2027, 9, 30)
