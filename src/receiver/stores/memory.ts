// The dedupe store of one process: the same leased, owned claims as the Redis and PostgreSQL
// stores, in a Map bounded in time and size.
import { monotonicNow } from "../../clock.js";
import { WebhooksOptionError } from "../../errors.js";
import type { ClaimOptions, ClaimOutcome, DedupeStore } from "../dedupe.js";

export interface MemoryDedupeStoreOptions {
  /** The longest a record is kept, whatever the receiver asks for. Default 24 hours. */
  ttlMs?: number;
  /** The most records kept; past it the oldest are forgotten first. Default 100,000 (a few MB). */
  maxKeys?: number;
}

/** A DedupeStore whose every call answers at once. */
export interface MemoryDedupeStore extends DedupeStore {
  claim(id: string, options: ClaimOptions): ClaimOutcome;
  complete(id: string, token: string, options: { readonly ttlMs: number }): boolean;
  release(id: string, token: string): void;
}

const positiveInteger = (value: unknown) => typeof value === "number" && Number.isSafeInteger(value) && value > 0;

// A random prefix per process, then a counter: unique across instances and claims without a
// random UUID per claim (a token proves ownership between cooperating instances; it is no secret).
// Drawn on the first claim: Web Crypto's first use loads a few ms of Node's internals, which
// every process importing the package would otherwise pay at import time (bench figure 2).
let tokenPrefix: string | undefined;
let tokens = 0;

/** A token no other claim holds. */
export const newClaimToken = (): string => `${(tokenPrefix ??= globalThis.crypto.randomUUID())}.${(tokens += 1).toString(36)}`;

const COMPLETED: ClaimOutcome = Object.freeze({ state: "completed" });

/**
 * A dedupe store in this process's memory, bounded in time and size. Fine for a single receiver
 * instance; several instances need a shared store (`socotra-webhooks-contract/redis` or `/postgres`).
 */
export function memoryDedupeStore(options: MemoryDedupeStoreOptions = {}): MemoryDedupeStore {
  const { ttlMs: maxTtlMs = 24 * 60 * 60 * 1000, maxKeys = 100_000 } = options;
  if (!positiveInteger(maxTtlMs)) throw new WebhooksOptionError("memoryDedupeStore", "ttlMs", "type", "`ttlMs` must be a positive integer");
  if (!positiveInteger(maxKeys)) throw new WebhooksOptionError("memoryDedupeStore", "maxKeys", "type", "`maxKeys` must be a positive integer");
  // token null: completed. Expiries are on the monotonic clock: a wall clock stepped forward would
  // hand running claims to other deliveries, one stepped back would hold them past their lease.
  // Insertion order is expiry order only when every ttl is the same, so
  // expiries are also checked on lookup; the Map's order decides which record goes first when full.
  const records = new Map<string, { token: string | null; expiresAt: number }>();

  function put(id: string, token: string | null, ms: number, now: number): void {
    records.delete(id);
    for (const [oldest, record] of records) {
      if (records.size < maxKeys && record.expiresAt > now) break;
      records.delete(oldest);
    }
    records.set(id, { token, expiresAt: now + Math.min(ms, maxTtlMs) });
  }

  return {
    claim(id, { leaseMs }) {
      const now = monotonicNow();
      const record = records.get(id);
      if (record !== undefined && record.expiresAt > now) return record.token === null ? COMPLETED : { state: "in-progress", expiresInMs: record.expiresAt - now };
      const token = newClaimToken();
      put(id, token, leaseMs, now);
      return { state: "claimed", token };
    },
    complete(id, token, { ttlMs }) {
      const now = monotonicNow();
      const record = records.get(id);
      if (record !== undefined && record.expiresAt > now && record.token !== token) return false;
      put(id, null, ttlMs, now);
      return true;
    },
    release(id, token) {
      if (records.get(id)?.token === token) records.delete(id);
    },
  };
}
