"""The pytest plugin reads pact files as `accord verify` does: at most 64 MiB, then refused.

`accord_event_check(path)` and the provider taken from the first pact file read them whole, so
`/dev/zero` hung the test run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifier import _files
from verifier._sources import PactFile
from verifier.pytest_plugin.events import _pact
from verifier.pytest_plugin.options import _provider_of_first_pact

LIMIT = 2048  # what the tests lower the 64 MiB to


def pact_file(path: Path, provider: str, size: int) -> Path:
    """A pact for `provider`, padded with spaces to `size` bytes."""
    document = {"consumer": {"name": "Orders"}, "provider": {"name": provider}, "interactions": []}
    content = json.dumps(document).encode()
    path.write_bytes(content + b" " * (size - len(content)))
    return path


def test_a_pact_over_the_limit_fails_the_event_check_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_files, "MAX_DOCUMENT_BYTES", LIMIT)
    at_limit = pact_file(tmp_path / "small.json", "Stock", LIMIT)
    over = pact_file(tmp_path / "big.json", "Stock", LIMIT + 1)

    assert _pact(at_limit).provider == "Stock"
    with pytest.raises(pytest.fail.Exception, match=rf"^The pact {over} is larger than 2 KiB\.$"):
        _pact(over)


def test_dev_zero_fails_the_event_check_after_the_limit() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"^The pact /dev/zero is larger than 64 MiB"):
        _pact("/dev/zero")


def test_the_provider_is_not_taken_from_a_pact_over_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It is skipped, as a file that is not a pact is; the next one names the provider."""
    monkeypatch.setattr(_files, "MAX_DOCUMENT_BYTES", LIMIT)
    over = pact_file(tmp_path / "big.json", "Huge", LIMIT + 1)
    at_limit = pact_file(tmp_path / "small.json", "Stock", LIMIT)

    assert _provider_of_first_pact([PactFile(str(over)), PactFile(str(at_limit))]) == "Stock"
