-- Events fanned out by the delivery worker (issue 14): a change stores its event with the
-- deliveries it will make (`targets`: a JSON array of webhook id, sequence key and delivery
-- uuid), one row instead of one per webhook, and the worker turns them into
-- `webhook_deliveries` rows before claiming (then sets `targets` to NULL). The partial index
-- holds only the events still to fan out.
ALTER TABLE webhook_events ADD COLUMN targets TEXT;
CREATE INDEX webhook_events_to_fan_out ON webhook_events (id) WHERE targets IS NOT NULL;

-- Only verification results and change requests cause events with these ids: the other
-- events (most of them, a publication's) need no entry in their indexes, and a publication
-- with webhooks writes two index pages fewer.
DROP INDEX webhook_events_by_verification;
CREATE INDEX webhook_events_by_verification ON webhook_events (verification_id)
    WHERE verification_id IS NOT NULL;
DROP INDEX webhook_events_by_change_request;
CREATE INDEX webhook_events_by_change_request ON webhook_events (change_request_id)
    WHERE change_request_id IS NOT NULL;
