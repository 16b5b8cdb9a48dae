r"""Patterns in their dialect, written in RE2's syntax (https://github.com/google/re2/wiki/Syntax).

`verifier._regex` runs what this module writes. The dialects:

- **ECMA-262** (`Dialect.ECMA`): JSON Schema and OpenAPI patterns, read as Ajv reads them (the
  `u` flag: https://tc39.es/ecma262/#sec-patterns). `.` stops at `\n`, `\r`, U+2028 and U+2029;
  `\s` is ECMA's white space and line terminators; `$` is the end of the text;
  `\uXXXX`, `\u{X}`, `\cX`, `\p{Script=Greek}` and `(?<name>…)` are translated; `[]` matches
  nothing and `[^]` any character. `\A`, `\z`, `\Z`, `\Q` are not ECMA-262 and are refused.
- **Java** (`Dialect.JAVA`): Pact `regex` rules, which Pact-JVM reads with `java.util.regex`
  and pact_ffi with Rust's `regex` (the same syntax less Java's extras). `.` stops at Java's line
  terminators; `\s` is `[ \t\n\x0B\f\r]`; `\A`, `\z`, `\Q…\E`, `\h`, `\R`, `\e`, `\0nn` and the
  POSIX classes (`\p{Alpha}`, `\p{Lower}`…) are translated; `\Z` becomes `\z` (the same thing
  in a whole-value match, which is how Pact applies a regex); `(?P<name>…)` is accepted as
  Rust writes it.

In both, `\d`, `\w` and `\b` are ASCII, as in Java, ECMA-262 and RE2 (Python's `re` and Rust
read them as Unicode, so a value with Arabic-Indic digits does not match `\d` here).

Refused with `RegexError`, naming the construct: look-aheads, look-behinds, back-references,
possessive quantifiers and atomic groups (they need a backtracking engine), `\G`, Java's class
unions and intersections, and the `x` and `d` flags (RE2 has no such syntax).
"""

from __future__ import annotations

import enum
import re

from verifier._errors import VerifierError


class Dialect(enum.StrEnum):
    """Whose syntax a pattern is written in."""

    ECMA = "ECMA-262"
    """JSON Schema and OpenAPI `pattern`, `patternProperties` and `format: regex`."""
    JAVA = "Java"
    """Pact `regex` matching rules and Regex generators."""
    RE2 = "RE2"
    """A pattern Accord wrote itself from escaped input (path templates); not translated."""


class RegexError(VerifierError, ValueError):
    """A pattern that is not evaluated: invalid, too large, or needing a backtracking engine."""

    def __init__(self, pattern: str, reason: str) -> None:
        super().__init__(f"the regular expression {_shown(pattern)} {reason}")
        self.pattern = pattern
        self.reason = reason


def _shown(pattern: str) -> str:
    return repr(pattern if len(pattern) <= 80 else pattern[:77] + "...")  # noqa: PLR2004


Ranges = tuple[tuple[int, int], ...]

_TOP = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)  # not characters in UTF-8 text: left out of every complement
_SPACES: dict[Dialect, Ranges] = {
    Dialect.ECMA: (
        (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
        (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000),
        (0xFEFF, 0xFEFF),
    ),
    Dialect.JAVA: ((0x09, 0x0D), (0x20, 0x20)),
}  # fmt: skip
_LINE_ENDS: dict[Dialect, Ranges] = {
    Dialect.ECMA: ((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)),
    Dialect.JAVA: ((0x0A, 0x0A), (0x0D, 0x0D), (0x85, 0x85), (0x2028, 0x2029)),
}
_JAVA_HORIZONTAL: Ranges = (
    (0x09, 0x09), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x180E, 0x180E),
    (0x2000, 0x200A), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000),
)  # fmt: skip
_JAVA_VERTICAL: Ranges = ((0x0A, 0x0D), (0x85, 0x85), (0x2028, 0x2029))
_JAVA_LINEBREAK = r"(?:\r\n|[\x{A}-\x{D}\x{85}\x{2028}\x{2029}])"

# java.util.regex's POSIX classes (US-ASCII only) and their RE2 names.
_JAVA_POSIX = {
    "Lower": "lower", "Upper": "upper", "ASCII": "ascii", "Alpha": "alpha",
    "Digit": "digit", "Alnum": "alnum", "Punct": "punct", "Graph": "graph",
    "Print": "print", "Blank": "blank", "Cntrl": "cntrl", "XDigit": "xdigit",
    "Space": "space",
}  # fmt: skip
_JAVA_PROPERTIES = {"javaLowerCase": "Ll", "javaUpperCase": "Lu", "javaTitleCase": "Lt"}
_LONG_CATEGORIES = {
    "Letter": "L", "Lowercase_Letter": "Ll", "Uppercase_Letter": "Lu", "Titlecase_Letter": "Lt",
    "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M", "Number": "N",
    "Decimal_Number": "Nd", "Letter_Number": "Nl", "Other_Number": "No", "Punctuation": "P",
    "Symbol": "S", "Separator": "Z", "Space_Separator": "Zs", "Other": "C", "Control": "Cc",
}  # fmt: skip
_PROPERTY_PREFIXES = ("General_Category=", "gc=", "Script=", "sc=", "general_category=", "script=")

_REPEAT = re.compile(r"\{(\d+)(,\d*)?\}")
_FLAGS = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])")
_GROUP_NAME = re.compile(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_DOT_ALL = re.compile(r"\(\?[a-zA-Z]*s[a-zA-Z]*[:)-]")


def _char(code: int) -> str:
    return f"\\x{{{code:X}}}"


def _members(ranges: Ranges) -> str:
    return "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges)


def _complement(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    start = 0
    for lo, hi in sorted((*ranges, _SURROGATES)):
        if lo > start:
            out.append((start, lo - 1))
        start = max(start, hi + 1)
    if start <= _TOP:
        out.append((start, _TOP))
    return tuple(out)


class _Translator:
    """One pass over a pattern, writing RE2 syntax or raising `RegexError`."""

    def __init__(self, pattern: str, dialect: Dialect) -> None:
        self.pattern = pattern
        self.dialect = dialect
        self.position = 0
        self.after_quantifier = False
        self.dot_all = dialect is Dialect.JAVA and _DOT_ALL.search(pattern) is not None

    def refuse(self, reason: str) -> RegexError:
        return RegexError(self.pattern, reason)

    def unsupported(self, construct: str) -> RegexError:
        return self.refuse(
            f"uses {construct}, which Accord does not evaluate: regular expressions from input "
            "run on a linear-time engine (RE2), which has no backtracking"
        )

    def translate(self) -> str:
        out: list[str] = []
        text = self.pattern
        while self.position < len(text):
            char = text[self.position]
            quantifier = False
            if char == "\\":
                out.append(self.escape(in_class=False))
            elif char == "[":
                out.append(self.character_class())
            elif char == "(":
                out.append(self.group())
            elif char in "*+?":
                if char == "+" and self.after_quantifier:
                    raise self.unsupported("a possessive quantifier")
                lazy = char == "?" and self.after_quantifier
                out.append(char)
                self.position += 1
                quantifier = not lazy
            elif char == "{":
                found = _REPEAT.match(text, self.position)
                if found is None:
                    out.append(r"\{")
                    self.position += 1
                else:
                    out.append(found.group())
                    self.position = found.end()
                    quantifier = True
            elif char == ".":
                out.append("." if self.dot_all else f"[^{_members(_LINE_ENDS[self.dialect])}]")
                self.position += 1
            else:
                out.append(char)
                self.position += 1
            self.after_quantifier = quantifier
        return "".join(out)

    def group(self) -> str:
        text, start = self.pattern, self.position
        if not text.startswith("(?", start):
            self.position += 1
            return "("
        for opening, construct in (
            ("(?=", "a look-ahead"),
            ("(?!", "a negative look-ahead"),
            ("(?<=", "a look-behind"),
            ("(?<!", "a negative look-behind"),
            ("(?>", "an atomic group"),
            ("(?P=", "a back-reference"),
            ("(?P>", "a recursive call"),
        ):
            if text.startswith(opening, start):
                raise self.unsupported(construct)
        if text.startswith("(?:", start):
            self.position += 3
            return "(?:"
        named = _GROUP_NAME.match(text, start)
        if named is not None:
            self.position = named.end()
            return f"(?P<{named.group(1)}>"
        flags = _FLAGS.match(text, start)
        if flags is None:
            raise self.refuse(f"has a group construct RE2 does not know at {start}")
        on, off, end = flags.group(1), flags.group(2) or "", flags.group(3)
        for letter in on + off:
            if letter not in "imsu":
                raise self.unsupported(f"the inline flag {letter!r}")
        # `u` (Java's Unicode case folding) is how RE2's `(?i)` always folds.
        on, off = on.replace("u", ""), off.replace("u", "")
        self.position = flags.end()
        if not on and not off:
            return "(?:" if end == ":" else ""
        return f"(?{on}{'-' + off if off else ''}{end}"

    def character_class(self) -> str:
        text = self.pattern
        self.position += 1
        negated = text.startswith("^", self.position)
        if negated:
            self.position += 1
        members: list[str] = []
        while True:
            if self.position >= len(text):
                raise self.refuse("has an unclosed character class")
            char = text[self.position]
            if char == "]" and (members or self.dialect is Dialect.ECMA):
                self.position += 1
                break
            if char == "\\":
                members.append(self.escape(in_class=True))
            elif char == "[":
                if self.dialect is Dialect.JAVA:
                    raise self.unsupported("a character class union (a class inside a class)")
                members.append(r"\[")
                self.position += 1
            elif char == "&" and text.startswith("&&", self.position):
                if self.dialect is Dialect.JAVA:
                    raise self.unsupported("a character class intersection (&&)")
                members.append("&&")
                self.position += 2
            else:
                members.append(char if char not in "]^" else "\\" + char)
                self.position += 1
        if not members:  # ECMA-262: [] matches nothing, [^] any character
            every = _members(_complement(()))
            return f"[{every}]" if negated else f"[^{every}]"
        return f"[{'^' if negated else ''}{''.join(members)}]"

    def escape(self, *, in_class: bool) -> str:  # noqa: PLR0911, PLR0912 - one branch per escape
        text, start = self.pattern, self.position
        if start + 1 >= len(text):
            raise self.refuse("ends with a lone backslash")
        letter = text[start + 1]
        self.position = start + 2
        java = self.dialect is Dialect.JAVA
        if letter in "dDwW":
            return "\\" + letter
        if letter in "sS":
            return self.ranges(_SPACES[self.dialect], negated=letter == "S", in_class=in_class)
        if letter in "tnrf":
            return "\\" + letter
        if letter == "b":
            return _char(8) if in_class else r"\b"
        if letter == "B" and not in_class:
            return r"\B"
        if letter == "v":
            if java:
                return self.ranges(_JAVA_VERTICAL, negated=False, in_class=in_class)
            return _char(0x0B)
        if letter in "xu":
            return _char(self.code_point(letter))
        if letter == "c" and start + 2 < len(text) and text[start + 2].isascii():
            control = text[start + 2]
            if not control.isalpha() and not java:
                raise self.refuse(f"has an invalid control escape at {start}")
            self.position += 1
            return _char(ord(control) % 32 if not java else ord(control) ^ 64)
        if letter in "pP":
            return self.property(negated=letter == "P", in_class=in_class)
        if letter == "0":
            return _char(self.octal(start))
        if letter.isdigit() or letter == "k":
            raise self.unsupported("a back-reference")
        if java:
            java_escape = self.java_escape(letter, in_class=in_class)
            if java_escape is not None:
                return java_escape
        if letter.isascii() and letter.isalnum():
            raise self.refuse(f"has the unknown escape \\{letter} ({self.dialect} syntax)")
        if letter.isascii() or not letter.isprintable():
            return "\\" + letter if letter.isprintable() and letter != " " else _char(ord(letter))
        return letter

    def java_escape(self, letter: str, *, in_class: bool) -> str | None:  # noqa: PLR0911
        """Java's escapes beyond ECMA-262's, or None when `letter` is not one of them."""
        simple = {"a": _char(7), "e": _char(0x1B)}
        if letter in simple:
            return simple[letter]
        if letter in "hH":
            return self.ranges(_JAVA_HORIZONTAL, negated=letter == "H", in_class=in_class)
        if in_class:
            return None
        if letter in "AzZ":
            return r"\A" if letter == "A" else r"\z"
        if letter == "R":
            return _JAVA_LINEBREAK
        if letter == "Q":
            end = self.pattern.find(r"\E", self.position)
            quoted = self.pattern[self.position : end if end >= 0 else len(self.pattern)]
            self.position = end + 2 if end >= 0 else len(self.pattern)
            return "".join(_char(ord(char)) for char in quoted)
        if letter == "G":
            raise self.unsupported(r"\G (the end of the previous match)")
        if letter == "X":
            raise self.unsupported(r"\X (a grapheme cluster)")
        return None

    def ranges(self, ranges: Ranges, *, negated: bool, in_class: bool) -> str:
        members = _members(_complement(ranges) if negated else ranges)
        return members if in_class else f"[{members}]"

    def code_point(self, letter: str) -> int:
        r"""The character of a `\xHH`, `\x{H…}`, `\uHHHH` or `\u{H…}` escape."""
        text, start = self.pattern, self.position
        if text.startswith("{", start):
            end = text.find("}", start)
            digits = text[start + 1 : end] if end > start else ""
            if not _HEX.fullmatch(digits) or (letter == "u" and self.dialect is Dialect.JAVA):
                raise self.refuse(f"has an invalid \\{letter} escape at {start - 2}")
            self.position = end + 1
        else:
            width = 2 if letter == "x" else 4
            digits = text[start : start + width]
            if len(digits) != width or not _HEX.fullmatch(digits):
                raise self.refuse(f"has an invalid \\{letter} escape at {start - 2}")
            self.position = start + width
        code = int(digits, 16)
        if 0xD800 <= code <= 0xDBFF and text.startswith("\\u", self.position):  # noqa: PLR2004
            low = text[self.position + 2 : self.position + 6]
            if _HEX.fullmatch(low) and 0xDC00 <= int(low, 16) <= 0xDFFF:  # noqa: PLR2004
                self.position += 6
                return 0x10000 + ((code - 0xD800) << 10) + (int(low, 16) - 0xDC00)
        if code > _TOP or _SURROGATES[0] <= code <= _SURROGATES[1]:
            raise self.refuse(f"names no character at {start - 2} (U+{code:X})")
        return code

    def octal(self, start: int) -> int:
        r"""`\0`: NUL in ECMA-262; Java's `\0n`, `\0nn` and `\0mnn` octal escapes."""
        text = self.pattern
        digits = ""
        while (
            len(digits) < 3  # noqa: PLR2004
            and self.position < len(text)
            and text[self.position] in "01234567"
        ):
            digits += text[self.position]
            self.position += 1
        if self.dialect is Dialect.ECMA:
            if digits:
                raise self.unsupported("a legacy octal escape")
            return 0
        if not digits:
            raise self.refuse(f"has an invalid octal escape at {start}")
        if len(digits) == 3 and digits[0] > "3":  # noqa: PLR2004 - \0mnn has m <= 3
            digits, self.position = digits[:2], self.position - 1
        return int(digits, 8)

    def property(self, *, negated: bool, in_class: bool) -> str:
        r"""`\p{…}` and `\pL`: Unicode categories and scripts, and Java's POSIX names."""
        text, start = self.pattern, self.position
        if text.startswith("{", start):
            end = text.find("}", start)
            if end < 0:
                raise self.refuse(f"has an unclosed \\p{{…}} at {start - 2}")
            name = text[start + 1 : end]
            self.position = end + 1
        elif start < len(text):
            name = text[start]
            self.position = start + 1
        else:
            raise self.refuse("ends inside a \\p escape")
        if self.dialect is Dialect.JAVA and name in _JAVA_POSIX:
            member = f"[:{'^' if negated else ''}{_JAVA_POSIX[name]}:]"
            return member if in_class else f"[{member}]"
        for prefix in _PROPERTY_PREFIXES:
            name = name.removeprefix(prefix)
        if self.dialect is Dialect.JAVA:
            name = _JAVA_PROPERTIES.get(name, name)
            if name.startswith("Is"):
                name = name[2:]
            if name.startswith("In"):
                raise self.unsupported(f"the Unicode block \\p{{{name}}}")
        name = _LONG_CATEGORIES.get(name, name)
        if name == "ASCII":
            return self.ranges(((0, 0x7F),), negated=negated, in_class=in_class)
        if name.isascii() and name.replace("_", "").isalnum():
            return f"\\{'P' if negated else 'p'}{{{name}}}"
        raise self.refuse(f"has an unknown property \\p{{{name}}}")


def translate(pattern: str, dialect: Dialect) -> str:
    """`pattern`, written in `dialect`, in RE2's syntax (`Dialect.RE2` is kept as it is).

    Raises:
        RegexError: When the pattern is invalid or uses a construct RE2 cannot run.
    """
    if dialect is Dialect.RE2:
        return pattern
    return _Translator(pattern, dialect).translate()
