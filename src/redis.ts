// `socotra-webhooks-contract/redis`: the dedupe store on Redis (the `redis` package is an optional peer).
export { redisDedupeStore, type RedisDedupeStoreOptions, type RedisCommandClient } from "./receiver/stores/redis.js";
