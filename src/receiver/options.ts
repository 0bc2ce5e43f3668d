// The receiver's options: what each means, its default, and the checks that refuse a bad one with
// a WebhooksOptionError before the receiver exists.
import type { DedupeStore } from "./dedupe.js";
import { checkDedupeStore } from "./dedupe.js";
import type { Deviation } from "./deviations.js";
import type { ReceivedBody } from "./classify.js";
import { WebhooksOptionError } from "../errors.js";
import { DEFAULT_MAX_BYTES } from "../validation.js";
import { MAX_TIMER_MS } from "../rules/limits.js";

export interface ReceiverOptions {
  /** The largest body accepted, in bytes; a larger one is answered 413 without being read whole. Default 1 MiB. */
  maxBytes?: number;
  /**
   * How long the handlers of one delivery may take before it is answered 503 (and `onError` gets a
   * WebhookHandlerTimeoutError); checked every eighth of it, so the answer comes within 1.25x. Default 10,000 ms. The platform's own delivery timeout is not
   * documented; 10 s is an assumption: long enough for a database write or a queue publish, short
   * enough that the platform gets an answer (and applies its retries and failure handling) rather
   * than a dropped connection. Do longer work after acknowledging, from a queue.
   */
  handlerTimeoutMs?: number;
  /**
   * How long the whole body may take to arrive before the delivery is answered 408. Default
   * 10,000 ms. Deadlines are checked every eighth of it, so the answer comes within 1.25x.
   */
  bodyTimeoutMs?: number;
  /** Refuse (400) the known deviations listed in deviations.ts instead of accepting them. Default false. */
  strict?: boolean;
  /** Told about each known deviation a body had and the receiver accepted (never its value). */
  onDeviation?: (deviation: Deviation) => unknown;
  /**
   * Told about every failure: each handler that throws or rejects (also after the answer went out),
   * a handler timeout, a dedupe store error, an onDeviation that throws. Default: console.error.
   * If it throws itself, that is contained; the answer is 500 all the same.
   */
  onError?: (error: unknown, body: ReceivedBody | undefined) => unknown;
  /**
   * Runs each event's handlers once per envelope `id`, across every instance sharing the store
   * (memoryDedupeStore, or the Redis and PostgreSQL stores): a repeat of an event whose handling
   * runs elsewhere waits for its outcome (see docs/several-instances.md).
   */
  dedupe?: DedupeStore;
  /** How long `dedupe` keeps an event's completed record. Default 24 hours (the platform's retry window is not documented). */
  dedupeTtlMs?: number;
  /**
   * How long an in-progress claim holds before another delivery may take the event over (a process
   * that died mid-handler). Must exceed `handlerTimeoutMs`; default 3 x `handlerTimeoutMs` (30 s).
   */
  dedupeLeaseMs?: number;
}

/** The options with their defaults, checked. */
export type ResolvedReceiverOptions = Required<Omit<ReceiverOptions, "onDeviation" | "dedupe">> & Pick<ReceiverOptions, "onDeviation" | "dedupe">;

const CALLER = "createWebhookReceiver";

const defaultOnError = (error: unknown) => console.error("socotra-webhooks-contract: receiving a webhook failed:", error);

function positiveInteger(name: string, value: unknown, max = MAX_TIMER_MS): void {
  const rule = typeof value !== "number" || !Number.isInteger(value) ? "integer" : value < 1 ? "minimum" : value > max ? "maximum" : undefined;
  if (rule !== undefined) {
    throw new WebhooksOptionError(CALLER, name, rule, `\`${name}\` must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` of at most ${max}` : ""}`);
  }
}

/** Refuses a handler or callback that is not a function, naming who was given it and as what. */
export function mustBeFunction(caller: string, option: string, value: unknown): void {
  if (typeof value !== "function") throw new WebhooksOptionError(caller, option, "type", `\`${option}\` must be a function`);
}

/** The options with their defaults; throws a WebhooksOptionError naming the first bad one. */
export function resolveReceiverOptions(options: ReceiverOptions): ResolvedReceiverOptions {
  const {
    maxBytes = DEFAULT_MAX_BYTES,
    handlerTimeoutMs = 10_000,
    bodyTimeoutMs = 10_000,
    strict = false,
    onDeviation,
    onError = defaultOnError,
    dedupe,
    dedupeTtlMs = 24 * 60 * 60 * 1000,
    dedupeLeaseMs = 3 * handlerTimeoutMs,
  } = options;
  positiveInteger("maxBytes", maxBytes, Number.MAX_SAFE_INTEGER);
  positiveInteger("handlerTimeoutMs", handlerTimeoutMs);
  positiveInteger("bodyTimeoutMs", bodyTimeoutMs);
  positiveInteger("dedupeTtlMs", dedupeTtlMs, Number.MAX_SAFE_INTEGER);
  positiveInteger("dedupeLeaseMs", dedupeLeaseMs, Number.MAX_SAFE_INTEGER);
  if (dedupeLeaseMs <= handlerTimeoutMs) {
    throw new WebhooksOptionError(CALLER, "dedupeLeaseMs", "minimum", "`dedupeLeaseMs` must exceed `handlerTimeoutMs`: a lease that runs out while the handlers may still run lets another delivery run them at the same time");
  }
  mustBeFunction(CALLER, "onError", onError);
  if (onDeviation !== undefined) mustBeFunction(CALLER, "onDeviation", onDeviation);
  if (dedupe !== undefined) checkDedupeStore(dedupe, CALLER);
  return { maxBytes, handlerTimeoutMs, bodyTimeoutMs, strict, onDeviation, onError, dedupe, dedupeTtlMs, dedupeLeaseMs };
}
