"""The SSRF guard's creation-time check, with resolvers that answer from a table (no DNS)."""

from __future__ import annotations

import socket
from collections.abc import Sequence

import pytest

from broker.domain.errors import FieldError
from broker.webhooks.guard import (
    Resolver,
    WebhookPolicy,
    address_allowed,
    allowed_host_entry,
    check_webhook_request,
)

DEFAULT = WebhookPolicy()


def resolving_to(*addresses: str) -> Resolver:
    async def resolver(host: str, port: int) -> Sequence[str]:
        return addresses

    return resolver


async def never_asked(host: str, port: int) -> Sequence[str]:
    raise AssertionError(f"the resolver was asked about {host}")


async def url_errors(
    url: str, policy: WebhookPolicy = DEFAULT, resolver: Resolver = never_asked
) -> list[str]:
    errors = await check_webhook_request("POST", url, policy, resolver)
    assert all(error.pointer == "/request/url" for error in errors)
    return [error.detail for error in errors]


INTERNAL = [
    ("127.0.0.1", "a loopback address"),
    ("127.255.0.9", "a loopback address"),
    ("::1", "a loopback address"),
    ("0.0.0.0", "the unspecified address"),
    ("::", "the unspecified address"),
    ("169.254.169.254", "the cloud metadata service's address"),
    ("fd00:ec2::254", "the cloud metadata service's address"),
    ("169.254.10.1", "a link-local address"),
    ("fe80::1", "a link-local address"),
    ("fe80::1%eth0", "a link-local address"),
    ("10.0.0.1", "a private address"),
    ("172.16.5.4", "a private address"),
    ("172.31.255.255", "a private address"),
    ("192.168.1.1", "a private address"),
    ("fc00::1", "a private address"),
    ("fd12:3456::1", "a private address"),
    ("100.64.0.1", "a shared (CGNAT) address"),
    ("100.127.255.254", "a shared (CGNAT) address"),
    ("224.0.0.1", "a multicast address"),
    ("239.255.255.250", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("240.0.0.1", "a reserved address"),
    ("255.255.255.255", "a reserved address"),
    ("192.0.2.1", "a reserved address"),
    ("2001:db8::1", "a reserved address"),
    ("::ffff:127.0.0.1", "an IPv6 form of 127.0.0.1, a loopback address"),
    ("::ffff:169.254.169.254", "an IPv6 form of 169.254.169.254, the cloud metadata"),
    ("::ffff:10.1.2.3", "an IPv6 form of 10.1.2.3, a private address"),
    ("::ffff:0.0.0.0", "an IPv6 form of 0.0.0.0, the unspecified address"),
    ("::127.0.0.1", "an IPv6 form of 127.0.0.1, a loopback address"),
    ("2002:a9fe:a9fe::1", "an IPv6 form of 169.254.169.254, the cloud metadata"),
    ("64:ff9b::192.168.0.1", "an IPv6 form of 192.168.0.1, a private address"),
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "172.32.0.1", "2606:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize(("address", "kind"), INTERNAL)
async def test_a_host_resolving_to_an_internal_address_is_refused(address: str, kind: str) -> None:
    [detail] = await url_errors("https://hooks.example.com/build", resolver=resolving_to(address))
    assert detail.startswith(f"the host hooks.example.com resolves to {address}, {kind}")
    assert detail.endswith("; set ACCORD_WEBHOOK_ALLOWED_HOSTS to allow it")


@pytest.mark.parametrize(("address", "kind"), INTERNAL)
def test_an_internal_address_as_the_host_is_refused(address: str, kind: str) -> None:
    reason = address_allowed(address, address, DEFAULT)
    assert reason is not None
    assert reason.startswith(f"{address} is {kind}")


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("https://127.0.0.1/hook", "127.0.0.1 is a loopback address"),
        ("https://[::1]:8443/hook", "::1 is a loopback address"),
        ("https://[::ffff:7f00:1]/hook", "::ffff:7f00:1 is an IPv6 form of 127.0.0.1"),
        ("https://169.254.169.254/latest/meta-data", "169.254.169.254 is the cloud metadata"),
        ("https://[fe80::1]/", "fe80::1 is a link-local address"),
    ],
)
async def test_an_address_in_the_url_is_refused_without_resolving(url: str, detail: str) -> None:
    [found] = await url_errors(url)
    assert found.startswith(detail)


@pytest.mark.parametrize("address", PUBLIC)
async def test_a_public_address_passes(address: str) -> None:
    assert await url_errors("https://hooks.example.com/", resolver=resolving_to(address)) == []


async def test_every_address_of_the_host_must_pass() -> None:
    resolver = resolving_to("93.184.216.34", "10.0.0.1")
    [detail] = await url_errors("https://hooks.example.com/", resolver=resolver)
    assert "resolves to 10.0.0.1, a private address" in detail


@pytest.mark.parametrize(
    ("allowed", "address"),
    [
        (("hooks.example.com",), "10.0.0.1"),
        (("HOOKS.Example.com.",), "127.0.0.1"),
        (("10.0.0.0/8",), "10.20.30.40"),
        (("10.20.30.40",), "10.20.30.40"),
        (("127.0.0.0/8",), "::ffff:127.0.0.1"),
        (("::1/128",), "::1"),
        (("fd00::/8",), "fd00::5"),
        (("169.254.169.254/32",), "169.254.169.254"),
    ],
)
async def test_the_allow_list_lets_a_host_through(allowed: tuple[str, ...], address: str) -> None:
    policy = WebhookPolicy(allowed_hosts=allowed)
    url = "https://hooks.example.com/"
    assert await url_errors(url, policy, resolving_to(address)) == []


@pytest.mark.parametrize(
    ("allowed", "address"),
    [
        (("other.example.com",), "10.0.0.1"),
        (("example.com",), "10.0.0.1"),  # exact names only: no parent domains
        (("10.0.0.0/8",), "192.168.0.1"),
        (("127.0.0.1",), "127.0.0.2"),
        (("::1/128",), "127.0.0.1"),
    ],
)
async def test_the_allow_list_lets_nothing_else_through(
    allowed: tuple[str, ...], address: str
) -> None:
    policy = WebhookPolicy(allowed_hosts=allowed)
    [detail] = await url_errors("https://hooks.example.com/", policy, resolving_to(address))
    assert f"resolves to {address}" in detail


async def test_an_address_url_on_the_allow_list_passes() -> None:
    policy = WebhookPolicy(allowed_hosts=("127.0.0.0/8", "::1"))
    assert await url_errors("https://127.0.0.1:9000/", policy) == []
    assert await url_errors("https://[::1]:9000/", policy) == []


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("http://hooks.example.com/", "must use https"),
        ("ftp://hooks.example.com/", "must use https"),
        ("hooks.example.com/build", "must use https"),
        ("https:///build", "must name a host"),
        ("https://user:secret@hooks.example.com/", "must not carry a user name or password"),
        ("https://token@hooks.example.com/", "must not carry a user name or password"),
        ("https://hooks.example.com:99999/", "is not a valid URL"),
        ("https://hooks.example.com:0/", "must have a port from 1 to 65535"),
        ("https://hooks.example.com/a b", "must not contain spaces or control characters"),
        ("https://hooks.example.com/\n", "must not contain spaces or control characters"),
        ("https://bücher.example/", "must spell its host in ASCII"),
        ("https://${pactbroker.providerName}.example.com/", "must not have a template variable"),
        ("https://${webhook.host}/build", "must not have a template variable"),
        ("https://hooks.example.com${x}/build", "must not have a template variable"),
    ],
)
async def test_a_url_the_policy_cannot_take_is_refused(url: str, detail: str) -> None:
    found = await url_errors(url, resolver=resolving_to("93.184.216.34"))
    assert len(found) == 1
    assert found[0].startswith(detail), found


async def test_http_passes_where_the_policy_allows_it_and_is_guarded_the_same() -> None:
    policy = WebhookPolicy(schemes=frozenset({"http", "https"}))
    public, loopback = resolving_to("93.184.216.34"), resolving_to("127.0.0.1")
    assert await url_errors("http://hooks.example.com/", policy, public) == []
    [detail] = await url_errors("http://hooks.example.com/", policy, loopback)
    assert "a loopback address" in detail
    assert await url_errors("ftp://hooks.example.com/", policy, public) == [
        "must use http or https"
    ]


async def test_template_variables_may_stand_in_the_path_and_query() -> None:
    asked: list[tuple[str, int]] = []

    async def resolver(host: str, port: int) -> Sequence[str]:
        asked.append((host, port))
        return ["93.184.216.34"]

    url = (
        "https://ci.example.com:8443/job/${pactbroker.providerName}/build"
        "?consumer=${pactbroker.consumerName}&sha=${pactbroker.consumerVersionNumber}"
    )
    assert await url_errors(url, resolver=resolver) == []
    assert asked == [("ci.example.com", 8443)]


async def test_a_host_that_does_not_resolve_is_refused() -> None:
    async def unresolvable(host: str, port: int) -> Sequence[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    [detail] = await url_errors("https://gone.example.com/", resolver=unresolvable)
    assert detail.startswith("the host gone.example.com does not resolve")
    [detail] = await url_errors("https://gone.example.com/", resolver=resolving_to())
    assert detail == "the host gone.example.com does not resolve to any address"


async def test_a_resolver_answer_that_is_no_address_is_refused() -> None:
    [detail] = await url_errors("https://odd.example.com/", resolver=resolving_to("not-an-ip"))
    assert "which is not an IP address" in detail


@pytest.mark.parametrize(
    ("method", "allowed", "errors"),
    [
        ("POST", {"POST"}, []),
        ("post", {"POST"}, []),
        ("GET", {"POST"}, [FieldError("/request/method", "must be POST (ACCORD_WEBHOOK_METHODS)")]),
        (
            "DELETE",
            {"POST", "PUT"},
            [FieldError("/request/method", "must be POST or PUT (ACCORD_WEBHOOK_METHODS)")],
        ),
        ("PUT", {"POST", "PUT"}, []),
    ],
)
async def test_the_method_must_be_one_the_policy_allows(
    method: str, allowed: set[str], errors: list[FieldError]
) -> None:
    policy = WebhookPolicy(methods=frozenset(allowed))
    url = "https://hooks.example.com/"
    assert await check_webhook_request(method, url, policy, resolving_to("1.1.1.1")) == errors


async def test_a_bad_method_and_a_bad_url_are_both_reported() -> None:
    errors = await check_webhook_request("GET", "http://127.0.0.1/", DEFAULT, never_asked)
    assert [error.pointer for error in errors] == ["/request/method", "/request/url"]


@pytest.mark.parametrize(
    ("entry", "normalised"),
    [
        ("127.0.0.1", "127.0.0.1/32"),
        ("10.1.2.3/8", "10.0.0.0/8"),
        ("::1", "::1/128"),
        ("FD00::/8", "fd00::/8"),
        (" Hooks.Example.COM. ", "hooks.example.com"),
        ("localhost", "localhost"),
    ],
)
def test_allow_list_entries_are_normalised(entry: str, normalised: str) -> None:
    assert allowed_host_entry(entry) == normalised


@pytest.mark.parametrize(
    "entry", ["10.0.0.0/33", "300.1.1.1", "*.example.com", "bad_name", "-x.example", "fe80::/200"]
)
def test_a_bad_allow_list_entry_is_refused(entry: str) -> None:
    with pytest.raises(ValueError, match="is not"):
        allowed_host_entry(entry)
    with pytest.raises(ValueError, match="is not"):
        WebhookPolicy(allowed_hosts=(entry,))


def test_a_policy_names_only_known_schemes_and_methods() -> None:
    with pytest.raises(ValueError, match="unknown webhook schemes: ftp"):
        WebhookPolicy(schemes=frozenset({"ftp"}))
    with pytest.raises(ValueError, match="unknown webhook methods: CONNECT"):
        WebhookPolicy(methods=frozenset({"CONNECT"}))
