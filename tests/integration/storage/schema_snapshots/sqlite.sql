-- Schema of a new sqlite database migrated to version 14, taken at commit 40c245b from the
-- per-backend files broker/storage/migrations/sqlite/0001-0014 (before the migrations were
-- written once), with sqlite_schema() of tests/integration/storage/test_storage_schema.py.
-- Never regenerate it: it is what databases in use were built with.

-- index audit_log_by_actor on audit_log
CREATE INDEX audit_log_by_actor ON audit_log (actor, seq);

-- index audit_log_by_subject on audit_log
CREATE INDEX audit_log_by_subject ON audit_log (subject, seq);

-- index branch_versions_by_branch on branch_versions
CREATE INDEX branch_versions_by_branch ON branch_versions (branch_id, seq);

-- index branch_versions_by_version on branch_versions
CREATE INDEX branch_versions_by_version ON branch_versions (version_id);

-- index branches_with_head on branches
CREATE INDEX branches_with_head ON branches (pacticipant_id, head_version_id, name);

-- index change_request_versions_by_version on change_request_versions
CREATE INDEX change_request_versions_by_version
    ON change_request_versions (version_number, change_request_id);

-- index change_requests_by_status on change_requests
CREATE INDEX change_requests_by_status ON change_requests (status, id);

-- index change_requests_by_subject on change_requests
CREATE INDEX change_requests_by_subject
    ON change_requests (kind, pacticipant_name, provider_name, status);

-- index comparisons_by_contract on comparisons
CREATE INDEX comparisons_by_contract ON comparisons (contract_version_id);

-- index deployed_versions_by_version on deployed_versions
CREATE INDEX deployed_versions_by_version ON deployed_versions (version_id);

-- index deployed_versions_current on deployed_versions
CREATE INDEX deployed_versions_current
    ON deployed_versions (environment_uuid, pacticipant_id) WHERE undeployed_at IS NULL;

-- index integrations_by_provider on integrations
CREATE INDEX integrations_by_provider ON integrations (provider_id, consumer_id);

-- index labels_by_name on labels
CREATE INDEX labels_by_name ON labels (name);

-- index notifications_by_consumer on notifications
CREATE INDEX notifications_by_consumer ON notifications (consumer_id, id);

-- index notifications_by_provider on notifications
CREATE INDEX notifications_by_provider ON notifications (provider_id);

-- index pact_publications_by_integration on pact_publications
CREATE INDEX pact_publications_by_integration
    ON pact_publications (consumer_id, provider_id, consumer_version_id);

-- index pact_publications_by_pact_version on pact_publications
CREATE INDEX pact_publications_by_pact_version ON pact_publications (pact_version_id);

-- index pact_publications_by_provider on pact_publications
CREATE INDEX pact_publications_by_provider
    ON pact_publications (provider_id, consumer_version_id, created_at);

-- index pact_versions_by_sha on pact_versions
CREATE INDEX pact_versions_by_sha ON pact_versions (sha);

-- index released_versions_current on released_versions
CREATE INDEX released_versions_current
    ON released_versions (environment_uuid, pacticipant_id) WHERE support_ended_at IS NULL;

-- index tags_by_name on tags
CREATE INDEX tags_by_name ON tags (name, version_id);

-- index team_pacticipants_by_name on team_pacticipants
CREATE INDEX team_pacticipants_by_name ON team_pacticipants (pacticipant_name);

-- index verifications_by_pact_and_provider_version on verifications
CREATE INDEX verifications_by_pact_and_provider_version
    ON verifications (pact_version_id, provider_version_id, id);

-- index verifications_by_pact_version on verifications
CREATE INDEX verifications_by_pact_version ON verifications (pact_version_id, id);

-- index verifications_by_provider_version on verifications
CREATE INDEX verifications_by_provider_version ON verifications (provider_version_id, id);

-- index versions_by_pacticipant_newest on versions
CREATE INDEX versions_by_pacticipant_newest ON versions (pacticipant_id, id);

-- table api_tokens on api_tokens
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    teams TEXT NOT NULL,
    secret_sha TEXT NOT NULL UNIQUE,
    expires_at TEXT,
    revoked_at TEXT,
    created_at TEXT NOT NULL
, username TEXT);

-- table api_users on api_users
CREATE TABLE api_users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    salt TEXT NOT NULL,
    role TEXT NOT NULL,
    teams TEXT NOT NULL,
    created_at TEXT NOT NULL
, disabled_at TEXT, deleted_at TEXT, updated_at TEXT);

-- table approval_policies on approval_policies
CREATE TABLE approval_policies (
    pacticipant_name TEXT PRIMARY KEY,
    teams TEXT NOT NULL,
    required INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

-- table approved_contents on approved_contents
CREATE TABLE approved_contents (
    kind TEXT NOT NULL,
    pacticipant_name TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    content_sha TEXT NOT NULL,
    change_request_id INTEGER,
    approved_at TEXT NOT NULL,
    PRIMARY KEY (kind, pacticipant_name, provider_name, content_sha)
);

-- table audit_log on audit_log
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    pacticipants TEXT NOT NULL,  -- each name the subject belongs to, between newlines
    hash_before TEXT,
    hash_after TEXT,
    previous_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
, mac TEXT);

-- table branch_versions on branch_versions
CREATE TABLE branch_versions (
    seq INTEGER PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (branch_id, version_id)
);

-- table branches on branches
CREATE TABLE branches (
    id INTEGER PRIMARY KEY,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL, head_version_id INTEGER,
    UNIQUE (pacticipant_id, name)
);

-- table change_request_approvals on change_request_approvals
CREATE TABLE change_request_approvals (
    change_request_id INTEGER NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    approver TEXT NOT NULL,
    teams TEXT NOT NULL,
    approved_at TEXT NOT NULL, requirement TEXT, team TEXT,
    PRIMARY KEY (change_request_id, approver)
);

-- table change_request_versions on change_request_versions
CREATE TABLE change_request_versions (
    change_request_id INTEGER NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    version_number TEXT NOT NULL,
    PRIMARY KEY (change_request_id, version_number)
);

-- table change_requests on change_requests
CREATE TABLE change_requests (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    pacticipant_name TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    content_sha TEXT NOT NULL,
    base_sha TEXT,
    author TEXT NOT NULL,
    status TEXT NOT NULL,
    requirements TEXT NOT NULL,
    affected TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by TEXT,
    rejection_reason TEXT,
    superseded_by INTEGER
, override_reason TEXT);

-- table comparisons on comparisons
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

-- table deployed_versions on deployed_versions
CREATE TABLE deployed_versions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    environment_uuid TEXT NOT NULL REFERENCES environments (uuid) ON DELETE CASCADE,
    application_instance TEXT,
    created_at TEXT NOT NULL,
    undeployed_at TEXT
);

-- table environments on environments
CREATE TABLE environments (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    production INTEGER NOT NULL,
    contacts TEXT NOT NULL,          -- JSON array of {name, details}
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- table integrations on integrations
CREATE TABLE integrations (
    consumer_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (consumer_id, provider_id)
);

-- table labels on labels
CREATE TABLE labels (
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (pacticipant_id, name)
);

-- table notifications on notifications
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    changes TEXT NOT NULL,
    change_request_id INTEGER
);

-- table pact_publications on pact_publications
CREATE TABLE pact_publications (
    id INTEGER PRIMARY KEY,
    consumer_version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    pact_version_id INTEGER NOT NULL REFERENCES pact_versions (id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    -- The document as this version published it, when its bytes differ from the pact
    -- version's (same content by the canonical hash, other formatting or metadata).
    content TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (consumer_version_id, provider_id)
);

-- table pact_versions on pact_versions
CREATE TABLE pact_versions (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    content TEXT NOT NULL,           -- the document as first received
    created_at TEXT NOT NULL,
    UNIQUE (consumer_id, provider_id, sha)
);

-- table pacticipant_modes on pacticipant_modes
CREATE TABLE pacticipant_modes (
    pacticipant_name TEXT PRIMARY KEY,
    mode TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- table pacticipants on pacticipants
CREATE TABLE pacticipants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    repository_url TEXT,
    repository_name TEXT,
    repository_namespace TEXT,
    main_branch TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- table provider_contract_publications on provider_contract_publications
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

-- table provider_contract_versions on provider_contract_versions
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

-- table publish_warnings on publish_warnings
CREATE TABLE publish_warnings (
    pacticipant_name TEXT NOT NULL,
    version_number TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (pacticipant_name, version_number, text)
);

-- table released_versions on released_versions
CREATE TABLE released_versions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    environment_uuid TEXT NOT NULL REFERENCES environments (uuid) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    support_ended_at TEXT,
    UNIQUE (version_id, environment_uuid)
);

-- table schema_migrations on schema_migrations
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);

-- table tags on tags
CREATE TABLE tags (
    seq INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (version_id, name)
);

-- table team_pacticipants on team_pacticipants
CREATE TABLE team_pacticipants (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    pacticipant_name TEXT NOT NULL,
    PRIMARY KEY (team_id, pacticipant_name)
);

-- table teams on teams
CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- table verifications on verifications
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
, wip INTEGER NOT NULL DEFAULT 0);

-- table versions on versions
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    build_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, number)
);

-- trigger branch_head_added on branch_versions
CREATE TRIGGER branch_head_added AFTER INSERT ON branch_versions
BEGIN
    UPDATE branches SET head_version_id = NEW.version_id WHERE id = NEW.branch_id;
END;

-- trigger branch_head_removed on branch_versions
CREATE TRIGGER branch_head_removed AFTER DELETE ON branch_versions
BEGIN
    UPDATE branches SET head_version_id = (
        SELECT version_id FROM branch_versions WHERE branch_id = OLD.branch_id
        ORDER BY seq DESC LIMIT 1
    ) WHERE id = OLD.branch_id;
END;

