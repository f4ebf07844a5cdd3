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
        self.classify = lru_cache(maxsize=8192)(self._classify)

    @classmethod
    def packaged(cls) -> Classifier:
        """The classifier of the packaged vocabulary and RULES (built once per process)."""
        return _packaged()

    def _classify(self, expr: str, anchor: str = "", tense: str = "past", ref: str = "") -> Answer:
        """(kind, value) of a temporal expression; ('', '') when it is not one.

        anchor: ISO date (YYYY-MM-DD) for relative and partial expressions; ref: the last calendar
        value the text mentioned before this expression (for "that year", "a year earlier")."""
        e = clean_expr(expr)
        if not e:
            return "", ""
        x = Expr(expr, e, anchor, tense, ref, self)
        for rule in self.rules:
            answer = rule(x)
            if answer is not None:
                return answer
        return "", ""


@lru_cache(maxsize=1)
def _packaged() -> Classifier:
    return Classifier(Vocabulary.packaged())
