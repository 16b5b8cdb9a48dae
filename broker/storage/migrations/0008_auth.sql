-- Authentication and ownership (issue 5): bearer tokens, basic-auth users, teams.

-- A bearer token: only the SHA-256 of its long random secret is kept (the secret is shown once).
-- `teams` is a JSON array of team names.
CREATE TABLE api_tokens (
    id {{id}},
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    teams TEXT NOT NULL,
    secret_sha TEXT NOT NULL UNIQUE,
    expires_at {{time}},
    revoked_at {{time}},
    created_at {{time}} NOT NULL
);

-- A basic-auth user: the password as scrypt(password, salt), both hex.
CREATE TABLE api_users (
    id {{id}},
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    salt TEXT NOT NULL,
    role TEXT NOT NULL,
    teams TEXT NOT NULL,
    created_at {{time}} NOT NULL
);

CREATE TABLE teams (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);

-- Which pacticipants a team owns, by name: a team may own a pacticipant not yet published.
CREATE TABLE team_pacticipants (
    team_id {{bigint}} NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    pacticipant_name TEXT NOT NULL,
    PRIMARY KEY (team_id, pacticipant_name)
);
CREATE INDEX team_pacticipants_by_name ON team_pacticipants (pacticipant_name);
