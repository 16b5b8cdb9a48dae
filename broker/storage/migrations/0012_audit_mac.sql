-- An entry's HMAC-SHA256 under the broker's audit key (ACCORD_AUDIT_KEY), which the database
-- never holds: without the key, an edited row and a recomputed chain cannot be sealed again.
-- NULL for entries written without a key.
ALTER TABLE audit_log ADD COLUMN mac TEXT;
