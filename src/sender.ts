// Sends contract-valid sample deliveries to a receiver under development, the way `stripe trigger`
// does for Stripe receivers: built from the spec's examples, varied per event type.
import { WEBHOOK_EXAMPLES } from "../generated/examples.js";
import type { WebhookEventType, WebhookPayload } from "../generated/schema.js";

export interface SendSampleEventsOptions {
  /** The receiver's URL (http or https). */
  url: string;
  /** Event types to send. Default `["policy.issue"]`. */
  types?: readonly WebhookEventType[];
  /** Deliveries per type. Default 1. */
  count?: number;
  /** Deliveries in flight at once. Default 1. */
  concurrency?: number;
  /** Extra headers on every delivery (for example what your integration's `headers` would add). */
  headers?: Record<string, string>;
  /** Give up on a delivery after this long. Default 10,000 ms. */
  timeoutMs?: number;
  fetch?: (request: Request) => Promise<Response>;
}

export interface SentDelivery {
  type: string;
  id: string;
  /** The receiver's status, or null when it gave no HTTP answer. */
  status: number | null;
  ms: number;
  /** Why a delivery without an HTTP answer failed. */
  error?: string;
}

export interface SendReport {
  deliveries: SentDelivery[];
  /** Deliveries that got no 2xx. */
  failures: number;
  /** Latency percentiles (nearest rank), for more than one delivery. */
  latencyMs?: { p50: number; p90: number; p99: number; max: number };
}

const examples = WEBHOOK_EXAMPLES.eventDelivery;

/** A contract-valid delivery of `type`: the spec's example of the same entity (or the first), with fresh ids and time. */
export function sampleDelivery(type: WebhookEventType, sequence = 0): WebhookPayload {
  const entity = type.split(".")[0];
  const sameEntity = examples.find((example) => example.type.split(".")[0] === entity);
  const base = sameEntity ?? examples[0]!;
  return {
    id: crypto.randomUUID(),
    timestamp: String(Date.now()),
    transactionId: crypto.randomUUID(),
    type,
    username: base.username,
    data: sameEntity ? structuredClone(sameEntity.data) : { [`${entity}Locator`]: String(100_000_000 + sequence) },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * POSTs sample deliveries to `url` and reports each answer.
 * @throws TypeError for a URL that is not http(s) or a count or concurrency that is not a positive integer.
 */
export async function sendSampleEvents(options: SendSampleEventsOptions): Promise<SendReport> {
  const { url, types = ["policy.issue"], count = 1, concurrency = 1, headers = {}, timeoutMs = 10_000 } = options;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new TypeError(`sendSampleEvents: \`url\` must be an http(s) URL, got "${url}"`);
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new TypeError(`sendSampleEvents: \`url\` must be an http(s) URL, got a ${target.protocol} URL`);
  }
  for (const [name, value] of [["count", count], ["concurrency", concurrency]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`sendSampleEvents: \`${name}\` must be a positive integer`);
  }
  const doFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const queue = Array.from({ length: count }, (_, round) => types.map((type, i) => sampleDelivery(type, round * types.length + i))).flat();
  const deliveries: SentDelivery[] = [];

  async function send(payload: WebhookPayload) {
    const started = performance.now();
    const sent: SentDelivery = { type: payload.type, id: payload.id, status: null, ms: 0 };
    try {
      const response = await doFetch(
        new Request(target, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(timeoutMs),
        }),
      );
      await response.arrayBuffer();
      sent.status = response.status;
    } catch (error) {
      sent.error = error instanceof Error ? error.message : String(error);
    }
    sent.ms = performance.now() - started;
    deliveries.push(sent);
  }

  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      while (next < queue.length) await send(queue[next++]!);
    }),
  );
  const failures = deliveries.filter((d) => d.status === null || d.status < 200 || d.status > 299).length;
  if (deliveries.length < 2) return { deliveries, failures };
  const sorted = deliveries.map((d) => d.ms).sort((a, b) => a - b);
  return { deliveries, failures, latencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1)! } };
}
