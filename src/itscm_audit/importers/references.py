"""Which fields of which entities name other records (resolved by :mod:`~itscm_audit.importers.links`)."""

from __future__ import annotations

from itscm_audit.model import EntityKind

REFERENCES: tuple[tuple[EntityKind, str, EntityKind], ...] = (
    (EntityKind.SERVICE, "depends_on", EntityKind.SERVICE),
    (EntityKind.SERVICE, "vendors", EntityKind.VENDOR),
    (EntityKind.SERVICE, "plan_id", EntityKind.PLAN_DOCUMENT),
    (EntityKind.EXERCISE, "services", EntityKind.SERVICE),
    (EntityKind.FINDING, "exercise_id", EntityKind.EXERCISE),
    (EntityKind.FINDING, "incident_id", EntityKind.INCIDENT),
    (EntityKind.FINDING, "vendor_id", EntityKind.VENDOR),
    (EntityKind.CORRECTIVE_ACTION, "finding_id", EntityKind.FINDING),
    (EntityKind.VENDOR, "services", EntityKind.SERVICE),
    (EntityKind.PLAN_DOCUMENT, "services", EntityKind.SERVICE),
    (EntityKind.INCIDENT, "services", EntityKind.SERVICE),
    (EntityKind.RISK, "services", EntityKind.SERVICE),
    (EntityKind.BACKUP_RUN, "service_id", EntityKind.SERVICE),
)
"""(entity, field, entity it names): every reference the importer resolves."""
