-- Published test results (issue 17): the JUnit reports of a pacticipant version's integration
-- tests, one row per report, with the kind of test (api, event, data, e2e) and the systems the
-- tests involved. `systems` and `cases` are JSON arrays (cases: suite, classname, name,
-- outcome); the coverage report reads them back per version.
CREATE TABLE test_results (
    id {{id}},
    pacticipant_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    version_id {{bigint}} NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    systems TEXT NOT NULL,
    branch TEXT,
    report_name TEXT NOT NULL,
    cases TEXT NOT NULL,
    tests INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    created_at {{time}} NOT NULL
);
CREATE INDEX test_results_by_version ON test_results (version_id, id);

-- A pacticipant's coverage policy (off unless set): can-i-deploy answers no for a version whose
-- coverage of its target, against the environment asked about, is below `minimum` percent.
-- By name, as approval policies are, so a policy may be set before the first publication.
CREATE TABLE coverage_policies (
    pacticipant_name TEXT PRIMARY KEY,
    minimum {{bigint}} NOT NULL,
    updated_at {{time}} NOT NULL
);
