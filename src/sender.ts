// Sends contract-valid sample deliveries to a receiver under development, the way `stripe trigger`
// does for Stripe receivers: built from the spec's examples, varied per event type, each built
// as it is sent so that a long run holds only what is in flight.
import { monotonicNow } from "./clock.js";
import { networkCause } from "./network-cause.js";
import { WEBHOOK_EVENT_TYPES } from "../generated/event-types.js";
import { WEBHOOK_EXAMPLES } from "../generated/examples.js";
import type { WebhookEventType, WebhookPayload } from "../generated/schema.js";
import { Deadlines } from "./client/deadlines.js";
import { MAX_TIMER_MS } from "./rules/limits.js";
import { WebhooksOptionError } from "./errors.js";
import { parse, type SchemaName } from "./validation.js";
import { closestPattern, MAX_PATTERN_LENGTH, typesOfPattern } from "./rules/patterns.js";
import { checkHttpUrl } from "./rules/url.js";
import { isHeaderName, isHeaderValue, MANAGED_HEADERS } from "./rules/headers.js";
import { ALERT_KINDS, outbound, type AlertKind, type AlertName } from "./rules/alerts.js";
import { readAtMost } from "./rules/body.js";
import { runLanes } from "./rules/wait.js";

export type { AlertKind };

export interface SendSampleEventsOptions {
  /** The receiver's URL (http or https, without credentials). */
  url: string;
  /** Event types to send. Default `["policy.issue"]`. */
  types?: readonly WebhookEventType[];
  /** Send this alert body (one per type) instead of event deliveries. */
  alert?: AlertKind;
  /** Deliveries per type. Default 1. */
  count?: number;
  /** Deliveries in flight at once, at most 10,000. Default 1. */
  concurrency?: number;
  /** Extra headers on every delivery (for example what your integration's `headers` would add). Never printed. */
  headers?: Record<string, string>;
  /** Replaces the event's `data` (event deliveries) or `eventData` (failure alerts). */
  data?: Record<string, unknown>;
  /** Sets a field by its dotted path (`data.policyLocator`, `username`), as `stripe trigger --override` does. */
  overrides?: Record<string, unknown>;
  /** Give up on a delivery after this long (give or take a twentieth). Default 10,000 ms. */
  timeoutMs?: number;
  /** Called with each delivery's result as it completes; a promise it returns is awaited. A throw or rejection stops the run and rejects it. */
  onDelivery?: (delivery: SentDelivery) => void | PromiseLike<void>;
  /** How many results `deliveries` keeps (the first ones). Default 1,000. */
  keepDeliveries?: number;
  fetch?: (url: URL, init: RequestInit) => Promise<Response>;
}

export interface SentDelivery {
  type: string;
  id: string;
  /** The receiver's status (a 3xx too: redirects are never followed), or null when it gave no HTTP answer. */
  status: number | null;
  ms: number;
  /** Why a delivery without an HTTP answer failed, e.g. `ECONNREFUSED (connection refused)`. */
  error?: string;
}

export interface SendReport {
  /** The first `keepDeliveries` results, in completion order. */
  deliveries: SentDelivery[];
  /** Deliveries sent. */
  sent: number;
  /** Deliveries that got no 2xx. */
  failures: number;
  /** Latency percentiles (within 1%), for more than one delivery. */
  latencyMs?: { p50: number; p90: number; p99: number; max: number };
}

const examples = WEBHOOK_EXAMPLES.eventDelivery;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** A receiver's answer is read up to this many bytes, then dropped. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Each delivery in flight holds a socket: past this, a run exhausts the machine, not the receiver. */
const MAX_CONCURRENCY = 10_000;


/**
 * Why `name: value` cannot be an extra header of a delivery, naming the rule (never the value,
 * which may be a secret), or undefined when it can.
 */
export function headerProblem(name: unknown, value: unknown): string | undefined {
  if (!isHeaderName(name)) {
    return "a header name must be an RFC 9110 token: one or more letters, digits or !#$%&'*+-.^_`|~ (no spaces, colons, control or non-ASCII characters)";
  }
  const shown = name.length > 100 ? `${name.slice(0, 100)}…` : name;
  if (MANAGED_HEADERS.has(name.toLowerCase())) return `the header ${shown} is one the HTTP client sets itself from the body and the connection, and cannot be given`;
  if (!isHeaderValue(value)) {
    return `the value of the header ${shown} must be an RFC 9110 field value: visible ASCII characters, spaces and tabs (no control characters such as CR, LF, NUL or ESC, no non-ASCII characters)`;
  }
  return undefined;
}

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

/**
 * The event types `patterns` name, in the one pattern grammar (rules/patterns.ts): an exact type,
 * an entity wildcard (`claim.*`, `policy.quote.*`), or `all` (alias `*`). @throws WebhooksOptionError naming an unknown pattern and the closest known type.
 */
export function selectEventTypes(patterns: readonly string[]): WebhookEventType[] {
  if (patterns.length === 0) throw new WebhooksOptionError("selectEventTypes", "patterns", "minItems", 'select at least one event type (an exact type, an entity wildcard such as "claim.*", or "all")');
  const selected: WebhookEventType[] = [];
  for (const pattern of patterns) {
    const matches = typeof pattern === "string" && pattern.length <= MAX_PATTERN_LENGTH ? typesOfPattern(pattern) : [];
    if (matches.length === 0) {
      const closest = closestPattern(String(pattern));
      throw new WebhooksOptionError("selectEventTypes", "patterns", "enum", `unknown event type(s): ${String(pattern).slice(0, 100)}; did you mean "${closest}"? (or an entity wildcard such as "${closest.split(".")[0]}.*", or "all")`);
    }
    selected.push(...matches);
  }
  return selected;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  if (keys.some((key) => key === "" || FORBIDDEN_KEYS.has(key))) throw new WebhooksOptionError("sendSampleEvents", "overrides", "path", `override "${path.slice(0, 100)}" is not a dotted field path (no empty parts, __proto__, constructor or prototype)`);
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === null || typeof next !== "object" || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

/** How to build the delivery of one type, and the schema it must meet. */
function builderFor(options: SendSampleEventsOptions): { schema: SchemaName; build: (type: WebhookEventType, sequence: number) => { id: string; body: Record<string, unknown> } } {
  const { alert, data, overrides } = options;
  const shape = (body: Record<string, unknown>) => {
    for (const [path, value] of Object.entries(overrides ?? {})) setPath(body, path, structuredClone(value));
    return body;
  };
  if (alert === undefined) {
    return {
      schema: "WebhookPayload",
      build: (type, sequence) => {
        const payload = sampleDelivery(type, sequence) as unknown as Record<string, unknown>;
        if (data !== undefined) payload.data = structuredClone(data);
        return { id: payload.id as string, body: shape(payload) };
      },
    };
  }
  if (!Object.hasOwn(ALERT_KINDS, alert)) throw new WebhooksOptionError("sendSampleEvents", "alert", "enum", `\`alert\` must be one of ${Object.keys(ALERT_KINDS).join(", ")}`);
  const alertEntry = outbound(ALERT_KINDS[alert]);
  const example = WEBHOOK_EXAMPLES[alertEntry.name as AlertName][0] as Record<string, unknown>;
  return {
    schema: alertEntry.schema,
    build: (type, sequence) => {
      const body = structuredClone(example);
      if ("eventData" in body) body.eventData = structuredClone(data) ?? sampleDelivery(type, sequence).data;
      if ("event" in body) body.event = type;
      return { id: `${alert}-${sequence}`, body: shape(body) };
    },
  };
}

/** Latencies in buckets 1% wide: percentiles in bounded memory, whatever the count. */
class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  max = 0;
  add(ms: number): void {
    const bucket = Math.ceil(Math.log(Math.max(ms, 0.001) / 0.001) / Math.log(1.01));
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count += 1;
    this.max = Math.max(this.max, ms);
  }
  percentile(p: number): number {
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= rank) return Math.min(this.max, 0.001 * 1.01 ** bucket);
    }
    return this.max;
  }
}

async function drain(response: Response): Promise<void> {
  if (response.body === null) return;
  // A declared length bounds the body (unless compressed): read it whole, the fast way.
  const length = response.headers.get("content-length");
  if (length !== null && Number(length) <= MAX_ANSWER_BYTES && response.headers.get("content-encoding") === null) {
    await response.arrayBuffer();
    return;
  }
  await readAtMost(response.body, MAX_ANSWER_BYTES);
}

/**
 * POSTs sample deliveries to `url` and reports each answer. Each delivery is built as it is sent,
 * with one fetch call; no redirect is followed (a 3xx is the delivery's answer).
 * @throws WebhooksOptionError for a URL that is not http(s) or holds credentials, a bad count, concurrency,
 *   header or override; ContractValidationError when `data` or `overrides` break the contract.
 */
const refuse = (option: string, rule: string, detail: string) => new WebhooksOptionError("sendSampleEvents", option, rule, detail);

export async function sendSampleEvents(options: SendSampleEventsOptions): Promise<SendReport> {
  const { url, types = ["policy.issue"], count = 1, concurrency = 1, headers = {}, timeoutMs = 10_000, keepDeliveries = 1000, onDelivery } = options;
  const checked = checkHttpUrl(url);
  if (checked.rule === "credentials") throw refuse("url", "credentials", "`url` must not hold credentials (user:password@): send them with `headers`");
  if (checked.url === undefined) throw refuse("url", "format", `\`url\` must be an http(s) URL, ${checked.problem}`);
  const target = checked.url;
  for (const [name, value] of [["count", count], ["concurrency", concurrency]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw refuse(name, "minimum", `\`${name}\` must be a positive integer`);
  }
  if (!Array.isArray(types) || types.length === 0 || !(types as readonly unknown[]).every((type) => typeof type === "string")) {
    throw refuse("types", "minItems", "`types` must name at least one event type (a run that sends nothing is no success)");
  }
  if (concurrency > MAX_CONCURRENCY) throw refuse("concurrency", "maximum", `\`concurrency\` must be at most ${MAX_CONCURRENCY}`);
  if (!Number.isSafeInteger(keepDeliveries) || keepDeliveries < 0) throw refuse("keepDeliveries", "minimum", "`keepDeliveries` must be a non-negative integer");
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) throw refuse("timeoutMs", "range", `\`timeoutMs\` must be from 1 to ${MAX_TIMER_MS}`);
  const sentHeaders = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerProblem(name, value);
    if (problem !== undefined) throw refuse("headers", "header", `\`headers\`: ${problem}`);
    sentHeaders.set(name, value);
  }
  sentHeaders.set("content-type", "application/json");
  const headerList = Object.fromEntries(sentHeaders);
  const { schema, build } = builderFor(options);
  // Shaped payloads are checked once per type before anything is sent.
  for (const type of new Set(types)) parse(schema, build(type, 0).body);

  const doFetch = options.fetch ?? fetch;
  const deadlines = new Deadlines(timeoutMs);
  const deliveries: SentDelivery[] = [];
  const latency = new LatencyHistogram();
  let failures = 0;
  const total = count * types.length;
  let next = 0;

  async function send(sequence: number) {
    const type = types[sequence % types.length]!;
    const { id, body } = build(type, sequence);
    const started = monotonicNow();
    const sent: SentDelivery = { type, id, status: null, ms: 0 };
    // Deliveries starting together share one controller and timer: a signal per delivery costs more than the rest of the sender.
    const deadline = deadlines.shared();
    try {
      const response = await doFetch(target, { method: "POST", headers: headerList, redirect: "manual", body: JSON.stringify(body), signal: deadline.signal });
      sent.status = response.status;
      await drain(response);
    } catch (error) {
      if (sent.status === null) sent.error = deadline.timedOut ? `no answer within ${timeoutMs} ms` : networkCause(error).text;
    } finally {
      deadline.end();
    }
    sent.ms = monotonicNow() - started;
    latency.add(sent.ms);
    if (sent.status === null || sent.status < 200 || sent.status > 299) failures += 1;
    if (deliveries.length < keepDeliveries) deliveries.push(sent);
    // Awaited: a rejection stops the run as a throw does (never an unhandled rejection), and a
    // slow callback slows the run instead of piling up.
    const reported: unknown = onDelivery?.(sent);
    if (reported !== null && typeof reported === "object" && typeof (reported as PromiseLike<unknown>).then === "function") await reported;
  }

  // The first failure (an onDelivery that throws) stops every worker: nothing is sent after the
  // run has failed, and it fails only once the deliveries in flight have settled.
  await runLanes(Math.min(concurrency, total), async () => {
    if (next >= total) return false;
    await send(next++);
    return true;
  });
  const report: SendReport = { deliveries, sent: total, failures };
  if (total < 2) return report;
  return { ...report, latencyMs: { p50: latency.percentile(50), p90: latency.percentile(90), p99: latency.percentile(99), max: latency.max } };
}
