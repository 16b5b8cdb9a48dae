"""Regular expressions from input run in linear time, read in their own dialect (verifier/_regex).

Python's `re` takes about 2^n steps for `^(a+)+$` against n letters and a `!`: 40 letters are
days of work. The tests show no clock: they check the programs are RE2's, and run the hostile
input with `re` refusing it (tests/support/linear_regex.py).
"""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING, Any, cast

import pytest

from tests.support.linear_regex import backtracking_refused, is_re2
from verifier import OpenAPICheck
from verifier._generators import regexes
from verifier._regex import MAX_PATTERN_LENGTH, Dialect, RegexError, compile_regex

if TYPE_CHECKING:
    from verifier._matching.values import JSONValue
    from verifier._pact import Interaction

CATASTROPHIC = r"^(a+)+$"
LONG_MISS = "a" * 40 + "!"
HOSTILE = {"patterns": ["(a+)+", "x+x+"], "texts": ["a" * 40, "x" * 40]}


def test_trust_07_a_catastrophic_pattern_against_40_characters_runs_on_re2() -> None:
    with backtracking_refused(**HOSTILE):
        for dialect in Dialect.ECMA, Dialect.JAVA:
            regex = compile_regex(CATASTROPHIC, dialect)
            assert is_re2(regex.program)
            assert regex.search(LONG_MISS) is False
            assert regex.fullmatch(LONG_MISS) is False
            assert regex.fullmatch("a" * 40) is True
        nested = compile_regex(r"(x+x+)+y", Dialect.JAVA)
        assert is_re2(nested.program)
        assert nested.fullmatch("x" * 5000) is False


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r"^\u00e9t\u00E9$", "été", True),
        (r"^\u{1F600}$", "\U0001f600", True),
        (r"^\uD83D\uDE00$", "\U0001f600", True),  # a surrogate pair is one character
        (r"^a.b$", "a\u2028b", False),  # `.` stops at ECMA's line terminators
        (r"^a.b$", "a\rb", False),
        (r"^a.b$", "a\u0085b", True),  # ... which do not include NEL
        (r"^\s$", "\u00a0", True),  # ECMA's \s includes NBSP and the BOM
        (r"^\s$", "\ufeff", True),
        (r"^\S$", "\u00a0", False),
        (r"^a$", "a\n", False),  # `$` is the end of the text, not before a last newline
        (r"^[^]$", "\n", True),  # [^] is any character, [] none
        (r"[]", "anything", False),
        (r"^\d+$", "\u0663", False),  # \d is ASCII
        (r"^\w+$", "é", False),
        (r"^\p{L}+$", "été", True),
        (r"^\p{Script=Greek}+$", "αβγ", True),
        (r"^(?<year>\d{4})-\d{2}$", "2024-01", True),
        (r"^\cJ$", "\n", True),
        (r"^[\w\-.]+$", "a-b.c", True),  # identity escapes of punctuation
        (r"^\/v1\/x$", "/v1/x", True),
        (r"^a{2}\{$", "aa{", True),
    ],
)
def test_trust_07_ecma_262_dialect_of_json_schema_patterns(
    pattern: str, text: str, *, found: bool
) -> None:
    assert compile_regex(pattern, Dialect.ECMA).search(text) is found


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r".*\/(\Qpacts\E\/\Q{provider}\E)", "/x/pacts/{provider}", True),  # \Q...\E quotes
        (r"a\Z", "a", True),
        (r"\Aa\z", "a", True),
        (r"\p{Alpha}+\p{Digit}", "abc1", True),  # Java's POSIX classes
        (r"\p{Lower}+", "aBc", False),
        (r"\p{IsLatin}+", "été", True),
        (r"\0101\x42\x{43}\u0044", "ABCD", True),  # octal, hex and Unicode escapes
        (r"\s", "\u00a0", False),  # Java's \s is [ \t\n\x0B\f\r]
        (r"\s", "\x0b", True),
        (r"a.b", "a\u0085b", False),  # `.` stops at Java's line terminators, NEL included
        (r"(?s)a.b", "a\nb", True),
        (r"\h+", "\t \u00a0", True),
        (r"\d+", "\u0663", False),
        (r"(?i)abc", "ABC", True),
        (r"(?P<n>\d+)", "12", True),  # Rust's named group, as pact_ffi writes it
        (r"red|blue", "blue", True),  # the whole value, not a part of it
        (r"red|blue", "bluebird", False),
    ],
)
def test_trust_07_java_dialect_of_pact_regexes(pattern: str, text: str, *, found: bool) -> None:
    assert compile_regex(pattern, Dialect.JAVA).fullmatch(text) is found


@pytest.mark.parametrize(
    ("pattern", "dialect", "reason"),
    [
        (r"^(?=.*\d).+$", Dialect.ECMA, "look-ahead"),
        (r"^(?!x).+$", Dialect.ECMA, "look-ahead"),
        (r"(?<=a)b", Dialect.JAVA, "look-behind"),
        (r"(a)\1", Dialect.JAVA, "back-reference"),
        (r"(?<n>a)\k<n>", Dialect.ECMA, "back-reference"),
        (r"a++b", Dialect.JAVA, "possessive quantifier"),
        (r"a{2}+b", Dialect.JAVA, "possessive quantifier"),
        (r"(?>a|ab)c", Dialect.JAVA, "atomic group"),
        (r"[a-z&&[^e]]", Dialect.JAVA, "intersection"),
        (r"(?x) a b", Dialect.JAVA, "inline flag 'x'"),
        (r"\Gx", Dialect.JAVA, r"\G"),
        (r"a\z", Dialect.ECMA, r"unknown escape \z"),  # not ECMA-262: Ajv refuses it too
        (r"(a{100}){100}", Dialect.JAVA, "repetition"),
        ("(unclosed", Dialect.JAVA, "not a valid Java regular expression"),
        ("a" * (MAX_PATTERN_LENGTH + 1), Dialect.ECMA, "longer than"),
    ],
)
def test_trust_07_constructs_re2_cannot_run_are_refused_with_the_reason(
    pattern: str, dialect: Dialect, reason: str
) -> None:
    with pytest.raises(RegexError) as refused:
        compile_regex(pattern, dialect)
    assert reason in refused.value.reason


def test_trust_07_text_with_a_lone_surrogate_is_matched_not_a_crash() -> None:
    assert compile_regex(r"^a.b$", Dialect.ECMA).search("a\ud800b") is True


def test_trust_07_the_regex_generator_is_bounded_and_refuses_what_re2_refuses() -> None:
    rng = random.Random(7)
    with backtracking_refused(**HOSTILE):
        made = regexes.generate(CATASTROPHIC.replace("^", "").replace("$", ""), rng)
    assert set(made) == {"a"}
    with pytest.raises(regexes.RegexGenerationError, match="back-reference"):
        regexes.generate(r"(\w+)@\1\.com", rng)
    with pytest.raises(regexes.RegexGenerationError, match="look-ahead"):
        regexes.generate(r"(?=\d)\w+", rng)
    # Nested repeats multiply: up to 6 at each of 16 levels is up to 6^16 characters.
    with pytest.raises(regexes.RegexGenerationError, match="steps"):
        regexes.generate("(" * 16 + "ab" + ")+" * 16, rng)
    # Twenty draws that all miss (`a\bb` cannot match) share one budget of steps.
    with pytest.raises(regexes.RegexGenerationError, match="steps"):
        regexes.generate("[a-z]{1000}" * 19 + r"a\bb", rng)


def _document(schema: dict[str, Any], version: str) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}}
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": content}}}}},
    }


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_trust_07_the_openapi_check_runs_patterns_in_linear_time(version: str) -> None:
    schema = {
        "type": "object",
        "properties": {
            "slow": {"type": "string", "pattern": CATASTROPHIC},
            "ahead": {"type": "string", "pattern": r"^(?=\d)\w+$"},
            "fine": {"type": "string", "pattern": r"^\w+\u00e9$"},
        },
    }
    body = {"slow": LONG_MISS, "ahead": "1a", "fine": "caf\u00e9"}
    response: dict[str, JSONValue] = {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
    }
    with backtracking_refused(**HOSTILE):
        check = OpenAPICheck(_document(schema, version))
        findings = check(
            cast("Interaction", None),
            {"method": "GET", "path": "/x"},
            {**response, "body": json.dumps(body)},
        )
    by_path = {finding.path: finding.description for finding in findings}
    assert set(by_path) == {"$.body.slow", "$.body.ahead"}
    assert "does not match the pattern" in by_path["$.body.slow"]
    assert "look-ahead" in by_path["$.body.ahead"]


def test_trust_07_the_openapi_check_runs_pattern_properties_in_linear_time() -> None:
    schema = {
        "type": "object",
        "patternProperties": {CATASTROPHIC: {"type": "integer"}},
        "additionalProperties": False,
    }
    body = {"a" * 40: 1, LONG_MISS: 2}
    response: dict[str, Any] = {"status": 200, "headers": {"Content-Type": "application/json"}}
    # The member names are the hostile texts, and naming a member in a finding rightly runs a
    # fixed identifier pattern on them: here `re` refuses only the schema's pattern.
    with backtracking_refused(patterns=HOSTILE["patterns"]):
        check = OpenAPICheck(_document(schema, "3.1.0"))
        findings = check(
            cast("Interaction", None),
            {"method": "GET", "path": "/x"},
            {**response, "body": json.dumps(body)},
        )
    assert len(findings) == 1
    assert LONG_MISS in findings[0].description


def test_trust_07_the_openapi_check_finds_templated_paths_in_linear_time() -> None:
    """`/{a}{b}{c}{d}{e}x` searched with `re` took 113 s for a 200-character path."""
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in "abcde"
    ]
    document = _document({"type": "object"}, "3.0.3")
    document["paths"] = {
        "/{a}{b}{c}{d}{e}x": {
            "get": {"parameters": parameters, "responses": {"200": {"description": "ok"}}}
        }
    }
    with backtracking_refused(texts=["a" * 400]):
        check = OpenAPICheck(document)
        missing = check(cast("Interaction", None), {"method": "GET", "path": "/" + "a" * 400}, {})
    assert [finding.kind for finding in missing] == ["operation"]
    found = check(cast("Interaction", None), {"method": "GET", "path": "/abcdex"}, {"status": 200})
    assert found == []
