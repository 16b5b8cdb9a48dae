"""Regular expressions from input, run in time linear in the text (RE2), never by `re`.

Every pattern that arrives with input is evaluated here: a pact's `regex` matching rule,
Regex and MockServerURL generators and date formats, an OpenAPI or JSON Schema `pattern`,
`patternProperties` and `format: regex`, and the path templates of a spec. Python's `re`
backtracks, so `^(a+)+$` against 40 characters runs for days; RE2 runs in time linear in the
text. `verifier._regex_syntax` reads each pattern in its dialect (ECMA-262 for schemas, Java for
pacts) and writes it in RE2's syntax, refusing what RE2 cannot run.

A pattern that is not evaluated raises `RegexError`, and callers turn it into a mismatch or a
finding that names the reason, never a pass: one longer than `MAX_PATTERN_LENGTH` characters,
one whose program exceeds the memory budget (repetition counts multiply: `(a{100}){100}` is
refused), and those `verifier._regex_syntax` refuses.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# google-re2 ships no type information; its compiled programs are Any here.
import re2  # type: ignore[import-untyped]

from verifier._regex_syntax import Dialect, RegexError, translate

__all__ = [
    "MAX_PATTERN_LENGTH",
    "Dialect",
    "Regex",
    "RegexError",
    "compile_regex",
    "escape",
    "is_valid",
]

MAX_PATTERN_LENGTH = 8192
"""Longest pattern evaluated, in characters (the longest in the corpora is about 300)."""

# Memory for one program and its DFA cache (RE2's default is 8 MiB). A pattern compiling bigger
# is refused; a DFA that fills its share falls back to RE2's NFA, still linear. With the cache
# below, programs hold at most 512 MiB however many patterns a document carries.
_MAX_PROGRAM_BYTES = 2 << 20


@dataclass(frozen=True, slots=True)
class Regex:
    """A pattern read and compiled; every method runs in time linear in the text."""

    pattern: str
    dialect: Dialect
    program: Any

    def search(self, text: str) -> bool:
        """Whether the pattern matches somewhere in `text` (JSON Schema's `pattern`)."""
        return self.program.search(_encodable(text)) is not None

    def fullmatch(self, text: str) -> bool:
        """Whether the pattern matches all of `text` (Pact's `regex`, Java's `matches`)."""
        return self.program.fullmatch(_encodable(text)) is not None

    def named_groups(self, text: str) -> dict[str, str | None] | None:
        """The named groups of a match of all of `text`, or None when it does not match."""
        found = self.program.fullmatch(_encodable(text))
        return None if found is None else dict(found.groupdict())

    def first_groups(self, text: str, *, whole: bool) -> Sequence[str | None] | None:
        """The groups of the first match (of all of `text` when `whole`), or None."""
        found = (self.program.fullmatch if whole else self.program.search)(_encodable(text))
        return None if found is None else tuple(found.groups())


def _encodable(text: str) -> str:
    r"""`text` with lone surrogates (JSON allows `"\ud800"`) replaced: RE2 reads UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str, dialect: Dialect) -> Regex | RegexError:
    if len(pattern) > MAX_PATTERN_LENGTH:
        reason = f"is longer than {MAX_PATTERN_LENGTH} characters ({len(pattern)})"
        return RegexError(pattern, reason)
    try:
        written = translate(pattern, dialect)
    except RegexError as error:
        return error
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _MAX_PROGRAM_BYTES
    try:
        return Regex(pattern, dialect, re2.compile(written, options))
    except re2.error as error:
        detail = error.args[0] if error.args else "invalid"
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        reason = f"is not a valid {dialect} regular expression for RE2 ({detail})"
        return RegexError(pattern, reason)


def compile_regex(pattern: str, dialect: Dialect) -> Regex:
    """The pattern ready to run (cached by pattern and dialect).

    Raises:
        RegexError: When the pattern is invalid, too long or needs a backtracking engine.
    """
    found = _compiled(pattern, dialect)
    if isinstance(found, RegexError):
        raise found
    return found


def is_valid(pattern: str, dialect: Dialect = Dialect.ECMA) -> bool:
    """Whether `pattern` is one Accord evaluates (JSON Schema's `format: regex`)."""
    return not isinstance(_compiled(pattern, dialect), RegexError)


def escape(text: str) -> str:
    """`text` as an RE2 pattern matching exactly it, for patterns Accord writes itself."""
    return "".join(char if char.isalnum() else f"\\x{{{ord(char):X}}}" for char in text)
