"""The opaque segment Accord puts in the pact URLs it hands to verifiers (pact-broker-api §6).

The verifier publishes its result to a URL built from the pact's, so the segment comes back
with the result: it is the only way the broker learns which consumer versions, and whether a
pending or work-in-progress pact, a result was for. Base64url JSON `{cvn, p, w}`.
"""

from __future__ import annotations

import base64

import msgspec


def is_wip_metadata(metadata: str | None) -> bool:
    """Whether a pact URL's metadata segment marks a WIP verification (see `pact_metadata`)."""
    return bool(metadata) and bool(decode_metadata(metadata or "").get("w"))


def encode_metadata(consumer_versions: tuple[str, ...], *, pending: bool, wip: bool) -> str:
    """The opaque pact-URL segment: base64url JSON of the consumer versions, pending and WIP.

    It comes back on the verification result's URL, the only way the broker learns what a
    result was for (§6).
    """
    facts = {"cvn": list(consumer_versions), "p": pending, "w": wip}
    return base64.urlsafe_b64encode(msgspec.json.encode(facts)).decode().rstrip("=")


def decode_metadata(metadata: str) -> dict[str, object]:
    """The facts `encode_metadata` wrote, or nothing when the segment is not ours."""
    try:
        decoded = msgspec.json.decode(
            base64.urlsafe_b64decode(metadata + "=" * (-len(metadata) % 4))
        )
    except (ValueError, msgspec.DecodeError, RecursionError):
        return {}
    return decoded if isinstance(decoded, dict) else {}
