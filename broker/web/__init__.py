"""The web interface: server-rendered pages for the people in the contract workflow.

Pages sit beside the API and obey the same permission rules (`broker/http/permissions.py`); a
browser signs in once and carries a signed session cookie (`sessions.py`, `security.py`).
Controllers in `routes/` are thin: view modules (`overview.py`, `pacticipant_view.py`,
`pact_view.py`) gather what a page shows from the services, and Jinja templates in
`templates/` render it.
"""
