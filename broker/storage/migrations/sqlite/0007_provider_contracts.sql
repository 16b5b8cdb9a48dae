-- Provider contracts (OpenAPI documents, pact-broker-api §14) and their comparisons with
-- consumer pacts: bi-directional contract testing.

-- One distinct document of a provider, named by the SHA-256 of its bytes.
CREATE TABLE provider_contract_versions (
    id INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    content TEXT NOT NULL,
    content_type TEXT NOT NULL,
    specification TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (provider_id, sha)
);

-- Which document a provider version published, with its own test run's verdict.
CREATE TABLE provider_contract_publications (
    id INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_version_id INTEGER NOT NULL UNIQUE REFERENCES versions (id) ON DELETE CASCADE,
    contract_version_id INTEGER NOT NULL
        REFERENCES provider_contract_versions (id) ON DELETE CASCADE,
    self_verification_success INTEGER,   -- NULL when no self-verification results came
    self_verification TEXT,              -- JSON: content, contentType, format, verifier…
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A pact content checked against a document: the verdict and the findings as openapi-pact-
-- comparator prints them (a JSON array).
CREATE TABLE comparisons (
    id INTEGER PRIMARY KEY,
    pact_version_id INTEGER NOT NULL REFERENCES pact_versions (id) ON DELETE CASCADE,
    contract_version_id INTEGER NOT NULL
        REFERENCES provider_contract_versions (id) ON DELETE CASCADE,
    success INTEGER NOT NULL,
    findings TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (pact_version_id, contract_version_id)
);
CREATE INDEX comparisons_by_contract ON comparisons (contract_version_id);
