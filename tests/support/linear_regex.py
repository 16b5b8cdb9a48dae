"""Evidence, without a clock, that hostile input never reaches Python's backtracking `re`.

`re` backtracks: `^(a+)+$` against forty letters and a `!` runs for days, so a test that timed
it would fail on a slow machine for the wrong reason, and pass a fast one by luck. Accord runs
every pattern from input on RE2 (`verifier._regex`). Inside `backtracking_refused(...)`, `re`
refuses to run (match, search, fullmatch, findall, finditer, sub, subn, split) a pattern whose
source contains one of `patterns`, or against a string containing one of `texts`: it raises
`BacktrackingUsed` at once instead. Compiling stays allowed: validators compile a schema's
`pattern` to check it is a regex, which costs nothing.

The block replaces `re._compile`, which `re.compile`, `re.match` and the others all go through,
so it sees every pattern compiled inside it, but not one compiled before (a module's constant,
the code's own). It empties Accord's caches of compiled programs on entry, so a program `re`
compiled from input before the block cannot slip through.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Collection, Iterable, Iterator
from types import FrameType
from typing import Any

from verifier._matching.formats import compile_pattern
from verifier._openapi_paths import _LinearPaths, _LinearServers
from verifier._regex import _compiled

_RUNS = frozenset({"match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split"})


class BacktrackingUsed(AssertionError):
    """`re` was asked to run a hostile pattern or against a hostile text."""


def is_re2(program: object) -> bool:
    """Whether a compiled program belongs to RE2 (not a `re.Pattern`)."""
    return type(program).__module__.split(".")[0] == "re2"


class _Refusal:
    """What a `backtracking_refused` block refuses, while it lasts."""

    def __init__(self, patterns: Collection[str], texts: Collection[str]) -> None:
        self.patterns = patterns
        self.texts = texts
        self.active = True

    def refused_pattern(self, source: str) -> str | None:
        return next((f"(it holds {each!r})" for each in self.patterns if each in source), None)

    def refused_text(self, values: Iterable[object]) -> str | None:
        return next(
            (
                f"against {text[:20]!r}..."
                for value in values
                if isinstance(value, str)
                for text in self.texts
                if text in value
            ),
            None,
        )


class _Watched:
    """A compiled `re` pattern that refuses to run, in the block, when the refusal says so.

    A library may keep it after the block (a cache): it then runs as the pattern would.
    """

    def __init__(self, compiled: re.Pattern[Any], refusal: _Refusal) -> None:
        self.compiled = compiled
        self.refusal = refusal

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.compiled, name)
        if name not in _RUNS:
            return found

        def run(*args: Any, **kwargs: Any) -> Any:
            refusal = self.refusal
            if refusal.active:
                source = self.compiled.pattern if isinstance(self.compiled.pattern, str) else ""
                hostile = refusal.refused_pattern(source) or refusal.refused_text(
                    (*args, *kwargs.values())
                )
                if hostile is not None:
                    where = f"re.{name}({self.compiled.pattern!r})"
                    raise BacktrackingUsed(f"the backtracking engine ran {where} {hostile}")
            return found(*args, **kwargs)

        return run


def _importing() -> bool:
    """Whether a module is being imported: its patterns are the code's own, kept for good."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def backtracking_refused(
    *, patterns: Collection[str] = (), texts: Collection[str] = ()
) -> Iterator[None]:
    """Within, `re` raises `BacktrackingUsed` rather than run `patterns` or against `texts`."""
    original = re._compile  # type: ignore[attr-defined]
    refusal = _Refusal(patterns, texts)

    def watched(pattern: Any, flags: Any) -> Any:
        if isinstance(pattern, _Watched):
            pattern = pattern.compiled
        compiled = original(pattern, flags)
        if _importing():
            return compiled
        source = compiled.pattern if isinstance(compiled.pattern, str) else ""
        if texts or refusal.refused_pattern(source) is not None:
            return _Watched(compiled, refusal)
        return compiled

    for cache in (_compiled, compile_pattern):
        cache.cache_clear()
    _LinearPaths._get_path_parser.cache_clear()
    _LinearServers._get_server_url_parser.cache_clear()
    re._compile = watched  # type: ignore[attr-defined]
    try:
        yield
    finally:
        re._compile = original  # type: ignore[attr-defined]
        refusal.active = False
