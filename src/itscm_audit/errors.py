"""Errors and exit codes, documented in one place.

Every failure the user can cause is an :class:`ItscmError` with a location and a hint; the CLI turns
it into one line and the matching exit code. Anything else is a bug and says so.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of ``itscm-audit`` (also listed in the README)."""

    OK = 0
    """Success (and, with ``--fail-on``, no gap at or above the threshold)."""
    GAPS_FOUND = 1
    """``--fail-on`` gate: the assessment found gaps at or above the given status."""
    USAGE = 2
    """Wrong command-line usage (unknown option, bad date, unknown framework id)."""
    INPUT = 3
    """Bad input: missing workspace, broken itscm.yaml, unreadable or unusable spreadsheet."""
    VERIFY_FAILED = 4
    """``evidence verify`` / ``verify-pack``: a file changed, is missing or is not listed."""
    INTERNAL = 70
    """A bug in itscm-audit: please report it with the command you ran."""


class ItscmError(Exception):
    """Base of every expected failure: a message, where it happened, and what to do."""

    exit_code: ExitCode = ExitCode.INPUT

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def one_line(self) -> str:
        """``location: message (hint)`` on a single line, newlines folded."""
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return " ".join(text.split())


class WorkspaceError(ItscmError):
    """The workspace folder or its itscm.yaml cannot be used."""


class SourceError(ItscmError):
    """A source spreadsheet cannot be read at all."""


class CatalogError(ItscmError):
    """A control catalogue or crosswalk file is invalid."""


class EvidenceError(ItscmError):
    """The evidence locker is inconsistent or a path escapes the workspace."""


class UsageError(ItscmError):
    exit_code = ExitCode.USAGE


class VerificationFailed(ItscmError):
    exit_code = ExitCode.VERIFY_FAILED
