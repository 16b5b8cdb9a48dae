-- Webhooks (issue 14) and their outbox.
--
-- `webhooks`: what to call, for which events and pacticipants. A consumer or provider is named
-- by id (deleted with the pacticipant, as the Pact Broker deletes them) or by label; both
-- NULL means any. `events` is a JSON array of event names, `headers` a JSON object, `body`
-- the JSON text of the body (a JSON string when the body is text); NULL when there is none.
CREATE TABLE webhooks (
    id {{id}},
    uuid TEXT NOT NULL UNIQUE,
    description TEXT,
    consumer_id {{bigint}} REFERENCES pacticipants (id) ON DELETE CASCADE,
    consumer_label TEXT,
    provider_id {{bigint}} REFERENCES pacticipants (id) ON DELETE CASCADE,
    provider_label TEXT,
    events TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT,
    username TEXT,
    password TEXT,
    enabled {{bool}} NOT NULL,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX webhooks_by_consumer ON webhooks (consumer_id);
CREATE INDEX webhooks_by_provider ON webhooks (provider_id);

-- The outbox: an event is written in the transaction of the change that caused it, with the
-- values of its template variables then (`variables`, a JSON object), and only when some
-- webhook listens. The ids it was caused by let resources list what a pact, a verification or
-- a change request triggered; no foreign keys, so the record outlives them.
CREATE TABLE webhook_events (
    id {{id}},
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    consumer_name TEXT,
    provider_name TEXT,
    variables TEXT NOT NULL,
    pact_version_sha TEXT,
    consumer_version_id {{bigint}},
    verification_id {{bigint}},
    change_request_id {{bigint}},
    created_at {{time}} NOT NULL
);
CREATE INDEX webhook_events_by_pact ON webhook_events (pact_version_sha, consumer_version_id);
CREATE INDEX webhook_events_by_verification ON webhook_events (verification_id);
CREATE INDEX webhook_events_by_change_request ON webhook_events (change_request_id);

-- One call to make: an event for one webhook. `status`: pending (due at next_attempt_at),
-- running (claimed by `worker` until lease_until; a lease that ran out is claimed again),
-- succeeded, or dead (the schedule ran out; an admin may re-drive it). Deliveries with one
-- `sequence_key` (webhook and integration) are made in id order.
CREATE TABLE webhook_deliveries (
    id {{id}},
    uuid TEXT NOT NULL UNIQUE,
    event_id {{bigint}} NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    webhook_id {{bigint}} NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    sequence_key TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at {{time}} NOT NULL,
    lease_until {{time}},
    worker TEXT,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_in_sequence ON webhook_deliveries (sequence_key, id);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);

-- Each attempt of a delivery, as its log: the request sent (credentials masked; JSON), the
-- response's status, headers (JSON pairs) and first kilobytes, or the error, and how long it
-- took.
CREATE TABLE webhook_attempts (
    id {{id}},
    delivery_id {{bigint}} NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    worker TEXT NOT NULL,
    started_at {{time}} NOT NULL,
    duration_ms INTEGER NOT NULL,
    request TEXT NOT NULL,
    response_status INTEGER,
    response_headers TEXT NOT NULL,
    response_body TEXT NOT NULL,
    error TEXT,
    succeeded {{bool}} NOT NULL
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, number);
