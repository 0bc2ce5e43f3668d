-- The dedupe store of socotra-webhooks-contract (postgresDedupeStore): one row per event.
-- token: the claim's owner while in progress; null once the event's handlers completed.
CREATE TABLE IF NOT EXISTS "socotra_webhook_dedupe" (
  id text PRIMARY KEY,
  token text,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS "socotra_webhook_dedupe_expires_at" ON "socotra_webhook_dedupe" (expires_at);
