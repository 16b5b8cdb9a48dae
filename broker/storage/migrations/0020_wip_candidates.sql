-- Work-in-progress candidates without walking history: the publications of branch heads are
-- kept by provider and time, so the candidates since a date are read from that window (not
-- from every branch ever made), and the newest version with each tag of each pacticipant is
-- kept like a branch head.

-- Which branches a version is the head of.
CREATE INDEX branches_by_head ON branches (head_version_id);

-- One row per (branch, provider) whose head holds a pact with the provider, with the
-- publication's time and content. Kept by triggers on `branches` (the head moved, kept by the
-- triggers of migration 0005, or the branch went) and on `pact_publications` (a head
-- published, its content replaced, or its publication deleted). The candidates of a window are
-- read from the provider index alone, contents included, so the verified ones are left out
-- before any publication is read.
CREATE TABLE branch_head_publications (
    branch_id {{bigint}} NOT NULL,
    provider_id {{bigint}} NOT NULL,
    consumer_version_id {{bigint}} NOT NULL,
    pact_version_id {{bigint}} NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (branch_id, provider_id)
);
CREATE INDEX branch_head_publications_by_provider
    ON branch_head_publications
    (provider_id, created_at, pact_version_id, branch_id, consumer_version_id);
CREATE INDEX branch_head_publications_by_version
    ON branch_head_publications (consumer_version_id, provider_id);
-- Facts from the rows (benchmarks/history.py runs this part after a bulk load):
INSERT INTO branch_head_publications
    (branch_id, provider_id, consumer_version_id, pact_version_id, created_at)
    SELECT b.id, pp.provider_id, pp.consumer_version_id, pp.pact_version_id, pp.created_at
    FROM branches b JOIN pact_publications pp ON pp.consumer_version_id = b.head_version_id;
-- Facts from the rows: end.

-- sqlite only:
CREATE TRIGGER branch_head_publications_moved AFTER UPDATE OF head_version_id ON branches
-- postgres only:
CREATE FUNCTION branch_head_publications_moved() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    DELETE FROM branch_head_publications WHERE branch_id = OLD.id;
    INSERT INTO branch_head_publications
        (branch_id, provider_id, consumer_version_id, pact_version_id, created_at)
        SELECT NEW.id, pp.provider_id, pp.consumer_version_id, pp.pact_version_id, pp.created_at
        FROM pact_publications pp WHERE pp.consumer_version_id = NEW.head_version_id;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER branch_head_publications_moved AFTER UPDATE OF head_version_id ON branches
    FOR EACH ROW EXECUTE FUNCTION branch_head_publications_moved();
-- end

-- sqlite only:
CREATE TRIGGER branch_head_publications_branch_removed AFTER DELETE ON branches
-- postgres only:
CREATE FUNCTION branch_head_publications_branch_removed() RETURNS trigger
    LANGUAGE plpgsql AS $$
-- end
BEGIN
    DELETE FROM branch_head_publications WHERE branch_id = OLD.id;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER branch_head_publications_branch_removed AFTER DELETE ON branches
    FOR EACH ROW EXECUTE FUNCTION branch_head_publications_branch_removed();
-- end

-- sqlite only:
CREATE TRIGGER branch_head_publications_published AFTER INSERT ON pact_publications
-- postgres only:
CREATE FUNCTION branch_head_publications_published() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    INSERT INTO branch_head_publications
        (branch_id, provider_id, consumer_version_id, pact_version_id, created_at)
        SELECT b.id, NEW.provider_id, NEW.consumer_version_id, NEW.pact_version_id, NEW.created_at
        FROM branches b WHERE b.head_version_id = NEW.consumer_version_id
        ON CONFLICT DO NOTHING;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER branch_head_publications_published AFTER INSERT ON pact_publications
    FOR EACH ROW EXECUTE FUNCTION branch_head_publications_published();
-- end

-- sqlite only:
CREATE TRIGGER branch_head_publications_republished AFTER UPDATE ON pact_publications
-- postgres only:
CREATE FUNCTION branch_head_publications_republished() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    UPDATE branch_head_publications SET pact_version_id = NEW.pact_version_id
        WHERE consumer_version_id = NEW.consumer_version_id AND provider_id = NEW.provider_id;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER branch_head_publications_republished AFTER UPDATE ON pact_publications
    FOR EACH ROW EXECUTE FUNCTION branch_head_publications_republished();
-- end

-- sqlite only:
CREATE TRIGGER branch_head_publications_unpublished AFTER DELETE ON pact_publications
-- postgres only:
CREATE FUNCTION branch_head_publications_unpublished() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    DELETE FROM branch_head_publications
        WHERE consumer_version_id = OLD.consumer_version_id AND provider_id = OLD.provider_id;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER branch_head_publications_unpublished AFTER DELETE ON pact_publications
    FOR EACH ROW EXECUTE FUNCTION branch_head_publications_unpublished();
-- end

-- The newest version (highest id) carrying each tag name, per pacticipant, kept by triggers on
-- `tags` (so it follows cascaded deletes too). `version_id` is NULL only inside a trigger.
CREATE TABLE tag_heads (
    pacticipant_id {{bigint}} NOT NULL,
    name TEXT NOT NULL,
    version_id {{bigint}},
    PRIMARY KEY (pacticipant_id, name)
);
CREATE INDEX tag_heads_by_version ON tag_heads (version_id, name);
-- Facts from the rows (benchmarks/history.py runs this part after a bulk load):
INSERT INTO tag_heads (pacticipant_id, name, version_id)
    SELECT v.pacticipant_id, t.name, max(t.version_id)
    FROM tags t JOIN versions v ON v.id = t.version_id
    GROUP BY v.pacticipant_id, t.name;
-- Facts from the rows: end.

-- sqlite only:
CREATE TRIGGER tag_head_added AFTER INSERT ON tags
-- postgres only:
CREATE FUNCTION tag_head_added() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    INSERT INTO tag_heads (pacticipant_id, name, version_id)
        SELECT v.pacticipant_id, NEW.name, NEW.version_id FROM versions v
        WHERE v.id = NEW.version_id
        ON CONFLICT (pacticipant_id, name) DO UPDATE SET version_id = excluded.version_id
        WHERE excluded.version_id > tag_heads.version_id;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER tag_head_added AFTER INSERT ON tags
    FOR EACH ROW EXECUTE FUNCTION tag_head_added();
-- end

-- sqlite only:
CREATE TRIGGER tag_head_removed AFTER DELETE ON tags
-- postgres only:
CREATE FUNCTION tag_head_removed() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    UPDATE tag_heads SET version_id = (
        SELECT max(t.version_id) FROM tags t JOIN versions v ON v.id = t.version_id
        WHERE t.name = tag_heads.name AND v.pacticipant_id = tag_heads.pacticipant_id
    ) WHERE version_id = OLD.version_id AND name = OLD.name;
    DELETE FROM tag_heads WHERE version_id IS NULL;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER tag_head_removed AFTER DELETE ON tags
    FOR EACH ROW EXECUTE FUNCTION tag_head_removed();
-- end
