"""Every command's `--output` takes the same names (issue 12, item 15)."""

from __future__ import annotations

import argparse

import pytest

from clients.cli.__main__ import build_parser
from clients.cli.output_flag import OUTPUTS, WITH_JUNIT, WITH_MARKDOWN

# Commands that report test results add `junit`; the rest take exactly `table|json`.
JUNIT_COMMANDS = {"verify", "probe", "event-check"}
# Commands whose human view is a markdown document add `markdown` (the same as `table`).
MARKDOWN_COMMANDS = {"coverage"}
# `accord broker ...` hands its arguments to the broker's own parser; `accord fault-proxy` is a
# server that prints no output.
PASS_THROUGH = {"broker", "fault-proxy"}


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(found) == 1
    return dict(found[0].choices)


def output_action(parser: argparse.ArgumentParser) -> argparse.Action:
    matches = [action for action in parser._actions if "--output" in action.option_strings]
    assert len(matches) == 1
    return matches[0]


def test_trust_15_every_command_takes_the_same_output_names() -> None:
    """Walk every command's parser: `-o/--output` with `table|json` (`junit` where it applies)."""
    seen = commands()
    assert len(seen) > 30  # the walk reaches every command, not an empty table
    wrong = {}
    for name, parser in seen.items():
        if name in PASS_THROUGH:
            continue
        action = output_action(parser)
        expected = (
            WITH_JUNIT
            if name in JUNIT_COMMANDS
            else WITH_MARKDOWN
            if name in MARKDOWN_COMMANDS
            else OUTPUTS
        )
        if (
            tuple(action.choices or ()) != expected
            or action.default != "table"
            or "-o" not in action.option_strings
        ):
            wrong[name] = (action.option_strings, action.choices, action.default)
    assert wrong == {}


@pytest.mark.parametrize("name", sorted(set(commands()) - PASS_THROUGH))
def test_trust_15_text_is_an_alias_of_table_on_every_command(name: str) -> None:
    """`--output text`, which pipelines written for the pact-broker CLI pass, reads as `table`."""
    action = output_action(commands()[name])
    assert action.type is not None
    assert callable(action.type)
    assert action.type("text") == "table"
    assert action.type("json") == "json"


def test_trust_15_an_unknown_output_name_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["list-environments", "--output", "yaml"])
    assert exited.value.code == 2
    assert "yaml" in (err := capsys.readouterr().err)
    assert "table" in err
    assert "json" in err


def test_trust_15_version_prints_the_installed_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--version"])
    assert exited.value.code == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("accord ")
    assert printed.split(" ")[1][0].isdigit()
