-- Consumer notifications (issue 5): a consumer hears of each change its provider's new OpenAPI
-- document made, with the consumer's interactions each change affects.
-- `changes` is a JSON array: id, level, operation, location, text and interactions (this
-- consumer's descriptions) of each change. `change_request_id` names the change request opened
-- for the document (enterprise mode); no foreign key, so either migration may come first.
CREATE TABLE notifications (
    id {{id}},
    consumer_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_id {{bigint}} NOT NULL REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_version TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    summary TEXT NOT NULL,
    changes TEXT NOT NULL,
    change_request_id {{bigint}}
);
CREATE INDEX notifications_by_consumer ON notifications (consumer_id, id);
CREATE INDEX notifications_by_provider ON notifications (provider_id);
