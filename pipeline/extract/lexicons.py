"""A stage's lexicons (the rows of its resource files) as the stage's own instance state.

A `Lexicon` holds the rows of some resource files (given, or read from pipeline/resources/ on first
use) and what the rules build from them (matchers, regexes, indexes), built once per lexicon. A
`Scope` is the lexicon a family of rule modules reads: they call `SCOPE.active().rows(name)` or a
function decorated `@SCOPE.cached` (built once per lexicon, as lru_cache builds once per process).
A stage holds its Lexicon (the packaged one unless given) and makes it the active one for the length
of its call, `with SCOPE.using(self.lexicon): ...`; outside a stage call the packaged one is active.
So a stage is built on a test catalogue, `agreements.Stage(config, lexicon=...)`, without its
lexicon threaded through every rule's signature.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from pipeline.config import RESOURCES_DIR
from pipeline.resources import load_jsonl


class Lexicon:
    """Rows of resource files by file name: those given, the others read from folder when asked."""

    def __init__(self, given: dict[str, Iterable[dict]] | None = None, folder: Path = RESOURCES_DIR) -> None:
        self._rows = {name: tuple(rows) for name, rows in (given or {}).items()}
        self.folder = folder
        self.built: dict = {}           # what @Scope.cached functions made from these rows

    def rows(self, name: str) -> tuple[dict, ...]:
        if name not in self._rows:
            self._rows[name] = load_jsonl(name, self.folder)
        return self._rows[name]


class Scope:
    """The lexicon a family of rule modules reads (see the module doc)."""

    def __init__(self, name: str, packaged: Callable[[], Lexicon]) -> None:
        self._active: ContextVar[Lexicon | None] = ContextVar(name, default=None)
        self.packaged = packaged

    def active(self) -> Lexicon:
        return self._active.get() or self.packaged()

    @contextmanager
    def using(self, lexicon: Lexicon) -> Iterator[Lexicon]:
        token = self._active.set(lexicon)
        try:
            yield lexicon
        finally:
            self._active.reset(token)

    def cached(self, fn: Callable) -> Callable:
        """fn(*args) computed once per active lexicon (args hashable)."""
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def wrapper(*args):
            built = self.active().built
            key = (name, args)
            try:
                return built[key]
            except KeyError:
                value = built[key] = fn(*args)
                return value
        return wrapper
