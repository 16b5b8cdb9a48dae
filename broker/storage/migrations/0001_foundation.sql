-- Pacticipants, versions, branches, tags, labels, environments, deployments and releases.
-- Times are written by the services in UTC, to the microsecond: ISO-8601 text on SQLite,
-- timestamptz on PostgreSQL.

CREATE TABLE pacticipants (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    repository_url TEXT,
    repository_name TEXT,
    repository_namespace TEXT,
    main_branch TEXT,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);

CREATE TABLE labels (
    pacticipant_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (pacticipant_id, name)
);
CREATE INDEX labels_by_name ON labels (name);

CREATE TABLE versions (
    id {{id}},
    pacticipant_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    build_url TEXT,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    UNIQUE (pacticipant_id, number)
);
-- "newest first" lists and latest-version lookups walk this index backwards.
CREATE INDEX versions_by_pacticipant_newest ON versions (pacticipant_id, id);

CREATE TABLE branches (
    id {{id}},
    pacticipant_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    UNIQUE (pacticipant_id, name)
);

-- seq orders additions: the head of a branch is the version added last, not the highest number.
CREATE TABLE branch_versions (
    seq {{id}},
    branch_id {{bigint}} NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    version_id {{bigint}} NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    created_at {{time}} NOT NULL,
    UNIQUE (branch_id, version_id)
);
CREATE INDEX branch_versions_by_branch ON branch_versions (branch_id, seq);
CREATE INDEX branch_versions_by_version ON branch_versions (version_id);

CREATE TABLE tags (
    seq {{id}},
    version_id {{bigint}} NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    UNIQUE (version_id, name)
);
CREATE INDEX tags_by_name ON tags (name, version_id);

CREATE TABLE environments (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    production {{bool}} NOT NULL,
    contacts {{json}} NOT NULL,          -- JSON array of {name, details}
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);

CREATE TABLE deployed_versions (
    id {{id}},
    uuid TEXT NOT NULL UNIQUE,
    version_id {{bigint}} NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    pacticipant_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    environment_uuid TEXT NOT NULL REFERENCES environments (uuid) ON DELETE CASCADE,
    application_instance TEXT,
    created_at {{time}} NOT NULL,
    undeployed_at {{time}}
);
CREATE INDEX deployed_versions_current
    ON deployed_versions (environment_uuid, pacticipant_id) WHERE undeployed_at IS NULL;
CREATE INDEX deployed_versions_by_version ON deployed_versions (version_id);

CREATE TABLE released_versions (
    id {{id}},
    uuid TEXT NOT NULL UNIQUE,
    version_id {{bigint}} NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    pacticipant_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    environment_uuid TEXT NOT NULL REFERENCES environments (uuid) ON DELETE CASCADE,
    created_at {{time}} NOT NULL,
    support_ended_at {{time}},
    UNIQUE (version_id, environment_uuid)
);
CREATE INDEX released_versions_current
    ON released_versions (environment_uuid, pacticipant_id) WHERE support_ended_at IS NULL;
