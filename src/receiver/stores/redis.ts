// The dedupe store on Redis: one key per event, `p:<token>` while a claim holds it (expiring with
// its lease), `c` once completed (expiring after ttlMs). Every transition is one atomic command,
// one round trip: a claim is `SET key p:<token> NX GET PX lease` (Redis 7.0+), which sets the key
// only if it is missing and answers what it held; completing and releasing compare the token and
// write in one Lua script (EVALSHA; EVAL once when the server does not have the script).
import { createHash } from "node:crypto";
import { WebhooksOptionError } from "../../errors.js";
import type { ClaimOutcome, DedupeStore } from "../dedupe.js";
import { newClaimToken } from "./memory.js";

/** What the store needs of a connected node-redis client (`createClient` from the `redis` package, 4.x or 5.x). */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisDedupeStoreOptions {
  /** A connected node-redis client; the store never connects or quits it. */
  client: RedisCommandClient;
  /** Put before every event id to make its key. Default "socotra-webhooks:dedupe:". */
  keyPrefix?: string;
}

const COMPLETE = `local held = redis.call('GET', KEYS[1])
if held and held ~= 'p:' .. ARGV[1] then return 0 end
redis.call('SET', KEYS[1], 'c', 'PX', ARGV[2])
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == 'p:' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const COMPLETED: ClaimOutcome = Object.freeze({ state: "completed" });
const IN_PROGRESS: ClaimOutcome = Object.freeze({ state: "in-progress" });

function script(source: string) {
  return { source, sha1: createHash("sha1").update(source).digest("hex") };
}

/**
 * A dedupe store on Redis, shared by every receiver instance that uses the same server and prefix.
 *
 * @example
 * import { createClient } from "redis";
 * import { redisDedupeStore } from "socotra-webhooks-contract/redis";
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const receiver = createWebhookReceiver({ dedupe: redisDedupeStore({ client }) });
 */
export function redisDedupeStore(options: RedisDedupeStoreOptions): DedupeStore {
  const { client, keyPrefix = "socotra-webhooks:dedupe:" } = options ?? ({} as RedisDedupeStoreOptions);
  if (typeof client?.sendCommand !== "function") {
    throw new WebhooksOptionError("redisDedupeStore", "client", "type", "`client` must be a connected node-redis client (createClient from the `redis` package)");
  }
  if (typeof keyPrefix !== "string") throw new WebhooksOptionError("redisDedupeStore", "keyPrefix", "type", "`keyPrefix` must be a string");
  const [complete, release] = [script(COMPLETE), script(RELEASE)];

  function run(which: ReturnType<typeof script>, id: string, ...args: string[]): Promise<unknown> {
    return client.sendCommand(["EVALSHA", which.sha1, "1", keyPrefix + id, ...args]).catch((error: unknown) => {
      // A server that restarted or was flushed has lost its scripts: EVAL sends it again.
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return client.sendCommand(["EVAL", which.source, "1", keyPrefix + id, ...args]);
    });
  }

  return {
    claim(id, { leaseMs }) {
      const token = newClaimToken();
      return client.sendCommand(["SET", keyPrefix + id, `p:${token}`, "NX", "GET", "PX", String(leaseMs)]).then((held): ClaimOutcome => {
        if (held === null || held === undefined) return { state: "claimed", token };
        return String(held) === "c" ? COMPLETED : IN_PROGRESS;
      });
    },
    complete(id, token, { ttlMs }) {
      return run(complete, id, token, String(ttlMs)).then((done) => done === 1);
    },
    async release(id, token) {
      await run(release, id, token);
    },
  };
}
