-- Events fanned out by the delivery worker (issue 14): a change stores its event with the
-- deliveries it will make (`targets`: a JSON array of webhook id, sequence key and delivery
-- uuid), one row instead of one per webhook, and the worker turns them into
-- `webhook_deliveries` rows before claiming (then sets `targets` to NULL). The partial index
-- holds only the events still to fan out.
ALTER TABLE webhook_events ADD COLUMN targets TEXT;
CREATE INDEX webhook_events_to_fan_out ON webhook_events (id) WHERE targets IS NOT NULL;
