// The dedupe store on PostgreSQL: one row per event, `token` set while a claim holds it and null
// once completed, `expires_at` ending either (the database's clock, one for every instance). Every
// transition is one statement: a claim inserts, or takes over an expired row, in one upsert.
import { monotonicNow } from "../../clock.js";
import { WebhooksOptionError } from "../../errors.js";
import type { ClaimOutcome, DedupeStore } from "../dedupe.js";
import { newClaimToken } from "./memory.js";

/** What the store needs of a `Pool` (or `Client`) from the `pg` package. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

export interface PostgresDedupeStoreOptions {
  /** A `Pool` from `pg`; the store never ends it. */
  pool: PgQueryable;
  /** The table, optionally schema-qualified (`webhooks.dedupe`). Default "socotra_webhook_dedupe". */
  table?: string;
  /** Create the table when it is missing, on first use (else run postgresDedupeTableSql's SQL in your migrations). Default true. */
  createTable?: boolean;
  /** How often a claim also deletes rows that expired (at most 1,000 at a time). Default 60,000 ms. */
  sweepIntervalMs?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The table's name quoted, and the bare name its index is named after. */
function tableName(table: unknown): { quoted: string; bare: string } {
  const parts = typeof table === "string" ? table.split(".") : [];
  if (parts.length < 1 || parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new WebhooksOptionError("postgresDedupeStore", "table", "pattern", "`table` must be a table name, optionally schema-qualified, of letters, digits and underscores (at most 63 each)");
  }
  return { quoted: parts.map((part) => `"${part}"`).join("."), bare: parts.at(-1)! };
}

/** The SQL that creates the store's table and its index (also shipped as sql/postgres-dedupe.sql). */
export function postgresDedupeTableSql(table = "socotra_webhook_dedupe"): string {
  const { quoted, bare } = tableName(table);
  return `-- The dedupe store of socotra-webhooks-contract (postgresDedupeStore): one row per event.
-- token: the claim's owner while in progress; null once the event's handlers completed.
CREATE TABLE IF NOT EXISTS ${quoted} (
  id text PRIMARY KEY,
  token text,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS "${bare}_expires_at" ON ${quoted} (expires_at);
`;
}

const COMPLETED: ClaimOutcome = Object.freeze({ state: "completed" });

/**
 * A dedupe store on PostgreSQL, shared by every receiver instance that uses the same table.
 *
 * @example
 * import pg from "pg";
 * import { postgresDedupeStore } from "socotra-webhooks-contract/postgres";
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const receiver = createWebhookReceiver({ dedupe: postgresDedupeStore({ pool }) });
 */
export function postgresDedupeStore(options: PostgresDedupeStoreOptions): DedupeStore {
  const { pool, table = "socotra_webhook_dedupe", createTable = true, sweepIntervalMs = 60_000 } = options ?? ({} as PostgresDedupeStoreOptions);
  if (typeof pool?.query !== "function") throw new WebhooksOptionError("postgresDedupeStore", "pool", "type", "`pool` must be a Pool from the `pg` package");
  if (!Number.isSafeInteger(sweepIntervalMs) || sweepIntervalMs < 1) throw new WebhooksOptionError("postgresDedupeStore", "sweepIntervalMs", "type", "`sweepIntervalMs` must be a positive integer");
  const { quoted } = tableName(table);
  const until = (parameter: string) => `now() + ${parameter}::double precision * interval '1 millisecond'`;
  const CLAIM = `WITH claimed AS (
  INSERT INTO ${quoted} AS held (id, token, expires_at) VALUES ($1, $2, ${until("$3")})
  ON CONFLICT (id) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at WHERE held.expires_at <= now()
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM claimed) AS claimed, held.token IS NULL AS completed, floor(extract(epoch FROM held.expires_at - now()) * 1000)::bigint AS expires_in_ms
FROM (SELECT 1) AS one LEFT JOIN ${quoted} AS held ON held.id = $1`;
  const COMPLETE = `INSERT INTO ${quoted} AS held (id, token, expires_at) VALUES ($1, NULL, ${until("$3")})
ON CONFLICT (id) DO UPDATE SET token = NULL, expires_at = excluded.expires_at WHERE held.token = $2::text OR held.expires_at <= now()`;
  const RELEASE = `DELETE FROM ${quoted} WHERE id = $1 AND token = $2`;
  const SWEEP = `DELETE FROM ${quoted} WHERE ctid IN (SELECT ctid FROM ${quoted} WHERE expires_at < now() LIMIT 1000)`;

  let ready: Promise<unknown> | undefined = createTable ? undefined : Promise.resolve();
  function tableReady(): Promise<unknown> {
    // One transaction (several statements, no parameters) under a lock: instances starting at once
    // would otherwise collide in the catalog ("type already exists") even with IF NOT EXISTS.
    const create = `SELECT pg_advisory_xact_lock(hashtext('socotra-webhooks dedupe ${quoted}'));\n${postgresDedupeTableSql(table)}`;
    ready ??= pool.query(create).catch((error: unknown) => {
      ready = undefined; // tried again by the next call
      throw error;
    });
    return ready;
  }

  let lastSweep = monotonicNow();
  function sweepNow(): void {
    if (monotonicNow() - lastSweep < sweepIntervalMs) return;
    lastSweep = monotonicNow();
    // Not awaited: claim takes over an expired row itself, so a failed sweep only leaves rows longer.
    pool.query(SWEEP).catch(() => undefined);
  }

  return {
    async claim(id, { leaseMs }) {
      await tableReady();
      sweepNow();
      const token = newClaimToken();
      const { rows } = await pool.query(CLAIM, [id, token, leaseMs]);
      const row = rows[0] as { claimed: boolean; completed: boolean | null; expires_in_ms: string | number | null } | undefined;
      if (row?.claimed) return { state: "claimed", token };
      if (row?.completed === true) return COMPLETED;
      // A row another instance committed after this statement began is not visible to it: in progress.
      const expiresInMs = row?.expires_in_ms === null || row?.expires_in_ms === undefined ? Number.NaN : Number(row.expires_in_ms);
      return Number.isSafeInteger(expiresInMs) && expiresInMs >= 0 ? { state: "in-progress", expiresInMs } : { state: "in-progress" };
    },
    async complete(id, token, { ttlMs }) {
      await tableReady();
      return (await pool.query(COMPLETE, [id, token, ttlMs])).rowCount === 1;
    },
    async release(id, token) {
      await tableReady();
      await pool.query(RELEASE, [id, token]);
    },
  };
}
