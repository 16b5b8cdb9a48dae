"""The image's HEALTHCHECK: exit 0 when the broker's heartbeat answers 200, else 1.

It runs inside the container beside the broker, with the container's environment, so it asks
127.0.0.1 on `ACCORD_PORT` (9292 when unset). Only the standard library: the slim image has no
curl.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

URL = "http://127.0.0.1:{port}/diagnostic/status/heartbeat"


def main() -> int:
    """Ask the heartbeat once, within 3 seconds."""
    url = URL.format(port=os.environ.get("ACCORD_PORT") or "9292")
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310 - a fixed http URL
            return 0 if answer.status == 200 else 1  # noqa: PLR2004
    except (OSError, urllib.error.URLError) as error:
        print(f"heartbeat: {error}", file=sys.stderr)  # noqa: T201 - docker keeps it in the log
        return 1


if __name__ == "__main__":
    sys.exit(main())
