"""Where `accord create-user` and `change-password` read a new password from (issue 12, item 17)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from clients.cli import users
from clients.cli.errors import CommandError


def test_trust_17_a_piped_password_is_its_first_line() -> None:
    assert users.new_password(None, stdin=io.StringIO("s3cret pass\nignored\n"), ask=False) == (
        "s3cret pass"
    )


def test_trust_17_a_password_file_is_read_and_dash_is_stdin(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("from a file\r\n")
    assert users.new_password(str(secret), stdin=io.StringIO(""), ask=True) == "from a file"
    assert users.new_password("-", stdin=io.StringIO("piped\n"), ask=True) == "piped"
    with pytest.raises(CommandError, match="does not exist"):
        users.new_password(str(tmp_path / "missing"), stdin=io.StringIO(""), ask=False)


def test_trust_17_the_prompt_asks_twice_and_refuses_a_mismatch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = iter(["typed twice", "typed twice", "one", "another"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert users.new_password(None, stdin=io.StringIO(""), ask=True) == "typed twice"
    with pytest.raises(CommandError, match="differ"):
        users.new_password(None, stdin=io.StringIO(""), ask=True)


def test_trust_17_nothing_given_is_one_sentence() -> None:
    with pytest.raises(CommandError, match="No password given"):
        users.new_password(None, stdin=io.StringIO(""), ask=False)
