"""Where the shipped data lives: inside the wheel (``itscm_audit/_data``) or, in a source checkout,
at the repository root. Users who ``pip install .`` and run from another folder get the former."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder ``frameworks``, ``templates`` or ``evidence`` shipped with this installation."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"itscm-audit installation is incomplete: no {name}/ folder in {installed}")


def frameworks_dir() -> Path:
    return data_dir("frameworks")


def templates_dir() -> Path:
    return data_dir("templates")


def evidence_types_dir() -> Path:
    return data_dir("evidence")
