"""The guarded sender against real receivers on 127.0.0.1, with resolvers the tests choose."""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest

from broker.webhooks.guard import Resolver, WebhookPolicy, check_webhook_request, system_resolver
from broker.webhooks.sender import SendResult, WebhookSender
from tests.support.webhook_receiver import (
    Receiver,
    answering,
    running_receiver,
    silent,
    streaming_forever,
)

HTTP_AND_HTTPS = frozenset({"http", "https"})
LOOPBACK_ALLOWED = WebhookPolicy(schemes=HTTP_AND_HTTPS, allowed_hosts=("127.0.0.0/8",))
NOTHING_ALLOWED = WebhookPolicy(schemes=HTTP_AND_HTTPS)


def answers(*rounds: Sequence[str]) -> Resolver:
    """A resolver giving each round's addresses in turn (the last one from then on)."""
    remaining = list(rounds)

    async def resolver(host: str, port: int) -> Sequence[str]:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return resolver


async def unresolvable(host: str, port: int) -> Sequence[str]:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


async def never_asked(host: str, port: int) -> Sequence[str]:
    raise AssertionError(f"the resolver was asked about {host}")


@pytest.fixture
async def make_sender() -> AsyncIterator[Callable[..., WebhookSender]]:
    made: list[WebhookSender] = []

    def make(policy: WebhookPolicy, **options: object) -> WebhookSender:
        sender = WebhookSender(policy, **options)  # type: ignore[arg-type]  # tests pick options
        made.append(sender)
        return sender

    yield make
    for sender in made:
        await sender.aclose()


async def post(sender: WebhookSender, url: str, body: bytes = b'{"event": 1}') -> SendResult:
    return await sender.send("POST", url, [("Content-Type", "application/json")], body)


async def test_an_allowed_receiver_gets_the_request_and_its_answer_comes_back(
    make_sender: Callable[..., WebhookSender],
) -> None:
    behaviour = answering(201, b"thanks", (("X-Receiver", "yes"),))
    async with running_receiver(behaviour) as receiver:
        sender = make_sender(LOOPBACK_ALLOWED, resolver=answers(["127.0.0.1"]))
        result = await sender.send(
            "post",
            f"http://hooks.test:{receiver.port}/build?ref=main#ignored",
            [("Content-Type", "application/json"), ("Host", "elsewhere.test")],
            b'{"event": 1}',
        )
    assert result.error is None
    assert (result.status, result.body, result.succeeded) == (201, "thanks", True)
    assert ("X-Receiver", "yes") in result.headers
    assert isinstance(result.duration_ms, float)
    head = receiver.head_of(0)
    assert head.startswith("POST /build?ref=main HTTP/1.1\r\n")
    assert f"Host: hooks.test:{receiver.port}" in head.split("\r\n")
    assert "elsewhere.test" not in head
    assert receiver.requests[0].endswith(b'\r\n\r\n{"event": 1}')


async def test_a_receiver_not_on_the_allow_list_gets_no_connection(
    make_sender: Callable[..., WebhookSender],
) -> None:
    async with running_receiver(answering()) as receiver:
        sender = make_sender(NOTHING_ALLOWED, resolver=never_asked)
        result = await post(sender, f"http://127.0.0.1:{receiver.port}/hook")
    assert result.status is None
    assert result.succeeded is False
    assert result.error is not None
    assert "127.0.0.1 is a loopback address" in result.error
    assert "ACCORD_WEBHOOK_ALLOWED_HOSTS" in result.error
    assert receiver.connections == 0


async def test_a_dns_answer_that_changes_after_the_check_gets_no_connection(
    make_sender: Callable[..., WebhookSender],
) -> None:
    """Rebinding: public when the webhook is created, loopback when it is called."""
    rebinding = answers(["93.184.216.34"], ["127.0.0.1"])
    async with running_receiver(answering()) as receiver:
        url = f"http://rebind.test:{receiver.port}/hook"
        assert await check_webhook_request("POST", url, NOTHING_ALLOWED, rebinding) == []
        result = await post(make_sender(NOTHING_ALLOWED, resolver=rebinding), url)
    assert result.status is None
    assert result.error is not None
    assert "rebind.test resolves to 127.0.0.1, a loopback address" in result.error
    assert receiver.connections == 0


async def test_every_answer_is_vetted_and_the_call_goes_to_an_allowed_one(
    make_sender: Callable[..., WebhookSender],
) -> None:
    async with running_receiver(answering(204)) as receiver:
        resolver = answers(["10.0.0.1", "169.254.169.254", "127.0.0.1"])
        result = await post(
            make_sender(LOOPBACK_ALLOWED, resolver=resolver),
            f"http://mixed.test:{receiver.port}/",
        )
    assert (result.status, result.error) == (204, None)
    assert receiver.connections == 1


async def test_a_receiver_allowed_by_name_is_reached_at_its_resolved_address(
    make_sender: Callable[..., WebhookSender],
) -> None:
    policy = WebhookPolicy(schemes=HTTP_AND_HTTPS, allowed_hosts=("Receiver.Test",))
    async with running_receiver(answering()) as receiver:
        result = await post(
            make_sender(policy, resolver=answers(["127.0.0.1"])),
            f"http://receiver.test:{receiver.port}/",
        )
    assert (result.status, result.error) == (200, None)


async def test_a_method_or_scheme_the_policy_refuses_is_not_sent(
    make_sender: Callable[..., WebhookSender],
) -> None:
    async with running_receiver(answering()) as receiver:
        url = f"http://127.0.0.1:{receiver.port}/"
        by_method = await make_sender(LOOPBACK_ALLOWED).send("DELETE", url, [], b"")
        https_only = WebhookPolicy(allowed_hosts=("127.0.0.0/8",))
        by_scheme = await post(make_sender(https_only), url)
    assert by_method.error is not None
    assert "the method DELETE is refused: it must be POST" in by_method.error
    assert by_scheme.error is not None
    assert "the URL must use https" in by_scheme.error
    assert receiver.connections == 0


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("http://user:secret@127.0.0.1:{port}/", "the URL must not carry a user name or password"),
        ("ftp://127.0.0.1:{port}/", "the URL must use http or https"),
        ("http://${host}:{port}/", "the URL must not have a template variable in its host"),
        ("http://127.0.0.1:{port}/\r\nX: 1", "the URL must not contain spaces or control"),
    ],
)
async def test_a_url_the_guard_refuses_is_not_sent(
    make_sender: Callable[..., WebhookSender], url: str, detail: str
) -> None:
    async with running_receiver(answering()) as receiver:
        target = url.replace("{port}", str(receiver.port))
        result = await post(make_sender(LOOPBACK_ALLOWED, resolver=never_asked), target)
    assert result.error is not None
    assert result.error.startswith(f"Refused by the webhook guard: {detail}")
    assert receiver.connections == 0


async def test_a_host_that_does_not_resolve_is_an_error_not_an_exception(
    make_sender: Callable[..., WebhookSender],
) -> None:
    result = await post(make_sender(LOOPBACK_ALLOWED, resolver=unresolvable), "https://gone.test/")
    assert result.status is None
    assert result.error is not None
    assert "the host gone.test does not resolve" in result.error


async def test_a_closed_port_is_a_connect_error(
    make_sender: Callable[..., WebhookSender],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = await post(make_sender(LOOPBACK_ALLOWED), f"http://127.0.0.1:{port}/")
    assert result.status is None
    assert result.error is not None
    assert result.error.startswith("Could not connect")


async def test_a_redirect_is_a_result_and_is_not_followed(
    make_sender: Callable[..., WebhookSender],
) -> None:
    async with running_receiver(answering()) as target:
        moved = answering(302, headers=(("Location", f"http://127.0.0.1:{target.port}/"),))
        async with running_receiver(moved) as receiver:
            result = await post(make_sender(LOOPBACK_ALLOWED), f"http://127.0.0.1:{receiver.port}/")
    assert result.error is None
    assert result.status == 302
    assert result.succeeded is False
    assert len(receiver.requests) == 1
    assert target.connections == 0


async def test_a_receiver_that_never_answers_times_out(
    make_sender: Callable[..., WebhookSender],
) -> None:
    async with running_receiver(silent) as receiver:
        sender = make_sender(LOOPBACK_ALLOWED, timeout=0.5)
        result = await post(sender, f"http://127.0.0.1:{receiver.port}/")
    assert result.status is None
    assert result.error == "Timed out: no complete response within 0.5 seconds."


async def test_a_large_body_is_cut_at_the_cap(make_sender: Callable[..., WebhookSender]) -> None:
    body = "é".encode() * 50_000
    async with running_receiver(answering(500, body)) as receiver:
        sender = make_sender(LOOPBACK_ALLOWED, max_response_bytes=1001)
        result = await post(sender, f"http://127.0.0.1:{receiver.port}/")
    assert result.status == 500
    assert result.succeeded is False
    # 500 whole characters, then half of one (a replacement character).
    assert result.body == "é" * 500 + "\ufffd"


async def test_a_body_that_never_ends_is_read_up_to_the_cap(
    make_sender: Callable[..., WebhookSender],
) -> None:
    async with running_receiver(streaming_forever) as receiver:
        sender = make_sender(LOOPBACK_ALLOWED, max_response_bytes=4096)
        result = await post(sender, f"http://127.0.0.1:{receiver.port}/")
    assert result.error is None
    assert (result.status, result.body) == (200, "y" * 4096)


async def test_the_sender_never_raises_for_bad_headers(
    make_sender: Callable[..., WebhookSender],
) -> None:
    async with running_receiver(answering()) as receiver:
        result = await make_sender(LOOPBACK_ALLOWED).send(
            "POST", f"http://127.0.0.1:{receiver.port}/", [("X-Bad", "a\r\nInjected: 1")], b""
        )
    assert result.status is None
    assert result.error is not None
    assert result.error.startswith("The request could not be sent")
    assert receiver.requests == []


async def test_a_receiver_that_hangs_up_is_an_error(
    make_sender: Callable[..., WebhookSender],
) -> None:
    async def hang_up(receiver: Receiver, writer: asyncio.StreamWriter) -> None:
        """Read the request, answer nothing and close."""

    async with running_receiver(hang_up) as receiver:
        result = await post(make_sender(LOOPBACK_ALLOWED), f"http://127.0.0.1:{receiver.port}/")
    assert result.status is None
    assert result.error is not None
    assert result.error.startswith("The exchange failed")


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "0177.0.0.1"])
async def test_odd_spellings_of_loopback_are_refused_once_resolved(host: str) -> None:
    """The system resolver reads these as 127.0.0.1 (inet_aton); the guard sees its answer."""
    errors = await check_webhook_request(
        "POST", f"https://{host}/hook", WebhookPolicy(), system_resolver
    )
    assert [error.detail for error in errors] == [
        f"the host {host} resolves to 127.0.0.1, a loopback address; "
        "set ACCORD_WEBHOOK_ALLOWED_HOSTS to allow it"
    ]


async def test_the_system_resolver_answers_off_the_loop_and_localhost_is_refused() -> None:
    assert list(await system_resolver("127.0.0.1", 443)) == ["127.0.0.1"]
    errors = await check_webhook_request(
        "POST", "https://localhost/hook", WebhookPolicy(), system_resolver
    )
    assert [error.pointer for error in errors] == ["/request/url"]
    assert "loopback" in errors[0].detail


def certificate_for(name: str, directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate (its own CA) for the DNS name `name`, made by `openssl`."""
    certificate, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
            "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate, key


async def tls_call(
    certified_name: str, tmp_path: Path, make_sender: Callable[..., WebhookSender]
) -> tuple[SendResult, Receiver]:
    """POST to https://receiver.test (resolved to 127.0.0.1), served with a certificate for
    `certified_name`, trusting that certificate."""
    certificate, key = certificate_for(certified_name, tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(certificate, key)
    client_context = ssl.create_default_context(cafile=str(certificate))
    async with running_receiver(answering(200, b"secure"), server_context) as receiver:
        sender = make_sender(
            LOOPBACK_ALLOWED, resolver=answers(["127.0.0.1"]), ssl_context=client_context
        )
        result = await post(sender, f"https://receiver.test:{receiver.port}/")
    return result, receiver


async def test_tls_verifies_the_certificate_against_the_urls_host_name(
    tmp_path: Path, make_sender: Callable[..., WebhookSender]
) -> None:
    """Connected by address, the sender still asks for and checks the name in the URL."""
    result, _ = await tls_call("receiver.test", tmp_path, make_sender)
    assert (result.status, result.body, result.error) == (200, "secure", None)


async def test_tls_refuses_a_certificate_for_another_name(
    tmp_path: Path, make_sender: Callable[..., WebhookSender]
) -> None:
    result, receiver = await tls_call("other.test", tmp_path, make_sender)
    assert result.status is None
    assert result.error is not None
    assert "certificate" in result.error.lower()
    assert receiver.requests == []
