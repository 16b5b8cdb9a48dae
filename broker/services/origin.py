"""The public base URL of the broker for the request being served.

Services build URLs for webhook template variables (`${pactbroker.pactUrl}`) without knowing
HTTP: the HTTP layer sets `current_base_url` once per request, from the same base the HAL
links use (`ACCORD_BASE_URL`, else the forwarded or requested scheme and host). Outside a
request (the command line, tests calling services) it is the default address of
`accord broker serve`.
"""

from __future__ import annotations

from contextvars import ContextVar

DEFAULT_BASE_URL = "http://127.0.0.1:9292"

current_base_url: ContextVar[str] = ContextVar("current_base_url", default=DEFAULT_BASE_URL)
