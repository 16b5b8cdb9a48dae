"""The SQL of tokens, users and teams, shared by both adapters.

`?` placeholders; `pact_queries.numbered` converts them for PostgreSQL. Team lists are JSON
arrays in a text column on both backends.
"""

from __future__ import annotations

HAS_CREDENTIALS = (
    "SELECT (EXISTS (SELECT 1 FROM api_tokens) OR EXISTS (SELECT 1 FROM api_users)) AS found"
)
INSERT_TOKEN = (
    "INSERT INTO api_tokens (name, role, teams, secret_sha, expires_at, created_at, username)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *"
)
FIND_TOKEN_BY_SHA = "SELECT * FROM api_tokens WHERE secret_sha = ?"
LIST_TOKENS = "SELECT * FROM api_tokens ORDER BY id"
REVOKE_TOKEN = "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *"
INSERT_USER = (
    "INSERT INTO api_users (username, password_hash, salt, role, teams, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING *"
)
FIND_USER = "SELECT * FROM api_users WHERE username = ?"
UPSERT_TEAM = (
    "INSERT INTO teams (name, created_at, updated_at) VALUES (?, ?, ?)"
    " ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at RETURNING *"
)
CLEAR_TEAM = "DELETE FROM team_pacticipants WHERE team_id = ?"
ADD_TO_TEAM = (
    "INSERT INTO team_pacticipants (team_id, pacticipant_name) VALUES (?, ?) ON CONFLICT DO NOTHING"
)
TEAMS_OWNING = (
    "SELECT t.name FROM teams t JOIN team_pacticipants o ON o.team_id = t.id"
    " WHERE o.pacticipant_name = ?"
)
LIST_TEAMS = (
    "SELECT t.name, t.created_at, t.updated_at, o.pacticipant_name FROM teams t"
    " LEFT JOIN team_pacticipants o ON o.team_id = t.id ORDER BY t.name, o.pacticipant_name"
)
