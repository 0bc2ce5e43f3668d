// The dedupe store on Redis: one key per event, `p:<token>` while a claim holds it (expiring with
// its lease), `c` once completed (expiring after ttlMs). Every transition is one Lua script, so
// it is atomic and one round trip (EVALSHA; EVAL once when the server does not have the script).
import { createHash } from "node:crypto";
import type { ClaimOutcome, DedupeStore } from "../dedupe.js";
import { newClaimToken } from "./memory.js";

/** What the store needs of a connected node-redis client (`createClient` from the `redis` package, 4.x or 5.x). */
export interface RedisScriptClient {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface RedisDedupeStoreOptions {
  /** A connected node-redis client; the store never connects or quits it. */
  client: RedisScriptClient;
  /** Put before every event id to make its key. Default "socotra-webhooks:dedupe:". */
  keyPrefix?: string;
}

const CLAIM = `if redis.call('SET', KEYS[1], 'p:' .. ARGV[1], 'NX', 'PX', ARGV[2]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == 'c' then return 'completed' end
return redis.call('PTTL', KEYS[1])`;
const COMPLETE = `local held = redis.call('GET', KEYS[1])
if held and held ~= 'p:' .. ARGV[1] then return 0 end
redis.call('SET', KEYS[1], 'c', 'PX', ARGV[2])
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == 'p:' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const COMPLETED: ClaimOutcome = Object.freeze({ state: "completed" });

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
  if (typeof client?.evalSha !== "function" || typeof client.eval !== "function") {
    throw new TypeError("redisDedupeStore: `client` must be a connected node-redis client (createClient from the `redis` package)");
  }
  if (typeof keyPrefix !== "string") throw new TypeError("redisDedupeStore: `keyPrefix` must be a string");
  const [claim, complete, release] = [CLAIM, COMPLETE, RELEASE].map(script) as [ReturnType<typeof script>, ReturnType<typeof script>, ReturnType<typeof script>];

  async function run(which: ReturnType<typeof script>, id: string, ...args: string[]): Promise<unknown> {
    const call = { keys: [keyPrefix + id], arguments: args };
    try {
      return await client.evalSha(which.sha1, call);
    } catch (error) {
      // A server that restarted or was flushed has lost its scripts: EVAL sends it again.
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return client.eval(which.source, call);
    }
  }

  return {
    async claim(id, { leaseMs }) {
      const token = newClaimToken();
      const reply = await run(claim, id, token, String(leaseMs));
      if (reply === "claimed") return { state: "claimed", token };
      if (reply === "completed") return COMPLETED;
      return typeof reply === "number" && reply >= 0 ? { state: "in-progress", expiresInMs: reply } : { state: "in-progress" };
    },
    async complete(id, token, { ttlMs }) {
      return (await run(complete, id, token, String(ttlMs))) === 1;
    },
    async release(id, token) {
      await run(release, id, token);
    },
  };
}
