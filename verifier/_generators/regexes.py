"""Strings that a regular expression matches, for the Regex generator.

The expression is read by Python's own regex parser and walked: literals are copied, classes
give a random printable ASCII member, repeats run between their minimum and a few more, and a
branch takes one alternative. Anchors write nothing. The result is checked against the
expression by `verifier._regex` (RE2, in the Java dialect Pact regexes are written in), and drawn
again when it misses. The expression comes from a pact, so the work is bounded: what RE2 refuses
(look-arounds, back-references, repeats multiplying past 1,000) is refused here too, as Rust's
Pact generator refuses it, and drawing stops with an error after `_MAX_STEPS` steps in all
(nested repeats multiply).
"""

from __future__ import annotations

import importlib
import random
import re
import string
from typing import Any

from verifier._errors import VerifierError
from verifier._regex import Dialect, RegexError, compile_regex

# Python's own reader of regex syntax and its opcode names. They have no type stubs under these
# names (typeshed types the deprecated `sre_parse` aliases, which warn on import).
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

_PRINTABLE = [chr(code) for code in range(32, 127)]
_EXTRA_REPEATS = 5
_TRIES = 20
_MAX_STEPS = 20_000  # opcodes visited in all draws; each writes at most one character
_CATEGORIES: dict[Any, str] = {
    sre.CATEGORY_DIGIT: string.digits,
    sre.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre.CATEGORY_SPACE: " ",
}
_NOT_CATEGORIES = {
    sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT,
    sre.CATEGORY_NOT_WORD: sre.CATEGORY_WORD,
    sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE,
}


class RegexGenerationError(VerifierError, ValueError):
    """No string could be made for the expression."""


def _in_class(items: list[tuple[Any, Any]], char: str) -> bool:
    negate = False
    found = False
    for op, value in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            found = found or ord(char) == value
        elif op is sre.RANGE:
            found = found or value[0] <= ord(char) <= value[1]
        elif op is sre.CATEGORY:
            if value in _NOT_CATEGORIES:
                found = found or char not in _CATEGORIES[_NOT_CATEGORIES[value]]
            else:
                found = found or char in _CATEGORIES.get(value, "")
    return found != negate


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.steps = 0
        self.members: dict[int, list[str]] = {}  # a class's printable members, by its node

    def pattern(self, parsed: Any) -> str:
        return "".join(self.item(op, value) for op, value in parsed)

    def choose(self, candidates: list[str]) -> str:
        if not candidates:
            raise RegexGenerationError("a character class with no printable member")
        return self.rng.choice(candidates)

    def item(self, op: Any, value: Any) -> str:  # noqa: PLR0911 - one return per opcode
        self.steps += 1
        if self.steps > _MAX_STEPS:
            raise RegexGenerationError(f"the string would take over {_MAX_STEPS} steps to write")
        if op is sre.LITERAL:
            return chr(value)
        if op is sre.NOT_LITERAL:
            return self.choose([char for char in _PRINTABLE if ord(char) != value])
        if op is sre.ANY:
            return self.choose([char for char in _PRINTABLE if char != "\n"])
        if op is sre.IN:
            if id(value) not in self.members:
                self.members[id(value)] = [char for char in _PRINTABLE if _in_class(value, char)]
            return self.choose(self.members[id(value)])
        if op in {sre.MAX_REPEAT, sre.MIN_REPEAT}:
            low, high, inner = value
            upper = low + _EXTRA_REPEATS if high is sre.MAXREPEAT else min(high, low + 5)
            return "".join(self.pattern(inner) for _ in range(self.rng.randint(low, upper)))
        if op is sre.SUBPATTERN:
            return self.pattern(value[3])
        if op is sre.BRANCH:
            return self.pattern(self.rng.choice(value[1]))
        if op is sre.CATEGORY:
            return self.choose(
                [char for char in _PRINTABLE if _in_class([(sre.CATEGORY, value)], char)]
            )
        return ""  # anchors (AT) write nothing; RE2 refused what else there could be


def generate(expression: str, rng: random.Random) -> str:
    """A string that `expression` matches whole.

    Raises:
        RegexGenerationError: When the expression is invalid or no matching string was found.
    """
    try:
        compiled = compile_regex(expression, Dialect.JAVA)
    except RegexError as error:
        raise RegexGenerationError(str(error)) from error
    try:
        parsed = sre_parse.parse(expression)
    except re.error as error:
        message = f"{expression!r} is not a regular expression ({error})"
        raise RegexGenerationError(message) from error
    writer = _Writer(rng)  # one step budget for every draw
    for _ in range(_TRIES):
        text = writer.pattern(parsed)
        if compiled.fullmatch(text):
            return text
    raise RegexGenerationError(f"no string matching {expression!r} could be made")
