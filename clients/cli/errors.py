"""What the CLI itself raises, besides the SDK's errors. `main()` prints either as one sentence.

CommandError    the command cannot run as given (no broker URL, conflicting flags…)
"""

from __future__ import annotations


class CommandError(Exception):
    """The command cannot run as given; the message says what to change."""
