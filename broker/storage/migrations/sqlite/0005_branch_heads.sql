-- The head of each branch (the version added to it last), kept on the branch row by triggers,
-- so work-in-progress pacts and branch selectors read it instead of finding max(seq) per
-- branch. No foreign key: deleting a version deletes its branch_versions rows, and the
-- trigger then names the next head.
ALTER TABLE branches ADD COLUMN head_version_id INTEGER;
UPDATE branches SET head_version_id = (
    SELECT version_id FROM branch_versions WHERE branch_id = branches.id ORDER BY seq DESC LIMIT 1
);

CREATE TRIGGER branch_head_added AFTER INSERT ON branch_versions
BEGIN
    UPDATE branches SET head_version_id = NEW.version_id WHERE id = NEW.branch_id;
END;

CREATE TRIGGER branch_head_removed AFTER DELETE ON branch_versions
BEGIN
    UPDATE branches SET head_version_id = (
        SELECT version_id FROM branch_versions WHERE branch_id = OLD.branch_id
        ORDER BY seq DESC LIMIT 1
    ) WHERE id = OLD.branch_id;
END;
