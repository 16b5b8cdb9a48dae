"""Rules for the names users give things (pacticipants, versions, branches, tags, environments)."""

from __future__ import annotations

from broker.domain.errors import FieldError, InvalidInputError

MAX_NAME_LENGTH = 255


def name_problems(value: str, pointer: str, *, spaces: bool = True) -> list[FieldError]:
    """What is wrong with `value` as a name, as field errors at `pointer` (empty when fine).

    Messages do not repeat the field's name: the pointer names it.

    Args:
        value: the name as the user sent it.
        pointer: where it sits in the request (a JSON pointer, or a path segment name).
        spaces: whether spaces are allowed (environment names and main branches forbid them).
    """
    if not value.strip():
        return [FieldError(pointer, "must not be blank")]
    problems = []
    if "\n" in value or "\r" in value:
        problems.append(FieldError(pointer, "must be a single line"))
    if not spaces and any(c.isspace() for c in value):
        problems.append(FieldError(pointer, "must not contain spaces"))
    if len(value) > MAX_NAME_LENGTH:
        problems.append(FieldError(pointer, f"must be at most {MAX_NAME_LENGTH} characters"))
    if "\x00" in value:
        problems.append(FieldError(pointer, "must not contain NUL characters"))
    return problems


# A branch with one of these names becomes the pacticipant's main branch when it has none yet,
# as the Pact Broker's `auto_detect_main_branch` does with its default candidates.
MAIN_BRANCH_CANDIDATES = ("develop", "main", "master")


def check_name(value: str, pointer: str, what: str) -> None:
    """Refuse a blank, multi-line or over-long name with `InvalidInputError` at `pointer`."""
    problems = name_problems(value, pointer)
    if problems:
        raise InvalidInputError(f"The {what} is not valid", problems)
