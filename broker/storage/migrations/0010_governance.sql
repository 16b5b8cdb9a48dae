-- Governance (issue 5): modes, approval policies, change requests and what has been approved.
-- Pacticipants are named, not referenced by id, as in team_pacticipants: a mode or a policy may
-- be set before the pacticipant first publishes.

-- A pacticipant's mode; one without a row has the broker's default (ACCORD_DEFAULT_MODE).
CREATE TABLE pacticipant_modes (
    pacticipant_name TEXT PRIMARY KEY,
    mode TEXT NOT NULL,
    updated_at {{time}} NOT NULL
);

-- Which teams must approve a pacticipant's contract changes, and how many of them (N of M).
-- `teams` is a JSON array of team names.
CREATE TABLE approval_policies (
    pacticipant_name TEXT PRIMARY KEY,
    teams TEXT NOT NULL,
    required INTEGER NOT NULL,
    updated_at {{time}} NOT NULL
);

-- A contract change awaiting (or past) sign-off. The subject is (kind, pacticipant, provider):
-- kind 'pact' names the consumer and its provider; 'provider-contract' the provider, with ''.
-- `requirements` and `affected` are JSON, fixed when the request opens.
CREATE TABLE change_requests (
    id {{id}},
    kind TEXT NOT NULL,
    pacticipant_name TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    content_sha TEXT NOT NULL,
    base_sha TEXT,
    author TEXT NOT NULL,
    status TEXT NOT NULL,
    requirements TEXT NOT NULL,
    affected TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    decided_at {{time}},
    decided_by TEXT,
    rejection_reason TEXT,
    superseded_by {{bigint}}
);
CREATE INDEX change_requests_by_subject
    ON change_requests (kind, pacticipant_name, provider_name, status);
CREATE INDEX change_requests_by_status ON change_requests (status, id);

CREATE TABLE change_request_approvals (
    change_request_id {{bigint}} NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    approver TEXT NOT NULL,
    teams TEXT NOT NULL,
    approved_at {{time}} NOT NULL,
    PRIMARY KEY (change_request_id, approver)
);

-- The versions that published a request's content while it was open.
CREATE TABLE change_request_versions (
    change_request_id {{bigint}} NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    version_number TEXT NOT NULL,
    PRIMARY KEY (change_request_id, version_number)
);

-- Content in effect for a subject: approved by a change request, or published outside
-- enterprise mode (change_request_id NULL). Approved content stays approved.
CREATE TABLE approved_contents (
    kind TEXT NOT NULL,
    pacticipant_name TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    content_sha TEXT NOT NULL,
    change_request_id {{bigint}},
    approved_at {{time}} NOT NULL,
    PRIMARY KEY (kind, pacticipant_name, provider_name, content_sha)
);

-- Warnings a publication raised in brownfield-polish mode, shown again by can-i-deploy.
CREATE TABLE publish_warnings (
    pacticipant_name TEXT NOT NULL,
    version_number TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (pacticipant_name, version_number, text)
);

-- Everything published before governance existed took effect when it was published.
INSERT INTO approved_contents
SELECT 'pact', c.name, p.name, v.sha, NULL, v.created_at
FROM pact_versions v
JOIN pacticipants c ON c.id = v.consumer_id
JOIN pacticipants p ON p.id = v.provider_id;
INSERT INTO approved_contents
SELECT 'provider-contract', p.name, '', v.sha, NULL, v.created_at
FROM provider_contract_versions v
JOIN pacticipants p ON p.id = v.provider_id;
-- PostgreSQL's statistics now: until autovacuum's first analyze, its planner would scan the whole
-- table for "is this content approved?" (6.5 ms instead of 0.2 ms at 100,000 rows).
-- postgres only:
ANALYZE approved_contents;
-- end
