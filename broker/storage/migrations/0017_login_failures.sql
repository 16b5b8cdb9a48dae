-- Failed basic-auth logins, counted alike by every broker on the database (issue 16): before,
-- each process counted its own, and behind N replicas a guesser had N times the limit.
-- One row per failure and key: `kind` is 'user' or 'address', `key` a BLAKE2b digest (hex) of
-- the username or address, so a username typed by mistake (a password, often) is not stored
-- as typed. Rows older than the window are deleted as new failures are written.
CREATE TABLE login_failures (
    id {{id}},
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    failed_at {{time}} NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (kind, key, failed_at);
CREATE INDEX login_failures_by_time ON login_failures (failed_at);
