// `socotra-webhooks-contract/postgres`: the dedupe store on PostgreSQL (the `pg` package is an optional peer).
export { postgresDedupeStore, postgresDedupeTableSql, type PgQueryable, type PostgresDedupeStoreOptions } from "./receiver/stores/postgres.js";
