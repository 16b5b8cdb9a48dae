-- Pacticipants, versions, branches, tags, labels, environments, deployments and releases.
-- The same tables, columns, indexes and uniqueness rules as sqlite/0001_foundation.sql.
-- Times are timestamptz (microsecond resolution), written by the services in UTC.

CREATE TABLE pacticipants (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    repository_url TEXT,
    repository_name TEXT,
    repository_namespace TEXT,
    main_branch TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE labels (
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pacticipant_id, name)
);
CREATE INDEX labels_by_name ON labels (name);

CREATE TABLE versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    build_url TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (pacticipant_id, number)
);
-- "newest first" lists and latest-version lookups walk this index backwards.
CREATE INDEX versions_by_pacticipant_newest ON versions (pacticipant_id, id);

CREATE TABLE branches (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (pacticipant_id, name)
);

-- seq orders additions: the head of a branch is the version added last, not the highest number.
CREATE TABLE branch_versions (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (branch_id, version_id)
);
CREATE INDEX branch_versions_by_branch ON branch_versions (branch_id, seq);
CREATE INDEX branch_versions_by_version ON branch_versions (version_id);

CREATE TABLE tags (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (version_id, name)
);
CREATE INDEX tags_by_name ON tags (name, version_id);

CREATE TABLE environments (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    production BOOLEAN NOT NULL,
    contacts JSONB NOT NULL,         -- array of {name, details}
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE deployed_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    environment_uuid TEXT NOT NULL REFERENCES environments (uuid) ON DELETE CASCADE,
    application_instance TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    undeployed_at TIMESTAMPTZ
);
CREATE INDEX deployed_versions_current
    ON deployed_versions (environment_uuid, pacticipant_id) WHERE undeployed_at IS NULL;
CREATE INDEX deployed_versions_by_version ON deployed_versions (version_id);

CREATE TABLE released_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    pacticipant_id BIGINT NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    environment_uuid TEXT NOT NULL REFERENCES environments (uuid) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    support_ended_at TIMESTAMPTZ,
    UNIQUE (version_id, environment_uuid)
);
CREATE INDEX released_versions_current
    ON released_versions (environment_uuid, pacticipant_id) WHERE support_ended_at IS NULL;
