-- The head of each branch (the version added to it last), kept on the branch row by triggers,
-- so work-in-progress pacts and branch selectors read it instead of finding max(seq) per
-- branch. No foreign key: deleting a version deletes its branch_versions rows, and the
-- trigger then names the next head.
ALTER TABLE branches ADD COLUMN head_version_id {{bigint}};
UPDATE branches SET head_version_id = (
    SELECT version_id FROM branch_versions WHERE branch_id = branches.id ORDER BY seq DESC LIMIT 1
);

-- A SQLite trigger holds its statements; a PostgreSQL trigger calls a function that holds them
-- (and returns NULL, which an AFTER trigger ignores).
-- sqlite only:
CREATE TRIGGER branch_head_added AFTER INSERT ON branch_versions
-- postgres only:
CREATE FUNCTION branch_head_added() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    UPDATE branches SET head_version_id = NEW.version_id WHERE id = NEW.branch_id;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER branch_head_added AFTER INSERT ON branch_versions
    FOR EACH ROW EXECUTE FUNCTION branch_head_added();
-- end

-- sqlite only:
CREATE TRIGGER branch_head_removed AFTER DELETE ON branch_versions
-- postgres only:
CREATE FUNCTION branch_head_removed() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    UPDATE branches SET head_version_id = (
        SELECT version_id FROM branch_versions WHERE branch_id = OLD.branch_id
        ORDER BY seq DESC LIMIT 1
    ) WHERE id = OLD.branch_id;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER branch_head_removed AFTER DELETE ON branch_versions
    FOR EACH ROW EXECUTE FUNCTION branch_head_removed();
-- end
