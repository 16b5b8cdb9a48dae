"""Accord's verifier: replays consumer pacts against a running provider (issue 6).

Today the package holds the matching engine; replay, provider states, sources, publishing,
reports and the pytest plugin come next. Its public parts:

- `verifier.matching`: `match_request`, `match_response` and `match_message` compare what a
  pact expects with what came, for Pact specification V1 to V4, and return `Mismatch` values.

The verifier installs without the broker extra: it never imports `broker`, litestar or asyncpg.
"""
