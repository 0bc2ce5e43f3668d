// Remembering which deliveries were handled, so that the platform's repeated delivery of an event
// runs the handlers once. The receiver claims the envelope's `id` before running the handlers and
// releases it when they fail, so the platform's retry is processed.

/** Where the receiver records the ids it has handled; share one (Redis, a database) between instances. */
export interface DedupeStore {
  /**
   * Records `key` for `ttlMs`; true when it was not recorded already (this delivery should run).
   * Anything but true or false (undefined, "OK", null) is a store failure: the delivery is answered 500.
   */
  claim(key: string, ttlMs: number): boolean | Promise<boolean>;
  /** Forgets `key`, after its handlers failed, so that a retry runs them again. */
  release(key: string): void | Promise<void>;
}

export interface MemoryDedupeStoreOptions {
  /** The longest a key is kept, whatever the receiver asks for. Default 24 hours. */
  ttlMs?: number;
  /** The most keys kept; past it the oldest are forgotten first. Default 100,000 (a few MB). */
  maxKeys?: number;
}

const positiveInteger = (value: unknown) => typeof value === "number" && Number.isSafeInteger(value) && value > 0;

/**
 * A dedupe store in this process's memory, bounded in time and size. Fine for a single receiver
 * instance; several instances need a shared store (see the README's Redis example).
 */
export function memoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const { ttlMs: maxTtlMs = 24 * 60 * 60 * 1000, maxKeys = 100_000 } = options;
  if (!positiveInteger(maxTtlMs)) throw new TypeError("memoryDedupeStore: `ttlMs` must be a positive integer");
  if (!positiveInteger(maxKeys)) throw new TypeError("memoryDedupeStore: `maxKeys` must be a positive integer");
  // Insertion order is expiry order only when every ttl is the same, so expired keys are also
  // checked on lookup; the Map's order decides which key goes first when it is full.
  const expiries = new Map<string, number>();
  return {
    claim(key, ttlMs) {
      const now = Date.now();
      const expiry = expiries.get(key);
      if (expiry !== undefined && expiry > now) return false;
      expiries.delete(key);
      for (const [oldest, oldestExpiry] of expiries) {
        if (expiries.size < maxKeys && oldestExpiry > now) break;
        expiries.delete(oldest);
      }
      expiries.set(key, now + Math.min(ttlMs, maxTtlMs));
      return true;
    },
    release(key) {
      expiries.delete(key);
    },
  };
}
