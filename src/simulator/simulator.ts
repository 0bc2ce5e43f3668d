// The simulator's core: the platform's webhook state in memory, the eight operations routed from
// the spec's operations table, and deliveries with retries, failure handling, alerts and resend.
// A Fetch API handler (`handle`) over a server-neutral one (`respond`), so it runs in-process,
// under MSW, or behind node:http (server.ts).
import { OPERATIONS, type OperationEntry } from "../../generated/operations.js";
import type {
  EventStreamWebhookSuspendedData,
  FailureMessage,
  WebhookDivertedEventResponse,
  WebhookEventType,
  WebhookPayload,
  WebhookRequest,
  WebhookResponse,
} from "../../generated/schema.js";
import { ContractValidationError, WebhooksContractError, type ContractIssue } from "../errors.js";
import { DEFAULT_MAX_BYTES, decodeBody, parse, type SchemaName } from "../validation.js";
import { type AssumptionOverrides, type Assumptions, resolveAssumptions } from "./assumptions.js";
import { BoundedLog } from "./log.js";
import { matchRoute, readInteger, type OperationId } from "./routes.js";
import { concat } from "../bytes.js";

/** How one (event, webhook) pair ended. `queued` only under the `suspendedWebhook: queue` assumption, until unsuspend. */
export type Outcome = "delivered" | "diverted" | "dropped" | "skipped" | "queued";

/** An External Service Integration as the simulator knows it: where deliveries and alerts go. */
export interface Integration {
  name: string;
  url: string;
  headers: Record<string, string>;
}

/** One HTTP attempt the simulator made: a delivery or an alert. */
export interface DeliveryAttempt {
  /** Increasing number of the attempt, from 1. */
  seq: number;
  /** When the attempt started, epoch milliseconds. */
  time: number;
  kind: "event" | "failureAlert" | "suspensionAlert";
  /** How the event got here: raised, resent, or released from the queue by unsuspend. */
  via: "emit" | "resend" | "unsuspend";
  webhookName: string;
  integrationName: string;
  url: string;
  eventId: string;
  transactionId: string;
  eventType: string;
  /** 1 for the first attempt of a delivery, 2 for its first retry... */
  attempt: number;
  /** The receiver's status, or null without an HTTP answer. */
  status: number | null;
  /** Why there was no HTTP answer. */
  error: "timeout" | "no-answer" | "no-integration" | "contract-violation" | null;
  ms: number;
  /** On the last attempt of a delivery: how it ended. Alerts end `delivered` or `dropped`. */
  outcome?: Outcome;
}

/** One raised event and how it ended at each webhook that listens for its type. */
export interface EmitResult {
  event: WebhookPayload;
  outcomes: { webhookName: string; outcome: Outcome }[];
}

/** A raised event as `events()` keeps it: the envelope without its data (so that memory stays bounded), and its outcomes. */
export interface LoggedEvent {
  event: Omit<WebhookPayload, "data">;
  outcomes: EmitResult["outcomes"];
}

export interface EmitInput {
  /** The event's data (an object). Default `{}`. */
  data?: Record<string, unknown>;
  /** Default: a fresh UUID. */
  transactionId?: string;
  /** Default `"simulator"`. */
  username?: string;
  /** The event id. Default: a fresh UUID. */
  id?: string;
}

/** A contract violation the simulator caught in something it produced: always a bug of the simulator. */
export interface ContractViolation {
  schema: string;
  where: string;
  issues: readonly ContractIssue[];
}

/** Thrown (by default) when the simulator produces a body that breaks the contract. */
export class SimulatorContractViolation extends WebhooksContractError {
  override name = "SimulatorContractViolation";
  constructor(readonly violation: ContractViolation) {
    super(`the simulator produced a ${violation.schema} that breaks the contract (${violation.where}): ${violation.issues.map((i) => `${i.path || "(root)"} ${i.message}`).join("; ")}`);
  }
}

export interface SimulatorLimits {
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes: number;
  /** Default 1,000. */
  maxWebhooks: number;
  /** Default 1,000. */
  maxIntegrations: number;
  /** Diverted events kept, over all webhooks; beyond it a failed event ends `dropped`. Default 100,000. */
  maxDivertedEvents: number;
  /** Events queued for suspended webhooks, over all webhooks; beyond it an event ends `skipped`. Default 100,000. */
  maxQueuedEvents: number;
  /** Bytes (of JSON) of all diverted and queued events together; beyond it, as for the counts. Default 64 MiB. */
  maxRetainedBytes: number;
  /** Attempts kept in the journal (the newest). Default 100,000. */
  maxJournal: number;
  /** Raised events kept with their outcomes (the newest). Default 10,000. */
  maxEvents: number;
  /** Bytes of a receiver's answer read before the rest is dropped. Default 64 KiB. */
  maxResponseBytes: number;
  /** HTTP attempts in flight at once; more wait their turn. Default 256. */
  maxConcurrentAttempts: number;
}

export const DEFAULT_LIMITS: Readonly<SimulatorLimits> = Object.freeze({
  maxBodyBytes: DEFAULT_MAX_BYTES,
  maxWebhooks: 1_000,
  maxIntegrations: 1_000,
  maxDivertedEvents: 100_000,
  maxQueuedEvents: 100_000,
  maxRetainedBytes: 64 * 1024 * 1024,
  maxJournal: 100_000,
  maxEvents: 10_000,
  maxResponseBytes: 64 * 1024,
  maxConcurrentAttempts: 256,
});

export interface SimulatorOptions {
  /** Integrations by name: a URL, or `{ url, headers }`. */
  integrations?: Record<string, string | { url: string; headers?: Record<string, string> }>;
  /** Tokens accepted in `Authorization`. Default: any non-empty value (like the Prism mock). */
  tokens?: readonly string[];
  /** Overrides of the undocumented behaviours (see ASSUMPTIONS). */
  assume?: AssumptionOverrides;
  limits?: Partial<SimulatorLimits>;
  /**
   * The fetch deliveries and alerts go through, called as `fetch(url, init)` like the global one.
   * Default: the global fetch at the time of the call (so MSW sees them). For an in-process
   * receiver: `(url, init) => receiver.handle(new Request(url, init))`.
   */
  fetch?: (url: string, init: RequestInit & { method: "POST"; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<Response>;
  /**
   * What to do when the simulator produces a body that breaks the contract (a bug): `"throw"` (the
   * default: `handle` and `emit` reject, so a test fails loudly), or a function to tell (the
   * simulator then answers 500 or skips the delivery). Either way it is kept in `violations()`.
   */
  onContractViolation?: "throw" | ((violation: ContractViolation) => void);
}

/** What `snapshot()` returns and `restore()` takes: integrations, webhooks, their diverted and queued events. */
export interface SimulatorState {
  version: 1;
  integrations: Integration[];
  webhooks: { webhook: WebhookResponse; diverted: WebhookDivertedEventResponse[]; queued: WebhookPayload[] }[];
}

/** A request in a server-neutral form. */
export interface SimulatorRequest {
  method: string;
  /** Path and query, e.g. `/webhooks/a/diverted?limit=10`. */
  url: string;
  header(name: string): string | null;
  body: Uint8Array | null;
}

export interface SimulatorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Simulator {
  /** Serves a request in the Fetch API form: the platform's operations and `/_simulator/`. */
  handle(request: Request): Promise<Response>;
  /** The same from any server; what `handle` and `startSimulator` call. */
  respond(request: SimulatorRequest): Promise<SimulatorAnswer>;
  /** Raises one event; resolves once every delivery of it has ended. */
  emit(type: WebhookEventType, input?: EmitInput): Promise<EmitResult>;
  /** Registers (or replaces) an integration. */
  setIntegration(name: string, integration: { url: string; headers?: Record<string, string> }): Integration;
  /** Every attempt, oldest first (the newest `maxJournal`). */
  deliveries(): DeliveryAttempt[];
  /** Raised events (without their data) with their outcomes, oldest first (the newest `maxEvents`). */
  events(): LoggedEvent[];
  /** Contract violations caught in what the simulator produced. Empty unless the simulator has a bug. */
  violations(): ContractViolation[];
  /** Resolves once no delivery is in flight (queued events released by unsuspend deliver in the background). */
  settled(): Promise<void>;
  snapshot(): SimulatorState;
  /** Replaces the state with `state`, after checking it. @throws ContractValidationError naming the bad field. */
  restore(state: SimulatorState): void;
  /** Forgets webhooks, diverted and queued events, the journal and the events, keeping the integrations given in the options. */
  reset(): void;
  readonly assumptions: Assumptions;
  readonly limits: Readonly<SimulatorLimits>;
}

interface StoredWebhook {
  webhook: WebhookResponse;
  diverted: Map<string, WebhookDivertedEventResponse>;
  queued: { payload: WebhookPayload; record: { webhookName: string; outcome: Outcome } }[];
}

class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly issues: ContractIssue[],
    message: string,
  ) {
    super(message);
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
// Set by the simulator itself, or never sent: socotra-signature's signing is not documented.
const RESERVED_HEADERS = new Set(["socotra-signature", "content-type", "content-length", "host", "connection", "transfer-encoding", "keep-alive", "upgrade", "expect", "te", "trailer"]);
const MAX_NAME = 1024;

const issue = (path: string, rule: string, message: string): ContractIssue => ({ path, rule, message });
const plain = <T extends object>(entries: Iterable<readonly [string, unknown]>): T => Object.assign(Object.create(null), Object.fromEntries(entries)) as T;

function checkName(value: unknown, path: string): string {
  if (typeof value !== "string" || value.length < 1 || value.length > MAX_NAME) throw new BadRequest(400, [issue(path, "type", `must be a string of 1 to ${MAX_NAME} characters`)], `${path} is invalid`);
  return value;
}

/** Checks an integration's URL and headers; returns the headers as a null-prototype object. */
function checkIntegration(value: unknown, path: string): { url: string; headers: Record<string, string> } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new BadRequest(400, [issue(path, "type", "must be an object with `url` and optional `headers`")], "invalid integration");
  const { url, headers = {} } = value as { url?: unknown; headers?: unknown };
  const issues: ContractIssue[] = [];
  let parsed: URL | undefined;
  if (typeof url === "string" && url.length <= 2048) {
    try {
      parsed = new URL(url);
    } catch {
      // reported below
    }
  }
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) issues.push(issue(`${path}/url`, "format", "must be an http(s) URL of at most 2048 characters"));
  else if (parsed.username !== "" || parsed.password !== "") issues.push(issue(`${path}/url`, "credentials", "must not carry credentials: put them in `headers`"));
  for (const key of Object.keys(value)) if (key !== "url" && key !== "headers" && key !== "name") issues.push(issue(`${path}/${key}`, "additionalProperties", "is not a field of an integration"));
  const checked: Record<string, string> = Object.create(null);
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) issues.push(issue(`${path}/headers`, "type", "must be an object of header names to string values"));
  else {
    const entries = Object.entries(headers);
    if (entries.length > 64) issues.push(issue(`${path}/headers`, "maxProperties", "must have at most 64 headers"));
    for (const [name, headerValue] of entries.slice(0, 64)) {
      const where = `${path}/headers/${name.slice(0, 64)}`;
      if (!TOKEN.test(name)) issues.push(issue(where, "name", "is not a valid header name"));
      else if (RESERVED_HEADERS.has(name.toLowerCase())) issues.push(issue(where, "reserved", name.toLowerCase() === "socotra-signature" ? "is never sent: its signing is not documented" : "is set by the simulator"));
      // fetch refuses anything but visible Latin-1 and tabs, which would fail every delivery.
      else if (typeof headerValue !== "string" || headerValue.length > 8192 || /[^\t\x20-\x7e\x80-\xff]/.test(headerValue)) issues.push(issue(where, "value", "must be a string of at most 8192 visible Latin-1 characters (no CR, LF or other control characters)"));
      else checked[name] = headerValue;
    }
  }
  if (issues.length > 0) throw new BadRequest(400, issues, "invalid integration");
  return { url: parsed!.href, headers: checked };
}

const isSuccess = (status: number | null) => status !== null && status >= 200 && status <= 299;

/** A counting semaphore: at most `max` attempts in flight. */
function limiter(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** Reads at most `max` bytes of an answer, then lets the rest go. */
async function drain(response: Response, max: number): Promise<void> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > max) return;
    }
  } catch {
    // The status arrived; a body cut short changes nothing.
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * A stateful, in-memory simulator of the platform's webhooks: the eight operations with state,
 * deliveries to your integrations, failure handling, alerts and resend.
 *
 * @example
 * const simulator = createSimulator({ integrations: { "my-service": "http://127.0.0.1:3000/events" } });
 * const client = createWebhooksClient({ baseUrl: "http://simulator.test", token: "t", fetch: (r) => simulator.handle(r) });
 */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const assumptions = resolveAssumptions(options.assume);
  const limits: SimulatorLimits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(options.limits ?? {})) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) throw new TypeError(`createSimulator: unknown limit "${key}"; known: ${Object.keys(DEFAULT_LIMITS).join(", ")}`);
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`createSimulator: limit "${key}" must be a positive integer`);
    limits[key as keyof SimulatorLimits] = value;
  }
  Object.freeze(limits);
  if (options.tokens !== undefined && (!Array.isArray(options.tokens) || options.tokens.some((token) => typeof token !== "string" || token.trim() === ""))) {
    throw new TypeError("createSimulator: `tokens` must be an array of non-empty strings");
  }
  const tokens = options.tokens === undefined ? undefined : new Set(options.tokens);
  const onViolation = options.onContractViolation ?? "throw";
  if (onViolation !== "throw" && typeof onViolation !== "function") throw new TypeError('createSimulator: `onContractViolation` must be "throw" or a function');
  if (options.fetch !== undefined && typeof options.fetch !== "function") throw new TypeError("createSimulator: `fetch` must be a function");
  if (options.integrations !== undefined && (typeof options.integrations !== "object" || options.integrations === null || Array.isArray(options.integrations))) {
    throw new TypeError("createSimulator: `integrations` must be an object of names to URLs or { url, headers }");
  }
  const doFetch: NonNullable<SimulatorOptions["fetch"]> = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const runAttempt = limiter(limits.maxConcurrentAttempts);

  const initialIntegrations = new Map<string, Integration>();
  for (const [name, value] of Object.entries(options.integrations ?? {})) {
    try {
      const checked = checkIntegration(typeof value === "string" ? { url: value } : value, `/integrations/${name}`);
      initialIntegrations.set(checkName(name, "/integrations"), { name, ...checked });
    } catch (error) {
      if (error instanceof BadRequest) throw new ContractValidationError("SimulatorOptions", error.issues);
      throw error;
    }
  }

  let integrations = new Map(initialIntegrations);
  let webhooks = new Map<string, StoredWebhook>();
  let divertedCount = 0;
  let queuedCount = 0;
  // What diverted and queued events hold, so that their memory has a bound and not only their number.
  let retainedBytes = 0;
  const sizes = new WeakMap<object, number>();
  const journal = new BoundedLog<DeliveryAttempt>(limits.maxJournal);
  const eventLog = new BoundedLog<LoggedEvent>(limits.maxEvents);
  const violations = new BoundedLog<ContractViolation>(1_000);
  const inFlight = new Set<Promise<unknown>>();
  let seq = 0;

  /** Validates what the simulator produced. A failure is a bug: thrown, or told and reported as false. */
  function produced<Name extends SchemaName>(schema: Name, value: unknown, where: string): boolean {
    try {
      parse(schema, value);
      return true;
    } catch (error) {
      if (!(error instanceof ContractValidationError)) throw error;
      const violation = { schema, where, issues: error.issues };
      violations.push(violation);
      if (onViolation === "throw") throw new SimulatorContractViolation(violation);
      onViolation(violation);
      return false;
    }
  }

  function serialise(payload: WebhookPayload, where: string): string | null {
    return produced("WebhookPayload", payload, where) ? JSON.stringify(payload) : null;
  }

  // --- outbound -----------------------------------------------------------------------------

  interface AttemptResult {
    status: number | null;
    error: DeliveryAttempt["error"];
    ms: number;
    time: number;
  }

  async function post(integration: Integration | undefined, body: string): Promise<AttemptResult> {
    const time = Date.now();
    if (integration === undefined) return { status: null, error: "no-integration", ms: 0, time };
    return runAttempt(async () => {
      const started = performance.now();
      const headers = assumptions.integrationHeaders === "send" ? { ...integration.headers, "content-type": "application/json" } : { "content-type": "application/json" };
      // A timer of our own, not AbortSignal.timeout: that one is unref'd, and an in-process emit
      // waiting only on it would let the process exit mid-delivery. The race ends the wait even
      // when a fetch ignores its signal.
      const controller = new AbortController();
      const { signal } = controller;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const reason = new DOMException("The delivery timed out", "TimeoutError");
          controller.abort(reason);
          reject(reason);
        }, assumptions.deliveryTimeoutMs);
      });
      timedOut.catch(() => {});
      try {
        const response = await Promise.race([doFetch(integration.url, { method: "POST", headers, body, signal, redirect: "manual" }), timedOut]);
        if (response.body !== null) await Promise.race([drain(response, limits.maxResponseBytes), timedOut]).catch(() => {});
        return { status: response.status, error: null, ms: performance.now() - started, time };
      } catch {
        return { status: null, error: signal.aborted ? "timeout" : "no-answer", ms: performance.now() - started, time };
      } finally {
        clearTimeout(timer);
      }
    });
  }

  function record(entry: Omit<DeliveryAttempt, "seq">): void {
    journal.push(Object.freeze({ seq: ++seq, ...entry }));
  }

  async function sendAlert(kind: "failureAlert" | "suspensionAlert", stored: StoredWebhook, payload: WebhookPayload, via: DeliveryAttempt["via"], body: FailureMessage | EventStreamWebhookSuspendedData): Promise<void> {
    const name = stored.webhook.alertIntegrationName;
    if (name === undefined) return;
    const schema = kind === "failureAlert" ? "FailureMessage" : "EventStreamWebhookSuspendedData";
    const integration = integrations.get(name);
    const base = { kind, via, webhookName: stored.webhook.name, integrationName: name, url: integration?.url ?? "", eventId: payload.id, transactionId: payload.transactionId, eventType: payload.type, attempt: 1 };
    if (!produced(schema, body, `${kind} for webhook ${stored.webhook.name}`)) {
      record({ ...base, time: Date.now(), status: null, error: "contract-violation", ms: 0, outcome: "dropped" });
      return;
    }
    const result = await post(integration, JSON.stringify(body));
    record({ ...base, ...result, outcome: isSuccess(result.status) ? "delivered" : "dropped" });
  }

  function failureAlert(stored: StoredWebhook, payload: WebhookPayload, integration: Integration | undefined, result: AttemptResult, via: DeliveryAttempt["via"]) {
    const alert: FailureMessage = {
      actualStatus: result.status !== null ? String(result.status) : result.error === "timeout" ? "timeout" : "no-answer",
      eventData: payload.data,
      expectedStatus: String(assumptions.expectedStatus),
      url: integration?.url ?? "",
      webhookName: assumptions.alertWebhookName === "name" ? { name: stored.webhook.name } : {},
    };
    return sendAlert("failureAlert", stored, payload, via, alert);
  }

  /** Whether the webhook's failure rules act on the final attempt. */
  function acted(webhook: WebhookResponse, result: AttemptResult): boolean {
    const { actOnStatusCodes, actOnTimeout } = webhook.failureHandling;
    if (result.status !== null) return actOnStatusCodes.includes(String(result.status)) || assumptions.unlistedStatus === "act";
    if (result.error === "timeout") return actOnTimeout;
    if (assumptions.networkError === "act") return true;
    if (assumptions.networkError === "as-timeout") return actOnTimeout;
    return assumptions.unlistedStatus === "act";
  }

  function divert(stored: StoredWebhook, payload: WebhookPayload, body: string): boolean {
    // A resent event that fails again is already there; another event with its id cannot be kept under it.
    const held = stored.diverted.get(payload.id);
    if (held !== undefined) return held.transactionId === payload.transactionId && held.timestamp === payload.timestamp && held.eventType === payload.type;
    if (divertedCount >= limits.maxDivertedEvents || retainedBytes + body.length > limits.maxRetainedBytes) return false;
    const event: WebhookDivertedEventResponse = {
      eventId: payload.id,
      eventType: payload.type as WebhookEventType,
      timestamp: payload.timestamp,
      // A copy of what was sent, whatever the caller does with its `data` afterwards.
      data: (JSON.parse(body) as WebhookPayload).data,
      transactionId: payload.transactionId,
      username: payload.username,
    };
    stored.diverted.set(payload.id, event);
    divertedCount += 1;
    sizes.set(event, body.length);
    retainedBytes += body.length;
    return true;
  }

  function undivert(stored: StoredWebhook, eventId: string): void {
    const event = stored.diverted.get(eventId);
    if (event === undefined) return;
    stored.diverted.delete(eventId);
    divertedCount -= 1;
    retainedBytes -= sizes.get(event) ?? 0;
  }

  function unqueue(item: StoredWebhook["queued"][number]): void {
    queuedCount -= 1;
    retainedBytes -= sizes.get(item) ?? 0;
  }

  function enqueue(stored: StoredWebhook, item: StoredWebhook["queued"][number], front = false): boolean {
    const text = JSON.stringify(item.payload);
    const size = text.length;
    if (queuedCount >= limits.maxQueuedEvents || retainedBytes + size > limits.maxRetainedBytes) return false;
    // A copy of the event as raised, whatever the caller does with its `data` afterwards (as divert keeps one).
    item.payload = JSON.parse(text) as WebhookPayload;
    sizes.set(item, size);
    retainedBytes += size;
    if (front) stored.queued.unshift(item);
    else stored.queued.push(item);
    queuedCount += 1;
    return true;
  }

  /**
   * Delivers `payload` to one webhook with its retries, then applies its failure rules. `body` is
   * the payload as JSON, or null when it broke the contract (then nothing is sent).
   */
  async function deliver(stored: StoredWebhook, payload: WebhookPayload, body: string | null, via: DeliveryAttempt["via"], entry: { webhookName: string; outcome: Outcome }): Promise<Outcome> {
    const { name, integrationName, retryStrategy } = stored.webhook;
    const integration = integrations.get(integrationName);
    const base = { kind: "event" as const, via, webhookName: name, integrationName, url: integration?.url ?? "", eventId: payload.id, transactionId: payload.transactionId, eventType: payload.type };
    if (body === null) {
      record({ ...base, attempt: 1, time: Date.now(), status: null, error: "contract-violation", ms: 0, outcome: "dropped" });
      return "dropped";
    }
    const attempts = 1 + assumptions[`retries.${retryStrategy}`];
    for (let attempt = 1; ; attempt += 1) {
      const result = await post(integration, body);
      if (isSuccess(result.status)) {
        record({ ...base, ...result, attempt, outcome: "delivered" });
        return "delivered";
      }
      // A PUT may have changed the failure rules meanwhile; a DELETE or restore removed the webhook.
      const current = webhooks.get(name) === stored;
      const { webhook } = stored;
      if (attempt < attempts && current) {
        record({ ...base, ...result, attempt });
        if (assumptions.failureAlerts === "per-attempt" && acted(webhook, result)) await failureAlert(stored, payload, integration, result, via);
        if (assumptions.retryDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, assumptions.retryDelayMs));
        continue;
      }
      if (!current || !acted(webhook, result)) {
        record({ ...base, ...result, attempt, outcome: "dropped" });
        return "dropped";
      }
      const mode = webhook.failureHandling.mode === "none" && assumptions.modeNone === "divert" ? "divert" : webhook.failureHandling.mode;
      let outcome: Outcome = "dropped";
      let suspendedNow = false;
      if (mode === "divert") outcome = divert(stored, payload, body) ? "diverted" : "dropped";
      else if (mode === "suspend") {
        if (!webhook.suspended) {
          webhook.suspended = true;
          webhook.suspendedTimestamp = String(Date.now());
          suspendedNow = true;
        }
        if (assumptions.suspendedWebhook === "queue" && enqueue(stored, { payload, record: entry }, true)) outcome = "queued";
      }
      record({ ...base, ...result, attempt, outcome });
      // The last failed attempt is alerted under either failureAlerts assumption.
      const alerts = [failureAlert(stored, payload, integration, result, via)];
      if (suspendedNow) alerts.push(sendAlert("suspensionAlert", stored, payload, via, { event: payload.type as WebhookEventType, integrationName, webhookName: name }));
      await Promise.all(alerts);
      return outcome;
    }
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    promise.then(
      () => inFlight.delete(promise),
      () => inFlight.delete(promise),
    );
    return promise;
  }

  function checkEmit(type: unknown, input: unknown): WebhookPayload {
    const issues: ContractIssue[] = [];
    try {
      parse("WebhookEventType", type);
    } catch {
      issues.push(issue("/type", "enum", "must be one of the event types a webhook can subscribe to"));
    }
    if (typeof input !== "object" || input === null || Array.isArray(input)) throw new ContractValidationError("SimulatorEvent", [...issues, issue("", "type", "must be an object")]);
    const { data = {}, transactionId, username = "simulator", id, ...rest } = input as Record<string, unknown>;
    for (const key of Object.keys(rest)) if (key !== "type") issues.push(issue(`/${key}`, "additionalProperties", "is not a field of an event (type, data, transactionId, username, id)"));
    try {
      parse("EventStreamData", data);
    } catch {
      issues.push(issue("/data", "type", "must be an object"));
    }
    for (const [field, value] of [["transactionId", transactionId], ["username", username], ["id", id]] as const) {
      if (value !== undefined && (typeof value !== "string" || value.length < 1 || value.length > MAX_NAME)) issues.push(issue(`/${field}`, "type", `must be a string of 1 to ${MAX_NAME} characters`));
    }
    if (typeof id === "string" && [...webhooks.values()].some((stored) => stored.diverted.has(id))) {
      issues.push(issue("/id", "unique", "names a diverted event already: event ids are unique"));
    }
    if (issues.length > 0) throw new ContractValidationError("SimulatorEvent", issues);
    return {
      id: (id as string | undefined) ?? crypto.randomUUID(),
      timestamp: String(Date.now()),
      transactionId: (transactionId as string | undefined) ?? crypto.randomUUID(),
      type: type as string,
      username: username as string,
      data: data as Record<string, unknown>,
    };
  }

  function emit(type: WebhookEventType, input: EmitInput = {}): Promise<EmitResult> {
    let payload: WebhookPayload;
    try {
      payload = checkEmit(type, input);
    } catch (error) {
      return Promise.reject(error);
    }
    return track(raise(payload));
  }

  async function raise(payload: WebhookPayload): Promise<EmitResult> {
    const outcomes: EmitResult["outcomes"] = [];
    const deliveries: Promise<unknown>[] = [];
    // Checked and serialised once for all its webhooks, and only when one will receive it.
    let body: string | null | undefined;
    for (const stored of webhooks.values()) {
      const { webhook } = stored;
      if (!webhook.events.includes(payload.type as WebhookEventType)) continue;
      const entry: { webhookName: string; outcome: Outcome } = { webhookName: webhook.name, outcome: "skipped" };
      outcomes.push(entry);
      if (!webhook.enabled) continue;
      if (webhook.suspended) {
        if (assumptions.suspendedWebhook === "queue" && enqueue(stored, { payload, record: entry })) entry.outcome = "queued";
        continue;
      }
      if (body === undefined) body = serialise(payload, "event delivery");
      deliveries.push(deliver(stored, payload, body, "emit", entry).then((outcome) => (entry.outcome = outcome)));
    }
    await Promise.all(deliveries);
    const { data: _data, ...envelope } = payload;
    eventLog.push({ event: envelope, outcomes });
    return { event: payload, outcomes };
  }

  /** Webhooks whose queue is being released: a repeated unsuspend joins that run rather than start a second, out-of-order one. */
  const releasing = new WeakSet<StoredWebhook>();

  async function releaseQueue(stored: StoredWebhook): Promise<void> {
    if (releasing.has(stored)) return;
    releasing.add(stored);
    try {
      while (stored.queued.length > 0 && !stored.webhook.suspended && webhooks.get(stored.webhook.name) === stored) {
        const item = stored.queued.shift()!;
        unqueue(item);
        item.record.outcome = await deliver(stored, item.payload, serialise(item.payload, "queued event delivery"), "unsuspend", item.record);
      }
    } finally {
      releasing.delete(stored);
    }
  }

  // --- the eight operations -----------------------------------------------------------------

  function webhookOf(name: string): StoredWebhook {
    const stored = webhooks.get(name);
    if (stored === undefined) throw new BadRequest(404, [issue("path parameter name", "exists", "names no webhook")], "Webhook not found");
    return stored;
  }

  function knownIntegration(name: string | undefined, path: string): void {
    if (assumptions.unknownIntegration === "accept") return;
    if (name === undefined) throw new BadRequest(400, [issue(path, "required", "is required: the simulator delivers to a registered integration (assumption unknownIntegration=reject)")], "Invalid request");
    if (!integrations.has(name)) throw new BadRequest(400, [issue(path, "integration", "names no integration registered with the simulator (PUT /_simulator/integrations/{name})")], "Invalid request");
  }

  function putWebhook(request: WebhookRequest): WebhookResponse {
    const existing = webhooks.get(request.name);
    if (existing === undefined && webhooks.size >= limits.maxWebhooks) throw new BadRequest(400, [issue("", "maxWebhooks", `the simulator holds at most ${limits.maxWebhooks} webhooks`)], "Too many webhooks");
    const kept = assumptions.update === "merge" ? existing?.webhook : undefined;
    const integrationName = request.integrationName ?? kept?.integrationName;
    knownIntegration(integrationName, "/integrationName");
    const alertIntegrationName =
      request.resetAlertIntegrationName === true && assumptions.resetAlertIntegrationName === "removes" ? undefined : (request.alertIntegrationName ?? kept?.alertIntegrationName);
    if (alertIntegrationName !== undefined) knownIntegration(alertIntegrationName, "/alertIntegrationName");
    const handling = request.failureHandling;
    const webhook: WebhookResponse = {
      name: request.name,
      enabled: request.enabled ?? kept?.enabled ?? assumptions["defaults.enabled"] === "true",
      events: [...(request.events ?? kept?.events ?? [])],
      failureHandling: {
        actOnStatusCodes: [...(handling?.actOnStatusCodes ?? kept?.failureHandling.actOnStatusCodes ?? assumptions["defaults.actOnStatusCodes"])],
        actOnTimeout: handling?.actOnTimeout ?? kept?.failureHandling.actOnTimeout ?? assumptions["defaults.actOnTimeout"] === "true",
        mode: handling?.mode ?? kept?.failureHandling.mode ?? assumptions["defaults.mode"],
      },
      integrationName: integrationName ?? "",
      retryStrategy: request.retryStrategy ?? kept?.retryStrategy ?? assumptions["defaults.retryStrategy"],
      suspended: existing?.webhook.suspended ?? false,
    };
    const suspendedTimestamp = existing?.webhook.suspendedTimestamp;
    if (suspendedTimestamp !== undefined) webhook.suspendedTimestamp = suspendedTimestamp;
    if (alertIntegrationName !== undefined) webhook.alertIntegrationName = alertIntegrationName;
    const displayName = request.displayName ?? kept?.displayName;
    if (displayName !== undefined) webhook.displayName = displayName;
    if (existing) existing.webhook = webhook;
    else webhooks.set(webhook.name, { webhook, diverted: new Map(), queued: [] });
    return webhook;
  }

  function matching(stored: StoredWebhook, transactionId: string): WebhookDivertedEventResponse[] {
    const found: WebhookDivertedEventResponse[] = [];
    for (const event of stored.diverted.values()) {
      if (event.transactionId !== transactionId) continue;
      found.push(event);
      if (assumptions.transactionIdMatches === "oldest") break;
    }
    if (found.length === 0) throw new BadRequest(404, [issue("path parameter transactionId", "exists", "names no diverted event of this webhook")], "Diverted event not found");
    return found;
  }

  async function resend(stored: StoredWebhook, transactionId: string): Promise<void> {
    await Promise.all(
      matching(stored, transactionId).map(async (event) => {
        if (assumptions.resend === "remove") undivert(stored, event.eventId);
        const payload: WebhookPayload = { id: event.eventId, timestamp: event.timestamp, transactionId: event.transactionId, type: event.eventType, username: event.username ?? "", data: event.data };
        const outcome = await deliver(stored, payload, serialise(payload, "resent event delivery"), "resend", { webhookName: stored.webhook.name, outcome: "skipped" });
        if (outcome === "delivered" && assumptions.resend === "remove-on-delivery") undivert(stored, event.eventId);
      }),
    );
  }

  type Call = { params: Record<string, string>; query: URLSearchParams; body: unknown; entry: OperationEntry };
  // Keyed by the table's operationId; the check below fails at once if the spec gains an operation this lacks.
  const operations: Partial<Record<OperationId, (call: Call) => unknown>> = {
    listWebhooks: () => ({ webhooks: [...webhooks.values()].map((stored) => stored.webhook) }),
    createOrUpdateWebhook: ({ body }) => putWebhook(body as WebhookRequest),
    getWebhook: ({ params }) => webhookOf(params.name!).webhook,
    deleteWebhook: ({ params }) => {
      const stored = webhookOf(params.name!);
      webhooks.delete(params.name!);
      for (const eventId of [...stored.diverted.keys()]) undivert(stored, eventId);
      for (const item of stored.queued) {
        unqueue(item);
        item.record.outcome = "dropped";
      }
      return undefined;
    },
    unsuspendWebhook: ({ params }) => {
      const stored = webhookOf(params.name!);
      stored.webhook.suspended = false;
      delete stored.webhook.suspendedTimestamp;
      if (stored.queued.length > 0) track(releaseQueue(stored));
      return stored.webhook;
    },
    listDivertedEvents: ({ params, query, entry }) => {
      const stored = webhookOf(params.name!);
      const issues: ContractIssue[] = [];
      const [limit, offset] = ["limit", "offset"].map((name) => {
        const parameter = entry.queryParameters.find((p) => p.name === name);
        return parameter && readInteger(parameter, query, issues);
      });
      if (issues.length > 0) throw new BadRequest(400, issues, "Invalid request");
      const start = offset ?? 0;
      const events = [...stored.diverted.values()].slice(start, start + (limit ?? assumptions.divertedPageSize));
      return { webhookName: stored.webhook.name, events };
    },
    deleteDivertedEvent: ({ params }) => {
      const stored = webhookOf(params.name!);
      for (const event of matching(stored, params.transactionId!)) undivert(stored, event.eventId);
      return undefined;
    },
    resendDivertedEvent: async ({ params }) => {
      const stored = webhookOf(params.name!);
      await resend(stored, params.transactionId!);
      return undefined;
    },
  };

  for (const entry of OPERATIONS) if (!Object.hasOwn(operations, entry.operationId)) throw new Error(`simulator: no handler for operation ${entry.operationId}`);

  // --- requests -----------------------------------------------------------------------------

  const json = (status: number, value: unknown, headers: Record<string, string> = {}): SimulatorAnswer => ({
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(value),
  });

  function errorAnswer(status: number, message: string, issues?: readonly ContractIssue[], headers?: Record<string, string>): SimulatorAnswer {
    const body = issues && issues.length > 0 ? { message, issues } : { message };
    produced("ApiError", body, `${status} answer`);
    return json(status, body, headers);
  }

  function authorized(request: SimulatorRequest, simulatorOnly: boolean): boolean {
    const token = request.header("authorization");
    if (tokens !== undefined) return token !== null && tokens.has(token);
    return simulatorOnly || (token !== null && token.trim() !== "");
  }

  function readJson(request: SimulatorRequest, schema: string): unknown {
    const type = request.header("content-type");
    if (type !== null && !JSON_TYPE.test(type)) throw new BadRequest(400, [issue("", "content-type", "must be application/json")], "Invalid request");
    if (request.body === null || request.body.byteLength === 0) throw new BadRequest(400, [issue("", "required", "a JSON body is required")], "Invalid request");
    try {
      return decodeBody(request.body, limits.maxBodyBytes, schema);
    } catch (error) {
      if (error instanceof ContractValidationError) throw new BadRequest(400, [...error.issues], "Invalid request");
      throw error;
    }
  }

  function checked(schema: SchemaName, value: unknown): unknown {
    try {
      return parse(schema, value);
    } catch (error) {
      if (error instanceof ContractValidationError) throw new BadRequest(400, [...error.issues], `The body is not a valid ${schema}`);
      throw error;
    }
  }

  async function operation(request: SimulatorRequest, url: URL): Promise<SimulatorAnswer> {
    const found = matchRoute(request.method, url.pathname);
    if (found.kind === "none") return errorAnswer(404, "No such operation");
    if (found.kind === "method") return errorAnswer(405, "Method not allowed", undefined, { allow: found.allow.join(", ") });
    if (!authorized(request, false)) return errorAnswer(401, "Unauthorized: send the token as the raw Authorization header");
    if (found.kind === "invalid") return errorAnswer(400, "Invalid request", found.issues);
    const { entry, params } = found;
    const body = entry.requestBody === null ? undefined : checked(entry.requestBody, readJson(request, entry.requestBody));
    const result = await operations[entry.operationId]!({ params, query: url.searchParams, body, entry });
    const status = entry.successStatuses[0]!;
    if (entry.responseBody === null) return { status, headers: {}, body: "" };
    if (!produced(entry.responseBody, result, `${entry.operationId} answer`)) return errorAnswer(500, "The simulator produced an answer that breaks the contract (a bug): see violations()");
    return json(status, result);
  }

  function page(query: URLSearchParams): { offset: number; limit: number } {
    const issues: ContractIssue[] = [];
    const offset = readInteger({ name: "offset", in: "query", required: false, minimum: 0, maximum: 2_147_483_647 }, query, issues) ?? 0;
    const limit = readInteger({ name: "limit", in: "query", required: false, minimum: 1, maximum: 10_000 }, query, issues) ?? 1_000;
    if (issues.length > 0) throw new BadRequest(400, issues, "Invalid request");
    return { offset, limit };
  }

  /** The simulator's own endpoints, for what the platform does elsewhere (integrations) or not at all. */
  async function simulatorEndpoint(request: SimulatorRequest, url: URL): Promise<SimulatorAnswer> {
    if (!authorized(request, true)) return errorAnswer(401, "Unauthorized: send one of the simulator's tokens as the Authorization header");
    const path = url.pathname.slice("/_simulator".length);
    const route = `${request.method} ${path.startsWith("/integrations/") ? "/integrations/{name}" : path}`;
    switch (route) {
      case "GET /assumptions":
        return json(200, assumptions);
      case "GET /integrations":
        return json(200, { integrations: [...integrations.values()] });
      case "GET /integrations/{name}":
      case "PUT /integrations/{name}":
      case "DELETE /integrations/{name}": {
        let name: string;
        try {
          name = checkName(decodeURIComponent(path.slice("/integrations/".length)), "path parameter name");
        } catch {
          throw new BadRequest(400, [issue("path parameter name", "format", `must be 1 to ${MAX_NAME} characters, percent-encoded`)], "Invalid request");
        }
        if (request.method === "PUT") return json(200, setIntegration(name, readJson(request, "Integration") as Integration));
        const found = integrations.get(name);
        if (found === undefined) return errorAnswer(404, "Integration not found");
        if (request.method === "GET") return json(200, found);
        // Under unknownIntegration=reject every webhook names a known integration (restore checks it): keep it so.
        const user = assumptions.unknownIntegration === "reject" ? [...webhooks.values()].find(({ webhook }) => webhook.integrationName === name || webhook.alertIntegrationName === name) : undefined;
        if (user !== undefined) {
          throw new BadRequest(409, [issue("path parameter name", "inUse", `is the integration of webhook ${JSON.stringify(user.webhook.name.slice(0, 100))}: delete or change that webhook first (assumption unknownIntegration=reject)`)], "Integration in use");
        }
        integrations.delete(name);
        return { status: 200, headers: {}, body: "" };
      }
      case "POST /events": {
        const body = readJson(request, "SimulatorEvent");
        if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequest(400, [issue("", "type", "must be an object")], "Invalid request");
        const { type, ...input } = body as Record<string, unknown>;
        return json(200, await emit(type as WebhookEventType, input as EmitInput));
      }
      case "GET /events": {
        const { offset, limit } = page(url.searchParams);
        return json(200, { events: eventLog.list(offset, limit), total: eventLog.size, dropped: eventLog.dropped });
      }
      case "GET /deliveries": {
        const { offset, limit } = page(url.searchParams);
        return json(200, { deliveries: journal.list(offset, limit), total: journal.size, dropped: journal.dropped });
      }
      case "GET /violations":
        return json(200, { violations: violations.list() });
      case "GET /state":
        return json(200, snapshot());
      case "PUT /state":
        restore(readJson(request, "SimulatorState") as SimulatorState);
        return json(200, snapshot());
      case "POST /reset":
        reset();
        return { status: 200, headers: {}, body: "" };
      default:
        return errorAnswer(404, "No such simulator endpoint: see the README's Simulator section");
    }
  }

  async function respond(request: SimulatorRequest): Promise<SimulatorAnswer> {
    let url: URL;
    try {
      url = new URL(request.url, "http://simulator.invalid");
    } catch {
      return errorAnswer(400, "Invalid request target");
    }
    try {
      return url.pathname === "/_simulator" || url.pathname.startsWith("/_simulator/") ? await simulatorEndpoint(request, url) : await operation(request, url);
    } catch (error) {
      if (error instanceof BadRequest) return errorAnswer(error.status, error.message, error.issues);
      if (error instanceof ContractValidationError) return errorAnswer(400, "Invalid request", error.issues);
      throw error;
    }
  }

  async function readBody(request: Request): Promise<Uint8Array | null> {
    if (request.body === null) return null;
    const length = Number(request.headers.get("content-length") ?? "0");
    if (length > limits.maxBodyBytes) return new Uint8Array(limits.maxBodyBytes + 1);
    const parts: Uint8Array[] = [];
    let size = 0;
    const reader = request.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        // One byte over the limit is enough for decodeBody to refuse it: stop reading there.
        if (size > limits.maxBodyBytes) return new Uint8Array(limits.maxBodyBytes + 1);
        parts.push(value);
      }
    } finally {
      reader.cancel().catch(() => {});
    }
    return concat(parts, size);
  }

  // --- integrations, state ------------------------------------------------------------------

  function setIntegration(name: string, value: { url: string; headers?: Record<string, string> }): Integration {
    checkName(name, "/name");
    const checkedValue = checkIntegration(value, "");
    if (!integrations.has(name) && integrations.size >= limits.maxIntegrations) throw new BadRequest(400, [issue("", "maxIntegrations", `the simulator holds at most ${limits.maxIntegrations} integrations`)], "Too many integrations");
    const integration = { name, ...checkedValue };
    integrations.set(name, integration);
    return integration;
  }

  function snapshot(): SimulatorState {
    return structuredClone({
      version: 1 as const,
      integrations: [...integrations.values()].map((i) => ({ name: i.name, url: i.url, headers: { ...i.headers } })),
      webhooks: [...webhooks.values()].map((stored) => ({ webhook: stored.webhook, diverted: [...stored.diverted.values()], queued: stored.queued.map((item) => item.payload) })),
    });
  }

  function restore(state: SimulatorState): void {
    const issues: ContractIssue[] = [];
    const at = (path: string, error: unknown) => {
      if (error instanceof ContractValidationError) issues.push(...error.issues.map((i) => ({ ...i, path: `${path}${i.path}` })));
      else if (error instanceof BadRequest) issues.push(...error.issues.map((i) => ({ ...i, path: `${path}${i.path}` })));
      else throw error;
    };
    if (typeof state !== "object" || state === null || state.version !== 1 || !Array.isArray(state.integrations) || !Array.isArray(state.webhooks)) {
      throw new ContractValidationError("SimulatorState", [issue("", "type", "must be { version: 1, integrations: [...], webhooks: [...] } as snapshot() returns")]);
    }
    if (state.integrations.length > limits.maxIntegrations) issues.push(issue("/integrations", "maxItems", `must hold at most ${limits.maxIntegrations}`));
    if (state.webhooks.length > limits.maxWebhooks) issues.push(issue("/webhooks", "maxItems", `must hold at most ${limits.maxWebhooks}`));
    const nextIntegrations = new Map<string, Integration>();
    state.integrations.slice(0, limits.maxIntegrations).forEach((integration, i) => {
      try {
        const name = checkName((integration as Partial<Integration>)?.name, "/name");
        if (nextIntegrations.has(name)) issues.push(issue(`/integrations/${i}/name`, "unique", "repeats an earlier integration's name"));
        nextIntegrations.set(name, { name, ...checkIntegration(integration, "") });
      } catch (error) {
        at(`/integrations/${i}`, error);
      }
    });
    const nextWebhooks = new Map<string, StoredWebhook>();
    let diverted = 0;
    let queued = 0;
    let bytes = 0;
    state.webhooks.slice(0, limits.maxWebhooks).forEach((entry, i) => {
      const path = `/webhooks/${i}`;
      if (typeof entry !== "object" || entry === null || !Array.isArray(entry.diverted) || !Array.isArray(entry.queued)) {
        issues.push(issue(path, "type", "must be { webhook, diverted: [...], queued: [...] }"));
        return;
      }
      // Each part is checked even when another is bad, so that one error names every bad field.
      let webhook: WebhookResponse | undefined;
      try {
        webhook = structuredClone(parse("WebhookResponse", entry.webhook));
        if (nextWebhooks.has(webhook.name)) issues.push(issue(`${path}/webhook/name`, "unique", "repeats an earlier webhook's name"));
        for (const [field, name] of [["integrationName", webhook.integrationName], ["alertIntegrationName", webhook.alertIntegrationName]] as const) {
          if (name !== undefined && assumptions.unknownIntegration === "reject" && !nextIntegrations.has(name)) issues.push(issue(`${path}/webhook/${field}`, "integration", "names no integration of this state"));
        }
      } catch (error) {
        at(`${path}/webhook`, error);
      }
      const stored: StoredWebhook = { webhook: webhook!, diverted: new Map(), queued: [] };
      diverted += entry.diverted.length;
      queued += entry.queued.length;
      entry.diverted.forEach((event, j) => {
        try {
          const value = structuredClone(parse("WebhookDivertedEventResponse", event));
          // Keyed by event id: a second event with an id would silently replace the first.
          if (stored.diverted.has(value.eventId)) issues.push(issue(`${path}/diverted/${j}/eventId`, "unique", "repeats an earlier diverted event's id"));
          stored.diverted.set(value.eventId, value);
          bytes += JSON.stringify(value).length;
        } catch (error) {
          at(`${path}/diverted/${j}`, error);
        }
      });
      entry.queued.forEach((payload, j) => {
        try {
          const value = structuredClone(parse("WebhookPayload", payload));
          // Queued events become deliveries and suspension alerts, which need an event type the webhook has.
          if (!webhook?.events.includes(value.type as WebhookEventType)) issues.push(issue(`${path}/queued/${j}/type`, "enum", "must be one of the webhook's event types"));
          stored.queued.push({ payload: value, record: { webhookName: webhook?.name ?? "", outcome: "queued" } });
          bytes += JSON.stringify(value).length;
        } catch (error) {
          at(`${path}/queued/${j}`, error);
        }
      });
      if (webhook !== undefined) nextWebhooks.set(webhook.name, stored);
    });
    if (diverted > limits.maxDivertedEvents) issues.push(issue("/webhooks", "maxDivertedEvents", `must hold at most ${limits.maxDivertedEvents} diverted events in all`));
    if (queued > limits.maxQueuedEvents) issues.push(issue("/webhooks", "maxQueuedEvents", `must hold at most ${limits.maxQueuedEvents} queued events in all`));
    if (bytes > limits.maxRetainedBytes) issues.push(issue("/webhooks", "maxRetainedBytes", `must hold at most ${limits.maxRetainedBytes} bytes of diverted and queued events`));
    if (issues.length > 0) throw new ContractValidationError("SimulatorState", issues);
    detachAll();
    integrations = nextIntegrations;
    webhooks = nextWebhooks;
    divertedCount = queuedCount = retainedBytes = 0;
    for (const stored of nextWebhooks.values()) {
      for (const event of stored.diverted.values()) {
        const size = JSON.stringify(event).length;
        sizes.set(event, size);
        retainedBytes += size;
        divertedCount += 1;
      }
      for (const item of stored.queued) {
        const size = JSON.stringify(item.payload).length;
        sizes.set(item, size);
        retainedBytes += size;
        queuedCount += 1;
      }
    }
  }

  /**
   * Empties the webhooks being replaced (reset, restore), so that a delivery or resend still in
   * flight for one of them finds nothing to remove and cannot touch the new state's counts.
   */
  function detachAll(): void {
    for (const stored of webhooks.values()) {
      stored.diverted.clear();
      for (const item of stored.queued) item.record.outcome = "dropped";
      stored.queued.length = 0;
    }
  }

  function reset(): void {
    detachAll();
    integrations = new Map(initialIntegrations);
    webhooks = new Map();
    divertedCount = queuedCount = retainedBytes = 0;
    journal.clear();
    eventLog.clear();
    violations.clear();
  }

  return {
    respond,
    async handle(request) {
      const url = new URL(request.url);
      const answer = await respond({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        header: (name) => request.headers.get(name),
        body: await readBody(request),
      });
      return new Response(answer.body === "" ? null : answer.body, { status: answer.status, headers: answer.headers });
    },
    emit,
    setIntegration(name, integration) {
      try {
        return setIntegration(name, integration);
      } catch (error) {
        if (error instanceof BadRequest) throw new ContractValidationError("Integration", error.issues);
        throw error;
      }
    },
    deliveries: () => journal.list(),
    events: () => eventLog.list(),
    violations: () => violations.list(),
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    snapshot,
    restore,
    reset,
    assumptions,
    limits,
  };
}
