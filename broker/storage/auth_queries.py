"""The SQL of tokens, users and teams, shared by both adapters.

`?` placeholders; `driver.numbered` converts them for PostgreSQL. Team lists are JSON
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
    "INSERT INTO api_users (username, password_hash, salt, role, teams, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *"
)
FIND_USER = "SELECT * FROM api_users WHERE username = ?"
LIST_USERS = "SELECT * FROM api_users WHERE deleted_at IS NULL ORDER BY username"
SET_USER_DISABLED = (
    "UPDATE api_users SET disabled_at = ?, updated_at = ?"
    " WHERE username = ? AND deleted_at IS NULL RETURNING *"
)
SET_USER_PASSWORD = (
    "UPDATE api_users SET password_hash = ?, salt = ?, updated_at = ?"
    " WHERE username = ? AND deleted_at IS NULL RETURNING *"
)
# The row stays (the name stays taken); what let it log in or own anything goes.
DELETE_USER = (
    "UPDATE api_users SET deleted_at = ?, updated_at = ?, password_hash = '', salt = '',"
    " teams = '[]' WHERE username = ? AND deleted_at IS NULL RETURNING *"
)
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
