-- Verification results: a provider version's verdict on one pact content.

CREATE TABLE verifications (
    id {{id}},    -- one sequence for all results, as the Pact Broker numbers them
    pact_version_id {{bigint}} NOT NULL REFERENCES pact_versions (id) ON DELETE CASCADE,
    consumer_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_version_id {{bigint}} NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    success {{bool}} NOT NULL,
    build_url TEXT,
    test_results TEXT,             -- JSON, as the verifier sent it (Rust and Ruby differ)
    verified_by TEXT,              -- JSON
    metadata TEXT,                 -- the opaque segment of the pact URL the verifier used
    created_at {{time}} NOT NULL
);
CREATE INDEX verifications_by_pact_version ON verifications (pact_version_id, id);
CREATE INDEX verifications_by_provider_version ON verifications (provider_version_id, id);
