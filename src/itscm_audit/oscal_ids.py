"""The identifiers every OSCAL document of ours shares, so a finding joins its catalog control.

One scheme (documented in ``docs/oscal.md``) for the catalog export, the assessment results and
the POA&M:

- NIST SP 800-53 requirements (catalogues whose id starts with ``nist-800-53``) keep NIST's own
  OSCAL ids: lower case, enhancements after a dot: ``CP-2(3)`` -> ``cp-2.3``.
- Every other requirement is ``<framework id>_<requirement id>`` with the requirement id in lower
  case, each parenthesised part after a dot, ``+`` as ``-plus`` and each run of other characters
  OSCAL does not allow in a token as one ``-``: ``iso22301`` ``8.5`` -> ``iso22301_8.5``;
  ``gdpr`` ``Art.32(1)(b)`` -> ``gdpr_art.32.1.b``; ``R5+`` -> ``r5-plus``.
- A control's assessment objective is ``<control id>_obj`` (NIST's convention): the target of
  every finding.

Our own props all carry the one namespace :data:`NS`; uuids are uuid5 of what they identify, so
the same input always gives the same document.
"""

from __future__ import annotations

import re
import uuid

from itscm_audit.errors import CatalogError

OSCAL_VERSION = "1.1.2"
NS = "https://github.com/itscm-audit/itscm-audit/blob/main/docs/oscal.md"
"""Namespace of every prop of ours (in catalogs, assessment results and POA&Ms); the page lists them."""
_UUID_NAMESPACE = uuid.UUID("5d3f8a52-5c0e-4a53-9d1c-1f6f0a2b7c11")

_NIST_80053 = re.compile(r"^([A-Za-z]{2})-(\d+)((?:\(\d+\))*)$")
_PAREN = re.compile(r"\(([^()]*)\)")
_NOT_TOKEN = re.compile(r"[^\w.\-]+")


def derived_uuid(*parts: str) -> str:
    """A uuid5 of ``parts``: the same thing always gets the same uuid, in every document."""
    return str(uuid.uuid5(_UUID_NAMESPACE, "\x1f".join(parts)))


def uses_nist_ids(framework_id: str) -> bool:
    """Catalogues of the NIST SP 800-53 family keep NIST's own control ids."""
    return framework_id.startswith("nist-800-53")


def _requirement_token(requirement_id: str) -> str:
    text = _PAREN.sub(lambda m: f".{m.group(1)}", requirement_id.strip()).lower()
    return _NOT_TOKEN.sub("-", text.replace("+", "-plus"))


def control_id(framework_id: str, requirement_id: str) -> str:
    """The OSCAL control id of a requirement (see the module docstring for the scheme)."""
    if uses_nist_ids(framework_id):
        match = _NIST_80053.match(requirement_id.strip())
        if match:
            family, number, enhancements = match.groups()
            dots = "".join(f".{n}" for n in re.findall(r"\d+", enhancements))
            return f"{family.lower()}-{number}{dots}"
    token = _requirement_token(requirement_id)
    if not token:
        raise CatalogError(f"requirement id {requirement_id!r} gives no OSCAL control id", location=framework_id,
                           hint="requirement ids need at least one letter or digit")
    out = f"{framework_id}_{token}"
    return out if out[0].isalpha() or out[0] == "_" else f"_{out}"


def objective_id(framework_id: str, requirement_id: str) -> str:
    """The id of the control's assessment objective (``cp-2.3_obj``), the target of its finding."""
    return f"{control_id(framework_id, requirement_id)}_obj"


def token(text: str) -> str:
    """An OSCAL token (letters, digits, ``._-``, not starting with a digit) for a prop name."""
    out = _NOT_TOKEN.sub("_", text) or "_"
    return out if out[0].isalpha() or out[0] == "_" else f"_{out}"
