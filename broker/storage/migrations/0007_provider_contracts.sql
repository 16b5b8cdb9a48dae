-- Provider contracts (OpenAPI documents, pact-broker-api §14) and their comparisons with
-- consumer pacts: bi-directional contract testing.

-- One distinct document of a provider, named by the SHA-256 of its bytes.
CREATE TABLE provider_contract_versions (
    id {{id}},
    provider_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    content TEXT NOT NULL,
    content_type TEXT NOT NULL,
    specification TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    UNIQUE (provider_id, sha)
);

-- Which document a provider version published, with its own test run's verdict.
CREATE TABLE provider_contract_publications (
    id {{id}},
    provider_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_version_id {{bigint}} NOT NULL UNIQUE REFERENCES versions (id) ON DELETE CASCADE,
    contract_version_id {{bigint}} NOT NULL
        REFERENCES provider_contract_versions (id) ON DELETE CASCADE,
    self_verification_success {{bool}},   -- NULL when no self-verification results came
    self_verification TEXT,              -- JSON: content, contentType, format, verifier…
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);

-- A pact content checked against a document: the verdict and the findings as openapi-pact-
-- comparator prints them (a JSON array).
CREATE TABLE comparisons (
    id {{id}},
    pact_version_id {{bigint}} NOT NULL REFERENCES pact_versions (id) ON DELETE CASCADE,
    contract_version_id {{bigint}} NOT NULL
        REFERENCES provider_contract_versions (id) ON DELETE CASCADE,
    success {{bool}} NOT NULL,
    findings TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    UNIQUE (pact_version_id, contract_version_id)
);
CREATE INDEX comparisons_by_contract ON comparisons (contract_version_id);
