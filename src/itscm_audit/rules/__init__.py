"""Continuity rules. Importing this package registers every built-in rule in ``RULES``."""

from itscm_audit.rules import catalogue as _catalogue  # noqa: F401  (registers rules)
from itscm_audit.rules.base import RULES, Rule, RuleContext, aggregate, rule

__all__ = ["RULES", "Rule", "RuleContext", "aggregate", "rule"]
