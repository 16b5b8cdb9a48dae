"""The matching engine behind `verifier.matching`: private, import the public package instead.

Layout: `values` (JSON aliases), `mismatch` (the result type), `paths` (rule path expressions),
`ruleset` (V2/V3/V4 matching rules in one shape), `formats` (date patterns), `rules` (a function
per matcher), `engine` (the JSON walk), `xmlbody` and `bodies` (content types), and `parts`
(method, path, query, headers, status, metadata).

Generators (ProviderState, RandomInt, ... MockServerURL) are not applied here: replay resolves
them into the expected interaction before it reaches the engine, so matching stays a pure
function of (expected, actual). The `generators` key of an interaction is ignored.
"""
