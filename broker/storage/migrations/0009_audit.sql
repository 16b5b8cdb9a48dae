-- The audit log: one row per write, appended in the write's transaction and chained by hash
-- (broker/domain/audit.py). `seq` is given by the broker (the previous entry's plus one), and
-- `at` is the UTC text that was hashed.
CREATE TABLE audit_log (
    seq {{bigint}} PRIMARY KEY,
    at {{binary_text}} NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    pacticipants TEXT NOT NULL,  -- each name the subject belongs to, between newlines
    hash_before TEXT,
    hash_after TEXT,
    previous_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_by_subject ON audit_log (subject, seq);
