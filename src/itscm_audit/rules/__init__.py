"""Continuity rules. Importing this package registers every built-in rule in ``RULES``."""

from itscm_audit.rules import (  # noqa: F401  (importing registers the rules)
    actions,
    backups,
    bia,
    evidence_rules,
    exercises,
    plans,
    privacy,
    training,
)
from itscm_audit.rules.base import RULES, Rule, RuleContext, aggregate, rule

__all__ = ["RULES", "Rule", "RuleContext", "aggregate", "rule"]
