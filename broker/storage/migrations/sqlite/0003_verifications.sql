-- Verification results: a provider version's verdict on one pact content.

CREATE TABLE verifications (
    id INTEGER PRIMARY KEY,    -- one sequence for all results, as the Pact Broker numbers them
    pact_version_id INTEGER NOT NULL REFERENCES pact_versions (id) ON DELETE CASCADE,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    success INTEGER NOT NULL,
    build_url TEXT,
    test_results TEXT,             -- JSON, as the verifier sent it (Rust and Ruby differ)
    verified_by TEXT,              -- JSON
    metadata TEXT,                 -- the opaque segment of the pact URL the verifier used
    created_at TEXT NOT NULL
);
CREATE INDEX verifications_by_pact_version ON verifications (pact_version_id, id);
CREATE INDEX verifications_by_provider_version ON verifications (provider_version_id, id);
