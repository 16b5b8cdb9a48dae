-- Facts that pacts-for-verification, the matrix and can-i-deploy read on every request.

-- One row per consumer/provider pair that ever had a pact; written with each publication.
-- "The latest pact of every integration" starts here instead of scanning all publications.
CREATE TABLE integrations (
    consumer_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (consumer_id, provider_id)
);
CREATE INDEX integrations_by_provider ON integrations (provider_id, consumer_id);
INSERT INTO integrations (consumer_id, provider_id, created_at)
    SELECT consumer_id, provider_id, min(created_at) FROM pact_publications
    GROUP BY consumer_id, provider_id;

-- Whether the verifier fetched the pact as work in progress (read from the pact URL's
-- metadata when the result is published); pending status ignores WIP results.
ALTER TABLE verifications ADD COLUMN wip {{bool}} NOT NULL DEFAULT {{false}};

-- A provider version's newest result for a pact content: one index probe.
CREATE INDEX verifications_by_pact_and_provider_version
    ON verifications (pact_version_id, provider_version_id, id);
