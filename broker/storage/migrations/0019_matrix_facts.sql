-- Facts that can-i-deploy, the matrix and pacts-for-verification read instead of walking
-- history, kept by triggers in the transaction of every write that changes them (and of the
-- cascaded deletes: a version, pacticipant, branch, environment or pact content deleted, or
-- `accord broker clean`). The rows carry no foreign keys: the triggers on the rows they are
-- drawn from remove them, so a fact never outlives its evidence.

-- The newest result of each pact content by each provider version (`latestby=cvpv`).
CREATE TABLE latest_verifications (
    pact_version_id {{bigint}} NOT NULL,
    provider_version_id {{bigint}} NOT NULL,
    verification_id {{bigint}} NOT NULL,
    success {{bool}} NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (pact_version_id, provider_version_id)
);

-- "A version of this provider branch verified this content successfully": one row per
-- (content, branch, wip), where `wip` is the flag of the results it stands for (pending status
-- counts both, WIP selection only `wip` false). `verification_id` names one such result (the
-- row's witness) and `version_id` its provider version; when either goes, the row is worked out
-- again from what is left, or deleted. They are NULL only inside a trigger.
CREATE TABLE verified_on_branch (
    pact_version_id {{bigint}} NOT NULL,
    branch_id {{bigint}} NOT NULL,
    wip {{bool}} NOT NULL,
    verification_id {{bigint}},
    version_id {{bigint}},
    PRIMARY KEY (pact_version_id, branch_id, wip)
);
CREATE INDEX verified_on_branch_by_witness ON verified_on_branch (verification_id);
CREATE INDEX verified_on_branch_by_branch_version ON verified_on_branch (branch_id, version_id);

-- The versions live in each environment: currently deployed (any application instance; the
-- first current deployment record) or released with support not ended (its release record).
-- Ordered by those ids, they are the order `live_versions` always answered in.
CREATE TABLE environment_versions (
    environment_uuid TEXT NOT NULL,
    version_id {{bigint}} NOT NULL,
    pacticipant_id {{bigint}} NOT NULL,
    deployment_id {{bigint}},
    release_id {{bigint}},
    PRIMARY KEY (environment_uuid, version_id)
);
CREATE INDEX environment_versions_by_pacticipant
    ON environment_versions (environment_uuid, pacticipant_id, version_id);

-- Facts from the rows (benchmarks/history.py runs this part after a bulk load):
INSERT INTO latest_verifications
    (pact_version_id, provider_version_id, verification_id, success, created_at)
    SELECT v.pact_version_id, v.provider_version_id, v.id, v.success, v.created_at
    FROM verifications v
    JOIN (SELECT max(id) AS id FROM verifications GROUP BY pact_version_id, provider_version_id)
        newest ON newest.id = v.id;
INSERT INTO verified_on_branch (pact_version_id, branch_id, wip, verification_id, version_id)
    SELECT v.pact_version_id, bv.branch_id, v.wip, min(v.id), NULL
    FROM verifications v JOIN branch_versions bv ON bv.version_id = v.provider_version_id
    WHERE v.success
    GROUP BY v.pact_version_id, bv.branch_id, v.wip;
UPDATE verified_on_branch SET version_id = (
    SELECT provider_version_id FROM verifications WHERE id = verified_on_branch.verification_id
);
INSERT INTO environment_versions
    (environment_uuid, version_id, pacticipant_id, deployment_id, release_id)
    SELECT environment_uuid, version_id, min(pacticipant_id), min(deployment_id), min(release_id)
    FROM (
        SELECT environment_uuid, version_id, pacticipant_id, id AS deployment_id,
            CAST(NULL AS {{bigint}}) AS release_id
        FROM deployed_versions WHERE undeployed_at IS NULL
        UNION ALL
        SELECT environment_uuid, version_id, pacticipant_id, CAST(NULL AS {{bigint}}), id
        FROM released_versions WHERE support_ended_at IS NULL
    ) live
    GROUP BY environment_uuid, version_id;
-- Facts from the rows: end.

-- A result published: the newest of its pair, and a witness on each branch of its version.
-- sqlite only:
CREATE TRIGGER matrix_facts_verification_added AFTER INSERT ON verifications
-- postgres only:
CREATE FUNCTION matrix_facts_verification_added() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    INSERT INTO latest_verifications
        (pact_version_id, provider_version_id, verification_id, success, created_at)
        VALUES (NEW.pact_version_id, NEW.provider_version_id, NEW.id, NEW.success, NEW.created_at)
        ON CONFLICT (pact_version_id, provider_version_id) DO UPDATE SET
            verification_id = excluded.verification_id,
            success = excluded.success,
            created_at = excluded.created_at
        WHERE excluded.verification_id > latest_verifications.verification_id;
    INSERT INTO verified_on_branch (pact_version_id, branch_id, wip, verification_id, version_id)
        SELECT NEW.pact_version_id, bv.branch_id, NEW.wip, NEW.id, NEW.provider_version_id
        FROM branch_versions bv WHERE bv.version_id = NEW.provider_version_id AND NEW.success
        ON CONFLICT DO NOTHING;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER matrix_facts_verification_added AFTER INSERT ON verifications
    FOR EACH ROW EXECUTE FUNCTION matrix_facts_verification_added();
-- end

-- A result deleted (itself, or with its version or content): the pair's newest is the newest
-- left, and the rows it witnessed are worked out again.
-- sqlite only:
CREATE TRIGGER matrix_facts_verification_removed AFTER DELETE ON verifications
-- postgres only:
CREATE FUNCTION matrix_facts_verification_removed() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    DELETE FROM latest_verifications
        WHERE pact_version_id = OLD.pact_version_id
        AND provider_version_id = OLD.provider_version_id AND verification_id = OLD.id;
    INSERT INTO latest_verifications
        (pact_version_id, provider_version_id, verification_id, success, created_at)
        SELECT v.pact_version_id, v.provider_version_id, v.id, v.success, v.created_at
        FROM verifications v
        WHERE v.pact_version_id = OLD.pact_version_id
        AND v.provider_version_id = OLD.provider_version_id
        ORDER BY v.id DESC LIMIT 1
        ON CONFLICT DO NOTHING;
    UPDATE verified_on_branch SET (verification_id, version_id) = (
        SELECT v.id, v.provider_version_id FROM verifications v
        JOIN branch_versions bv ON bv.version_id = v.provider_version_id
        WHERE v.pact_version_id = verified_on_branch.pact_version_id
        AND bv.branch_id = verified_on_branch.branch_id
        AND v.success AND v.wip = verified_on_branch.wip
        ORDER BY v.id LIMIT 1
    ) WHERE verification_id = OLD.id;
    DELETE FROM verified_on_branch WHERE verification_id IS NULL;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER matrix_facts_verification_removed AFTER DELETE ON verifications
    FOR EACH ROW EXECUTE FUNCTION matrix_facts_verification_removed();
-- end

-- A version added to a branch: its successful results now count for the branch.
-- sqlite only:
CREATE TRIGGER matrix_facts_branch_version_added AFTER INSERT ON branch_versions
-- postgres only:
CREATE FUNCTION matrix_facts_branch_version_added() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    INSERT INTO verified_on_branch (pact_version_id, branch_id, wip, verification_id, version_id)
        SELECT v.pact_version_id, NEW.branch_id, v.wip, min(v.id), NEW.version_id
        FROM verifications v WHERE v.provider_version_id = NEW.version_id AND v.success
        GROUP BY v.pact_version_id, v.wip
        ON CONFLICT DO NOTHING;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER matrix_facts_branch_version_added AFTER INSERT ON branch_versions
    FOR EACH ROW EXECUTE FUNCTION matrix_facts_branch_version_added();
-- end

-- A version taken off a branch (or deleted, or its branch deleted): the rows it witnessed on
-- that branch are worked out again.
-- sqlite only:
CREATE TRIGGER matrix_facts_branch_version_removed AFTER DELETE ON branch_versions
-- postgres only:
CREATE FUNCTION matrix_facts_branch_version_removed() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    UPDATE verified_on_branch SET (verification_id, version_id) = (
        SELECT v.id, v.provider_version_id FROM verifications v
        JOIN branch_versions bv ON bv.version_id = v.provider_version_id
        WHERE v.pact_version_id = verified_on_branch.pact_version_id
        AND bv.branch_id = verified_on_branch.branch_id
        AND v.success AND v.wip = verified_on_branch.wip
        ORDER BY v.id LIMIT 1
    ) WHERE branch_id = OLD.branch_id AND version_id = OLD.version_id;
    DELETE FROM verified_on_branch WHERE verification_id IS NULL;
-- sqlite only:
END;
-- postgres only:
    RETURN NULL;
END
$$;
CREATE TRIGGER matrix_facts_branch_version_removed AFTER DELETE ON branch_versions
    FOR EACH ROW EXECUTE FUNCTION matrix_facts_branch_version_removed();
-- end

-- A deployment or release recorded, ended or deleted: the (environment, version) row is worked
-- out again from the records.
-- postgres only:
CREATE FUNCTION environment_version_refreshed(environment TEXT, version BIGINT, pacticipant BIGINT)
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM environment_versions WHERE environment_uuid = environment AND version_id = version;
    INSERT INTO environment_versions
        (environment_uuid, version_id, pacticipant_id, deployment_id, release_id)
        SELECT environment, version, pacticipant, live.deployment_id, live.release_id FROM (
            SELECT (SELECT min(d.id) FROM deployed_versions d
                    WHERE d.version_id = version AND d.environment_uuid = environment
                    AND d.undeployed_at IS NULL) AS deployment_id,
                (SELECT min(r.id) FROM released_versions r
                    WHERE r.version_id = version AND r.environment_uuid = environment
                    AND r.support_ended_at IS NULL) AS release_id
        ) live
        WHERE live.deployment_id IS NOT NULL OR live.release_id IS NOT NULL;
END
$$;
CREATE FUNCTION matrix_facts_environment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM environment_version_refreshed(
            OLD.environment_uuid, OLD.version_id, OLD.pacticipant_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM environment_version_refreshed(
            NEW.environment_uuid, NEW.version_id, NEW.pacticipant_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER matrix_facts_deployment_changed
    AFTER INSERT OR UPDATE OR DELETE ON deployed_versions
    FOR EACH ROW EXECUTE FUNCTION matrix_facts_environment_changed();
CREATE TRIGGER matrix_facts_release_changed
    AFTER INSERT OR UPDATE OR DELETE ON released_versions
    FOR EACH ROW EXECUTE FUNCTION matrix_facts_environment_changed();
-- end
-- sqlite only:
CREATE TRIGGER matrix_facts_deployment_added AFTER INSERT ON deployed_versions
BEGIN
    DELETE FROM environment_versions
        WHERE environment_uuid = NEW.environment_uuid AND version_id = NEW.version_id;
    INSERT INTO environment_versions
        (environment_uuid, version_id, pacticipant_id, deployment_id, release_id)
        SELECT NEW.environment_uuid, NEW.version_id, NEW.pacticipant_id, live.deployment_id,
            live.release_id FROM (
            SELECT (SELECT min(d.id) FROM deployed_versions d
                    WHERE d.version_id = NEW.version_id
                    AND d.environment_uuid = NEW.environment_uuid
                    AND d.undeployed_at IS NULL) AS deployment_id,
                (SELECT min(r.id) FROM released_versions r
                    WHERE r.version_id = NEW.version_id
                    AND r.environment_uuid = NEW.environment_uuid
                    AND r.support_ended_at IS NULL) AS release_id
        ) live
        WHERE live.deployment_id IS NOT NULL OR live.release_id IS NOT NULL;
END;
CREATE TRIGGER matrix_facts_deployment_updated AFTER UPDATE ON deployed_versions
BEGIN
    DELETE FROM environment_versions
        WHERE environment_uuid = OLD.environment_uuid AND version_id = OLD.version_id;
    DELETE FROM environment_versions
        WHERE environment_uuid = NEW.environment_uuid AND version_id = NEW.version_id;
    INSERT INTO environment_versions
        (environment_uuid, version_id, pacticipant_id, deployment_id, release_id)
        SELECT * FROM (SELECT ev.environment_uuid, ev.version_id, ev.pacticipant_id,
            (SELECT min(d.id) FROM deployed_versions d
                WHERE d.version_id = ev.version_id AND d.environment_uuid = ev.environment_uuid
                AND d.undeployed_at IS NULL) AS deployment_id,
            (SELECT min(r.id) FROM released_versions r
                WHERE r.version_id = ev.version_id AND r.environment_uuid = ev.environment_uuid
                AND r.support_ended_at IS NULL) AS release_id
        FROM (SELECT OLD.environment_uuid AS environment_uuid, OLD.version_id AS version_id,
                OLD.pacticipant_id AS pacticipant_id
            UNION SELECT NEW.environment_uuid, NEW.version_id, NEW.pacticipant_id) ev
        ) live
        WHERE live.deployment_id IS NOT NULL OR live.release_id IS NOT NULL;
END;
CREATE TRIGGER matrix_facts_deployment_removed AFTER DELETE ON deployed_versions
BEGIN
    DELETE FROM environment_versions
        WHERE environment_uuid = OLD.environment_uuid AND version_id = OLD.version_id;
    INSERT INTO environment_versions
        (environment_uuid, version_id, pacticipant_id, deployment_id, release_id)
        SELECT OLD.environment_uuid, OLD.version_id, OLD.pacticipant_id, live.deployment_id,
            live.release_id FROM (
            SELECT (SELECT min(d.id) FROM deployed_versions d
                    WHERE d.version_id = OLD.version_id
                    AND d.environment_uuid = OLD.environment_uuid
                    AND d.undeployed_at IS NULL) AS deployment_id,
                (SELECT min(r.id) FROM released_versions r
                    WHERE r.version_id = OLD.version_id
                    AND r.environment_uuid = OLD.environment_uuid
                    AND r.support_ended_at IS NULL) AS release_id
        ) live
        WHERE live.deployment_id IS NOT NULL OR live.release_id IS NOT NULL;
END;
CREATE TRIGGER matrix_facts_release_added AFTER INSERT ON released_versions
BEGIN
    DELETE FROM environment_versions
        WHERE environment_uuid = NEW.environment_uuid AND version_id = NEW.version_id;
    INSERT INTO environment_versions
        (environment_uuid, version_id, pacticipant_id, deployment_id, release_id)
        SELECT NEW.environment_uuid, NEW.version_id, NEW.pacticipant_id, live.deployment_id,
            live.release_id FROM (
            SELECT (SELECT min(d.id) FROM deployed_versions d
                    WHERE d.version_id = NEW.version_id
                    AND d.environment_uuid = NEW.environment_uuid
                    AND d.undeployed_at IS NULL) AS deployment_id,
                (SELECT min(r.id) FROM released_versions r
                    WHERE r.version_id = NEW.version_id
                    AND r.environment_uuid = NEW.environment_uuid
                    AND r.support_ended_at IS NULL) AS release_id
        ) live
        WHERE live.deployment_id IS NOT NULL OR live.release_id IS NOT NULL;
END;
CREATE TRIGGER matrix_facts_release_updated AFTER UPDATE ON released_versions
BEGIN
    DELETE FROM environment_versions
        WHERE environment_uuid = OLD.environment_uuid AND version_id = OLD.version_id;
    DELETE FROM environment_versions
        WHERE environment_uuid = NEW.environment_uuid AND version_id = NEW.version_id;
    INSERT INTO environment_versions
        (environment_uuid, version_id, pacticipant_id, deployment_id, release_id)
        SELECT * FROM (SELECT ev.environment_uuid, ev.version_id, ev.pacticipant_id,
            (SELECT min(d.id) FROM deployed_versions d
                WHERE d.version_id = ev.version_id AND d.environment_uuid = ev.environment_uuid
                AND d.undeployed_at IS NULL) AS deployment_id,
            (SELECT min(r.id) FROM released_versions r
                WHERE r.version_id = ev.version_id AND r.environment_uuid = ev.environment_uuid
                AND r.support_ended_at IS NULL) AS release_id
        FROM (SELECT OLD.environment_uuid AS environment_uuid, OLD.version_id AS version_id,
                OLD.pacticipant_id AS pacticipant_id
            UNION SELECT NEW.environment_uuid, NEW.version_id, NEW.pacticipant_id) ev
        ) live
        WHERE live.deployment_id IS NOT NULL OR live.release_id IS NOT NULL;
END;
CREATE TRIGGER matrix_facts_release_removed AFTER DELETE ON released_versions
BEGIN
    DELETE FROM environment_versions
        WHERE environment_uuid = OLD.environment_uuid AND version_id = OLD.version_id;
    INSERT INTO environment_versions
        (environment_uuid, version_id, pacticipant_id, deployment_id, release_id)
        SELECT OLD.environment_uuid, OLD.version_id, OLD.pacticipant_id, live.deployment_id,
            live.release_id FROM (
            SELECT (SELECT min(d.id) FROM deployed_versions d
                    WHERE d.version_id = OLD.version_id
                    AND d.environment_uuid = OLD.environment_uuid
                    AND d.undeployed_at IS NULL) AS deployment_id,
                (SELECT min(r.id) FROM released_versions r
                    WHERE r.version_id = OLD.version_id
                    AND r.environment_uuid = OLD.environment_uuid
                    AND r.support_ended_at IS NULL) AS release_id
        ) live
        WHERE live.deployment_id IS NOT NULL OR live.release_id IS NOT NULL;
END;
-- end
