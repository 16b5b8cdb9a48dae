"""Checking a received pact before the broker stores it.

The schema work is `verifier.pact_validation`, which `accord validate-pact` runs too, so the
command and the broker give one verdict. Two profiles:

- **lenient** (the default) refuses every schema fault except the named real-client faults
  (`verifier.pact_validation.TOLERANCES`: shapes pact-jvm, the Rust core and pact-python write),
  which it accepts and reports in a `warning` notice.
- **strict** (`ACCORD_STRICT_PACTS=true`) refuses every schema fault.
"""

from __future__ import annotations

import msgspec

from broker.domain.errors import FieldError, InvalidInputError, Notice
from broker.domain.pacts import PactDocument, decode_pact, json_pointer, read_pact
from verifier.pact_validation import BY_NAME, Fault, validate_pact

MAX_REPORTED = 100  # problems listed in a refusal


class CheckedPact(msgspec.Struct, frozen=True, kw_only=True):
    """A pact that passed the check, and what the check let through.

    Attributes:
        pact: the parsed pact.
        tolerated: the named real-client faults the lenient profile accepted.
        inferred: whether the specification version was read from the pact's shape because
            the pact declares none.
    """

    pact: PactDocument
    tolerated: tuple[Fault, ...] = ()
    inferred: bool = False


def check_pact(raw: bytes, consumer: str, provider: str, *, strict: bool = False) -> CheckedPact:
    """Parse a received pact, validate it and check who it is between.

    Args:
        raw: the pact as received.
        consumer: the consumer the request publishes for; the pact's `consumer.name` must be it.
        provider: the provider the request names; the pact's `provider.name` must be it.
        strict: refuse every schema fault, the named real-client faults too.

    Returns:
        The parsed pact and the faults let through.

    Raises:
        InvalidInputError: with every problem found: unreadable parts, schema faults (each
            with its JSON pointer) and names that differ from the request's.
    """
    document = decode_pact(raw)
    problems: list[FieldError] = []
    pact: PactDocument | None = None
    try:
        pact = read_pact(document)
    except InvalidInputError as error:
        problems += error.errors
    validation = validate_pact(document)
    seen = {p.pointer for p in problems}
    problems += [
        FieldError(f.pointer, _detail(f))
        for f in validation.refused(strict=strict)
        if f.pointer not in seen
    ]
    for role, expected, found in (
        ("consumer", consumer, pact.consumer if pact else None),
        ("provider", provider, pact.provider if pact else None),
    ):
        if found is not None and found != expected:
            problems.append(
                FieldError(
                    json_pointer(role, "name"),
                    f"is {found!r}, but the pact is published for {role} {expected!r}",
                )
            )
    if problems or pact is None:
        count = len(problems)
        if count > MAX_REPORTED:
            # A pact with a fault in each of 100,000 interactions would get a response as
            # big as itself; the first ones are enough to fix the writer.
            rest = FieldError("", f"and {count - MAX_REPORTED} more problems like these")
            problems = [*problems[:MAX_REPORTED], rest]
        raise InvalidInputError(
            f"The pact is not valid: {count} problem{'s' if count != 1 else ''}", problems
        )
    return CheckedPact(
        pact=pact,
        tolerated=tuple(validation.tolerated(strict=strict)),
        inferred=validation.is_inferred,
    )


def _detail(fault: Fault) -> str:
    if fault.tolerance is None:
        return fault.detail
    # Only strict validation refuses a named fault: say why a client's own output is refused.
    return f"{fault.detail} ({fault.tolerance}: real clients write this; strict validation is on)"


def check_notices(checked: CheckedPact) -> list[Notice]:
    """What the publish response says about a pact the check let through with remarks.

    A `warning` notice names each tolerated real-client fault with its first place, so the
    team can fix its writer before strict validation refuses the pact; an `info` notice says
    when the specification version was read from the pact's shape.
    """
    pact = checked.pact
    between = f"The pact between {pact.consumer} and {pact.provider}"
    notices = []
    if checked.inferred:
        notices.append(
            Notice(
                "info",
                f"{between} declares no specification version (metadata.pactSpecification."
                f"version); it was read as V{pact.specification} from its shape",
            )
        )
    if checked.tolerated:
        places: dict[str, list[str]] = {}
        for fault in checked.tolerated:
            assert fault.tolerance is not None, "tolerated faults are named"
            places.setdefault(fault.tolerance, []).append(fault.pointer)
        described = "; ".join(
            f"{BY_NAME[name].summary} [{name}] at {pointers[0]}"
            + (f" and {len(pointers) - 1} more" if len(pointers) > 1 else "")
            for name, pointers in places.items()
        )
        notices.append(
            Notice(
                "warning",
                f"{between} does not follow the Pact V{pact.specification} schema; it was "
                f"accepted because real Pact clients write these faults: {described}. "
                "A broker with ACCORD_STRICT_PACTS=true refuses it",
            )
        )
    return notices
