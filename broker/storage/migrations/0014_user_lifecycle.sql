-- Users can be disabled (refused at login, kept) and deleted (issue 12). A deleted user keeps
-- its row without password or teams: its name stays taken, so `user:NAME` in the audit log,
-- change requests and approvals always means the same person, and the broker, once it had
-- credentials, never falls back to open.
ALTER TABLE api_users ADD COLUMN disabled_at {{time}};
ALTER TABLE api_users ADD COLUMN deleted_at {{time}};
ALTER TABLE api_users ADD COLUMN updated_at {{time}};
UPDATE api_users SET updated_at = created_at;
