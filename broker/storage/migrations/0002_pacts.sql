-- Consumer contracts: content-addressed pact versions, and which one each consumer version holds.

CREATE TABLE pact_versions (
    id {{id}},
    consumer_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    content TEXT NOT NULL,           -- the document as first received
    created_at {{time}} NOT NULL,
    UNIQUE (consumer_id, provider_id, sha)
);
CREATE INDEX pact_versions_by_sha ON pact_versions (sha);

-- One row per (consumer version, provider): the pact that version holds now.
CREATE TABLE pact_publications (
    id {{id}},
    consumer_version_id {{bigint}} NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    consumer_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    pact_version_id {{bigint}} NOT NULL REFERENCES pact_versions (id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    -- The document as this version published it, when its bytes differ from the pact
    -- version's (same content by the canonical hash, other formatting or metadata).
    content TEXT,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    UNIQUE (consumer_version_id, provider_id)
);
-- "latest pact of an integration" walks this index backwards by consumer version.
CREATE INDEX pact_publications_by_integration
    ON pact_publications (consumer_id, provider_id, consumer_version_id);
CREATE INDEX pact_publications_by_provider ON pact_publications (provider_id, consumer_version_id);
CREATE INDEX pact_publications_by_pact_version ON pact_publications (pact_version_id);
