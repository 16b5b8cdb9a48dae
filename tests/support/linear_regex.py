"""Evidence, without a clock, that hostile input never reaches Python's backtracking `re`.

`re` backtracks: `^(a+)+$` against forty letters and a `!` runs for days, so a test that timed
it would fail on a slow machine for the wrong reason, and pass a fast one by luck. Accord runs
every pattern from input on RE2 (`verifier._regex`). Inside `backtracking_refused(...)`, `re`
refuses to run (match, search, fullmatch, findall, finditer, sub, subn, split) a pattern whose
source contains one of `patterns`, or against a string containing one of `texts`: it raises
`BacktrackingUsed` at once instead. Compiling stays allowed: validators compile a schema's
`pattern` to check it is a regex, which costs nothing. The block empties Accord's caches of
compiled programs on entry, so a program `re` compiled before it cannot slip through.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Iterator
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


class _Watched:
    """A compiled `re` pattern that refuses to run against a hostile text."""

    def __init__(self, compiled: re.Pattern[Any], refused: str | None, texts: Collection[str]):
        self.compiled = compiled
        self.refused = refused
        self.texts = texts

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.compiled, name)
        if name not in _RUNS:
            return found

        def run(*args: Any, **kwargs: Any) -> Any:
            hostile = self.refused or next(
                (
                    f"against {text[:20]!r}..."
                    for value in (*args, *kwargs.values())
                    if isinstance(value, str)
                    for text in self.texts
                    if text in value
                ),
                None,
            )
            if hostile is not None:
                where = f"re.{name}({self.compiled.pattern!r})"
                raise BacktrackingUsed(f"the backtracking engine ran {where} {hostile}")
            return found(*args, **kwargs)

        return run


@contextlib.contextmanager
def backtracking_refused(
    *, patterns: Collection[str] = (), texts: Collection[str] = ()
) -> Iterator[None]:
    """Within, `re` raises `BacktrackingUsed` rather than run `patterns` or against `texts`."""
    original = re._compile  # type: ignore[attr-defined]

    def watched(pattern: Any, flags: Any) -> Any:
        if isinstance(pattern, _Watched):
            pattern = pattern.compiled
        compiled = original(pattern, flags)
        source = compiled.pattern if isinstance(compiled.pattern, str) else ""
        refused = next((f"(it holds {each!r})" for each in patterns if each in source), None)
        if refused is None and not texts:
            return compiled
        return _Watched(compiled, refused, texts)

    for cache in (_compiled, compile_pattern):
        cache.cache_clear()
    _LinearPaths._get_path_parser.cache_clear()
    _LinearServers._get_server_url_parser.cache_clear()
    re._compile = watched  # type: ignore[attr-defined]
    try:
        yield
    finally:
        re._compile = original  # type: ignore[attr-defined]
