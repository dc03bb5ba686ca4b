"""Mapping profiles: the column mapping of one source, saved so next quarter's import is silent.

A profile lives in ``.itscm/profiles/<source-slug>.yaml``. It records, per sheet, the entity, the
header row and each column's header text, letter and field. On the next import the header row is
compared with the profile: the same headers in the same places means the profile is used as is;
a renamed, moved or missing column is reported, located, before the importer falls back to
detecting the mapping afresh.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from itscm_audit.errors import SourceError
from itscm_audit.fsio import locked, write_text_atomic

PROFILE_DIR = Path(".itscm") / "profiles"


class ProfileColumn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str
    """Column letter as Excel shows it (``A``, ``AB``)."""
    header: str
    field: str | None = None
    """Model field, or empty for a column kept as an extra attribute."""
    continues: str | None = None
    """For a column under a merged header: the letter of the column it continues."""


class ProfileTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sheet: str | None = None
    entity: str
    header_row: int
    columns: tuple[ProfileColumn, ...]


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    tables: tuple[ProfileTable, ...] = ()

    def table(self, sheet: str | None) -> ProfileTable | None:
        for table in self.tables:
            if table.sheet == sheet:
                return table
        return None


def profile_path(workspace: Path, source_label: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", source_label).strip("-").lower() or "source"
    return workspace / PROFILE_DIR / f"{slug}.yaml"


def load_profile(workspace: Path, source_label: str) -> Profile | None:
    """The saved profile of a source, or ``None``; a damaged profile is a located error."""
    path = profile_path(workspace, source_label)
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Profile.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SourceError(f"mapping profile cannot be read: {first}",
                          location=str(path.relative_to(workspace).as_posix()),
                          hint="delete it and import again with --save-profile") from None


def save_profile(workspace: Path, profile: Profile) -> Path:
    """Write the profile atomically (temporary name in the same folder, then rename)."""
    path = profile_path(workspace, profile.source)
    text = yaml.safe_dump(profile.model_dump(mode="json", exclude_none=True), sort_keys=False,
                          allow_unicode=True)
    write_text_atomic(path, text)
    return path


def merge_profile(workspace: Path, source: str, tables: list[ProfileTable], *, replace: bool) -> Path | None:
    """Add newly detected tables to the saved profile of ``source`` (``replace``: overwrite sheets already
    saved too), reading and writing the profile under its lock so two imports never lose each other's
    sheets. Returns the profile's path, or None when nothing changed."""
    path = profile_path(workspace, source)
    with locked(path):
        current = load_profile(workspace, source)
        merged = {t.sheet: t for t in current.tables} if current is not None else {}
        changed = False
        for table in tables:
            if replace or table.sheet not in merged:
                merged[table.sheet] = table
                changed = True
        if not changed:
            return None
        return save_profile(workspace, Profile(source=source, tables=tuple(merged.values())))
