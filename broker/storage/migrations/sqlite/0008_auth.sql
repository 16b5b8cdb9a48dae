-- Authentication and ownership (issue 5): bearer tokens, basic-auth users, teams.

-- A bearer token: only the SHA-256 of its long random secret is kept (the secret is shown once).
-- `teams` is a JSON array of team names.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    teams TEXT NOT NULL,
    secret_sha TEXT NOT NULL UNIQUE,
    expires_at TEXT,
    revoked_at TEXT,
    created_at TEXT NOT NULL
);

-- A basic-auth user: the password as scrypt(password, salt), both hex.
CREATE TABLE api_users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    salt TEXT NOT NULL,
    role TEXT NOT NULL,
    teams TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Which pacticipants a team owns, by name: a team may own a pacticipant not yet published.
CREATE TABLE team_pacticipants (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    pacticipant_name TEXT NOT NULL,
    PRIMARY KEY (team_id, pacticipant_name)
);
CREATE INDEX team_pacticipants_by_name ON team_pacticipants (pacticipant_name);
