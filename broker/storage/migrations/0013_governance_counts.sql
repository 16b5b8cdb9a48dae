-- Governance (issue 12): each approval counts for one requirement, and for one team of it; an
-- admin may override a change request (break glass), with a reason kept beside the request.
-- Approvals given before this migration have no requirement: they are counted in order, each
-- for the first requirement one of its teams still owes (`broker/domain/governance.py::tally`).
ALTER TABLE change_request_approvals ADD COLUMN requirement TEXT;
ALTER TABLE change_request_approvals ADD COLUMN team TEXT;
ALTER TABLE change_requests ADD COLUMN override_reason TEXT;

-- A token may act for a user: the user and each of its tokens are one person to governance
-- (one approval between them, and none of what any of them published).
ALTER TABLE api_tokens ADD COLUMN username TEXT;

-- can-i-deploy asks which requests list a version, in every mode: a version stays answerable
-- for what it published even after its pact or the version itself is deleted.
CREATE INDEX change_request_versions_by_version
    ON change_request_versions (version_number, change_request_id);
