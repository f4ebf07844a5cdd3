"""Classify one temporal expression: (kind, value), kind DATE | TIME | CLOCK | DURATION | SET,
value TIMEX3-style ("Apr. 12" -> DATE 2015-04-12, "nine years" -> DURATION P9Y).

The expression is cleaned once (expr.Expr), then tried against a table of small rule functions
in order (rules.RULES): the first that answers decides. A rule returns (kind, value), ('', '')
when the expression is certainly no timex, or None to let the next rule try. To add a rule, or a
mode such as TimeML's, write functions of an Expr and give a table to `Classifier(vocabulary,
rules)`.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from pipeline.extract.dates.expr import Answer, Expr, Rule, clean_expr
from pipeline.extract.dates.rules import RULES
from pipeline.extract.dates.vocabulary import Vocabulary


class Classifier:
    """classify() over one vocabulary and one rule table, with its own cache."""

    def __init__(self, vocabulary: Vocabulary, rules: Sequence[Rule] | None = None) -> None:
        self.vocabulary = vocabulary
        self.rules = tuple(RULES if rules is None else rules)
        self.read = lru_cache(maxsize=8192)(self._read)

    def classify(self, expr: str, anchor: str = "", tense: str = "past", ref: str = "") -> Answer:
        """(kind, value) of a temporal expression; ('', '') when it is not one (see _read)."""
        return self.read(expr, anchor, tense, ref)[:2]

    def rule_of(self, expr: str, anchor: str = "", tense: str = "past", ref: str = "") -> str:
        """The name of the rule that answered for the expression ('dates:<function>'), '' if none."""
        return self.read(expr, anchor, tense, ref)[2]

    @classmethod
    def packaged(cls) -> Classifier:
        """The classifier of the packaged vocabulary and RULES (built once per process)."""
        return _packaged()

    def _read(self, expr: str, anchor: str = "", tense: str = "past", ref: str = "") -> tuple[str, str, str]:
        """(kind, value, rule name) of a temporal expression; ('', '', '') when it is not one.

        anchor: ISO date (YYYY-MM-DD) for relative and partial expressions; ref: the last calendar
        value the text mentioned before this expression (for "that year", "a year earlier")."""
        e = clean_expr(expr)
        if not e:
            return "", "", ""
        x = Expr(expr, e, anchor, tense, ref, self)
        for rule in self.rules:
            answer = rule(x)
            if answer is not None:
                return answer[0], answer[1], rule_name(rule) if answer[0] else ""
        return "", "", ""


def rule_name(rule: Rule) -> str:
    """The id a rule is known by in the `why` column: 'dates:' + its function name."""
    return "dates:" + getattr(rule, "__name__", type(rule).__name__)


@lru_cache(maxsize=1)
def _packaged() -> Classifier:
    return Classifier(Vocabulary.packaged())
