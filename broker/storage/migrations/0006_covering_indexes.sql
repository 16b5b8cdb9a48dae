-- Work-in-progress candidates read every branch of the provider's consumers and probe the
-- publication their head holds: both from indexes alone, filtering on the publication time
-- before any table row is read (benchmarks/matrix_queries.py: 7 ms -> 1 ms on SQLite).
CREATE INDEX branches_with_head ON branches (pacticipant_id, head_version_id, name);
DROP INDEX pact_publications_by_provider;
CREATE INDEX pact_publications_by_provider
    ON pact_publications (provider_id, consumer_version_id, created_at);
