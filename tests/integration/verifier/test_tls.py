"""TLS options: an HTTPS provider with a self-signed certificate (made by `openssl`)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.verifier.conftest import PROVIDER, user_pact, without_broken, write_pact
from tests.support.provider_app import TOKEN, create_app, running_provider
from verifier import PactFile, Provider, Verifier


@pytest.fixture
def https_provider(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The provider app over HTTPS; its URL and the certificate, which is its own CA."""
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with running_provider(create_app(), certificate=str(certificate), key=str(key)) as url:
        yield url, certificate


def https(url: str, **options: object) -> Provider:
    defaults: dict[str, object] = {
        "state_change_url": f"{url}/_pact/provider-states",
        "custom_headers": {"Authorization": f"Bearer {TOKEN}"},
    }
    return Provider(name=PROVIDER, base_url=url, **(defaults | options))  # type: ignore[arg-type]


async def test_an_untrusted_certificate_is_refused_by_default(
    https_provider: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = https_provider
    pact = write_pact(tmp_path, without_broken(user_pact()))
    result = await Verifier(https(url, state_change_url=None)).verify([PactFile(pact)])
    errors = [item.error or "" for item in result.pacts[0].interactions]
    assert all("CERTIFICATE_VERIFY_FAILED" in error for error in errors), errors


async def test_the_ca_file_makes_the_certificate_trusted(
    https_provider: tuple[str, Path], tmp_path: Path
) -> None:
    url, certificate = https_provider
    pact = write_pact(tmp_path, without_broken(user_pact()))
    result = await Verifier(https(url, ca_file=str(certificate))).verify([PactFile(pact)])
    assert result.is_success


async def test_verification_can_be_turned_off(
    https_provider: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = https_provider
    pact = write_pact(tmp_path, without_broken(user_pact()))
    result = await Verifier(https(url, verify_tls=False)).verify([PactFile(pact)])
    assert result.is_success
