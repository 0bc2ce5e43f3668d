// Receiving what the platform sends: one core that takes a method, headers and a body, tells the
// three outbound bodies apart (from the spec's `webhooks` section), validates once, runs the
// matching handlers within a bound, and returns the answer. The adapters (fetch.ts, node.ts,
// lambda.ts) only move bytes in and the answer out.
import { OUTBOUND_WEBHOOKS } from "../../generated/operations.js";
import type { EventStreamWebhookSuspendedData, FailureMessage, WebhookEventType, WebhookPayload } from "../../generated/schema.js";
import { ContractValidationError, WebhookHandlerTimeoutError, WebhooksOptionError, type ContractIssue } from "../errors.js";
import { decodeBody, DEFAULT_MAX_BYTES, exceedsBytes, validate, type SchemaName } from "../validation.js";
import {
  ACCEPTED,
  BODY_UNREADABLE,
  contractBroken,
  HANDLER_FAILED,
  HANDLER_TIMEOUT,
  isThenable,
  METHOD_NOT_ALLOWED,
  NOT_JSON,
  RECEIVER_FAILED,
  tooLarge,
  UNSUPPORTED_MEDIA_TYPE,
  type ReceiverAnswer,
} from "./answers.js";
import { bodyDeadlines, readIterable, readStream, type BodyDeadlines } from "./body.js";
import { checkDedupeStore, leasedDedupe, type Deadline, type DedupeStore } from "./dedupe.js";
import { closestOutbound } from "./closest.js";
import { KNOWN_DEVIATIONS, type Deviation } from "./deviations.js";
import { handleRequest } from "./fetch.js";
import { compilePattern, isKnownEventType, type WebhookPattern } from "./patterns.js";
import { MAX_TIMER_MS } from "../rules/limits.js";
import { isJsonMediaType } from "../rules/media-type.js";
import { ALERT_KINDS, EVENT_DELIVERY } from "../rules/alerts.js";

/** A failure alert as received: `webhookName` may be the webhook's name (a string), see `onDeviation`. */
export type ReceivedFailureMessage = Omit<FailureMessage, "webhookName"> & { webhookName: FailureMessage["webhookName"] | string };
/** A suspension alert as received: `event` may name an event type added after this package. */
export type ReceivedSuspensionAlert = Omit<EventStreamWebhookSuspendedData, "event"> & { event: WebhookEventType | (string & {}) };
/** Any body a handler may get. */
export type ReceivedBody = WebhookPayload | ReceivedFailureMessage | ReceivedSuspensionAlert;

type Handler<T> = (body: T) => unknown;

export { WebhookHandlerTimeoutError };

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

/** A request as any server has it; `handle`, `createNodeHandler` and `createLambdaHandler` build one for you. */
export interface IncomingDelivery {
  method: string;
  /** A Fetch `Headers`, or a plain record with lower-case names. */
  headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body: JSON text, bytes, a ReadableStream or an async iterable of byte chunks. */
  body?: string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
  /** Instead of `body`: a value that middleware already decoded from JSON. It is not decoded again. */
  parsed?: unknown;
}

export interface WebhookReceiver {
  /**
   * Runs `handler` for every valid delivery whose type matches `pattern`: an event type, a wildcard
   * over the types under a prefix (`"policy.*"` also covers `"policy.quote.accept"`), or `"*"`.
   * @throws TypeError for an unknown event type or wildcard, naming the closest known one.
   */
  on(pattern: WebhookPattern, handler: Handler<WebhookPayload>): WebhookReceiver;
  onFailureAlert(handler: Handler<ReceivedFailureMessage>): WebhookReceiver;
  onSuspendedAlert(handler: Handler<ReceivedSuspensionAlert>): WebhookReceiver;
  /** Handles a delivery in the Fetch API form (Node 18+, Deno, Bun, workers). Never rejects. */
  handle(request: Request): Promise<Response>;
  /** Handles a delivery from any server. Never rejects. */
  receive(delivery: IncomingDelivery): Promise<ReceiverAnswer>;
}

/** What the adapters call; synchronous whenever the handlers are. */
export interface ReceiverCore {
  readonly maxBytes: number;
  readonly bodyTimeoutMs: number;
  /** Body deadlines of every request in flight, on one timer. */
  readonly deadlines: BodyDeadlines;
  readonly tooLarge: ReceiverAnswer;
  /** The answer for the method and headers alone, or undefined when the body must be read. */
  precheck(method: string | undefined, contentType: string | null | undefined, contentLength: string | null | undefined): ReceiverAnswer | undefined;
  /** Decodes JSON text or bytes once, then validates and dispatches. */
  fromRaw(raw: string | Uint8Array | ArrayBuffer): ReceiverAnswer | Promise<ReceiverAnswer>;
  /** For a value middleware already decoded: checks its size, then validates and dispatches. */
  fromParsed(value: unknown): ReceiverAnswer | Promise<ReceiverAnswer>;
  report(error: unknown, body?: ReceivedBody): void;
}

const cores = new WeakMap<WebhookReceiver, ReceiverCore>();

/** @internal The core of a receiver made by createWebhookReceiver. */
export function coreOf(receiver: WebhookReceiver): ReceiverCore {
  const core = cores.get(receiver);
  if (core === undefined) throw new TypeError("expected a receiver made by createWebhookReceiver()");
  return core;
}

const DIGITS = /^\d+$/;
// The longest envelope id the dedupe store is asked to remember: ids are short, a hostile sender's need not be.
const MAX_DEDUPE_KEY = 256;
const NO_HANDLERS: readonly Handler<never>[] = [];
const NO_DEVIATIONS: readonly Deviation[] = [];


type Classified = { name: string; body: ReceivedBody; deviations: readonly Deviation[] };

/** The body with its known deviations, if every issue is one of them. */
function acceptDeviations(schema: SchemaName, value: unknown, issues: readonly ContractIssue[]): Omit<Classified, "name"> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const found = new Set<(typeof KNOWN_DEVIATIONS)[number]>();
  for (const issue of issues) {
    const deviation = KNOWN_DEVIATIONS.find((known) => known.schema === schema && known.path === issue.path && known.rule === issue.rule);
    const field = deviation?.path.slice(1);
    if (deviation === undefined || field === undefined || !Object.hasOwn(value, field) || !deviation.accepts((value as Record<string, unknown>)[field])) return undefined;
    found.add(deviation);
  }
  let body = value as Record<string, unknown>;
  for (const deviation of found) {
    const field = deviation.path.slice(1);
    if (deviation.normalize) body = { ...body, [field]: deviation.normalize(body[field]) };
  }
  return { body: body as ReceivedBody, deviations: [...found].map(({ schema, path, rule }) => Object.freeze({ schema, path, rule })) };
}

function positiveInteger(name: string, value: unknown, max = MAX_TIMER_MS): void {
  const rule = typeof value !== "number" || !Number.isInteger(value) ? "integer" : value < 1 ? "minimum" : value > max ? "maximum" : undefined;
  if (rule !== undefined) {
    throw new WebhooksOptionError("createWebhookReceiver", name, rule, `\`${name}\` must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` of at most ${max}` : ""}`);
  }
}

const ignore = () => undefined;
const defaultOnError = (error: unknown) => console.error("socotra-webhooks-contract: receiving a webhook failed:", error);

/**
 * A receiver for the platform's outbound webhooks.
 *
 * @example
 * const receiver = createWebhookReceiver()
 *   .on("policy.issue", async (event) => sendWelcomePack(event.data.policyLocator))
 *   .on("claim.*", (event) => console.log(event.type));
 * http.createServer(createNodeHandler(receiver)).listen(3000);
 */
export function createWebhookReceiver(options: ReceiverOptions = {}): WebhookReceiver {
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
    throw new WebhooksOptionError("createWebhookReceiver", "dedupeLeaseMs", "minimum", "`dedupeLeaseMs` must exceed `handlerTimeoutMs`: a lease that runs out while the handlers may still run lets another delivery run them at the same time");
  }
  if (typeof onError !== "function") throw new TypeError("createWebhookReceiver: `onError` must be a function");
  if (onDeviation !== undefined && typeof onDeviation !== "function") throw new TypeError("createWebhookReceiver: `onDeviation` must be a function");
  if (dedupe !== undefined) checkDedupeStore(dedupe, "createWebhookReceiver");
  const leased = dedupe === undefined ? undefined : leasedDedupe(dedupe, { leaseMs: dedupeLeaseMs, ttlMs: dedupeTtlMs });
  const tooLargeAnswer = tooLarge(maxBytes);
  const maxBytesDigits = String(maxBytes).length;

  const routes: { matches: (type: string) => boolean; handler: Handler<WebhookPayload> }[] = [];
  const alertHandlers = new Map<string, Handler<never>[]>(Object.values(ALERT_KINDS).map((name) => [name, []]));
  // Handlers per known event type, computed once; unknown types (which a sender controls) are not cached.
  let byType = new Map<string, readonly Handler<never>[]>();

  function handlersFor(type: string): readonly Handler<never>[] {
    const cached = byType.get(type);
    if (cached !== undefined) return cached;
    const list = routes.filter((route) => route.matches(type)).map((route) => route.handler);
    if (isKnownEventType(type)) byType.set(type, list);
    return list;
  }

  // Contained: a failing reporter (one that throws or whose promise rejects) must not change the
  // answer or crash the server with an unhandled rejection.
  function contain(call: () => unknown): void {
    try {
      const result = call();
      if (isThenable(result)) result.then(undefined, ignore);
    } catch {
      // Nothing left to tell: onError is where failures go.
    }
  }

  function report(error: unknown, body?: ReceivedBody): void {
    contain(() => onError(error, body));
  }

  function failed(error: unknown, body: ReceivedBody): ReceiverAnswer {
    report(error, body);
    return HANDLER_FAILED;
  }

  /** Runs every handler; the answer waits for all of them, and every failure is reported. */
  function run(handlers: readonly Handler<never>[], body: ReceivedBody): ReceiverAnswer | Promise<ReceiverAnswer> {
    if (handlers.length === 1) {
      let result: unknown;
      try {
        result = (handlers[0] as Handler<ReceivedBody>)(body);
        if (!isThenable(result)) return ACCEPTED;
      } catch (error) {
        return failed(error, body);
      }
      return Promise.resolve(result).then(() => ACCEPTED, (error) => failed(error, body));
    }
    let failures = 0;
    const pending: PromiseLike<unknown>[] = [];
    for (const handler of handlers) {
      try {
        const result = (handler as Handler<ReceivedBody>)(body);
        // Promise.resolve: a thenable whose then() throws becomes a rejection we handle, not an unhandled one.
        if (isThenable(result)) pending.push(Promise.resolve(result));
      } catch (error) {
        failures += 1;
        report(error, body);
      }
    }
    const finish = () => {
      return failures === 0 ? ACCEPTED : HANDLER_FAILED;
    };
    if (pending.length === 0) return finish();
    // Each rejection is reported when it happens, also after a timeout has answered already.
    return new Promise((resolve) => {
      let left = pending.length;
      const settle = () => {
        left -= 1;
        if (left === 0) resolve(finish());
      };
      for (const promise of pending) {
        promise.then(settle, (error: unknown) => {
          failures += 1;
          report(error, body);
          settle();
        });
      }
    });
  }

  // Handler deadlines of every delivery in flight, on one timer (as the body deadlines): no timer per delivery.
  const handlerDeadlines = bodyDeadlines(handlerTimeoutMs);

  /** Bounds asynchronous work by handlerTimeoutMs; `state.timedOut` tells late work to stand down. */
  function bound(outcome: Promise<ReceiverAnswer>, body: ReceivedBody, state: Deadline = { timedOut: false }): Promise<ReceiverAnswer> {
    return new Promise((resolve) => {
      const entry = handlerDeadlines.addCallback(() => {
        state.timedOut = true;
        state.onTimeout?.();
        resolve(HANDLER_TIMEOUT);
        report(new WebhookHandlerTimeoutError(handlerTimeoutMs), body);
      });
      outcome.then((answer) => {
        handlerDeadlines.delete(entry);
        resolve(answer);
      });
    });
  }

  function dispatch({ name, body, deviations }: Classified): ReceiverAnswer | Promise<ReceiverAnswer> {
    if (onDeviation !== undefined) {
      for (const deviation of deviations) {
        try {
          const result = onDeviation(deviation);
          if (isThenable(result)) result.then(undefined, (error) => report(error, body));
        } catch (error) {
          report(error, body);
        }
      }
    }
    const delivery = name === EVENT_DELIVERY ? (body as WebhookPayload) : undefined;
    const handlers = delivery ? handlersFor(delivery.type) : (alertHandlers.get(name) ?? NO_HANDLERS);
    const key = leased !== undefined && delivery !== undefined && delivery.id.length <= MAX_DEDUPE_KEY ? delivery.id : undefined;
    if (key === undefined || leased === undefined) {
      const outcome = run(handlers, body);
      return isThenable(outcome) ? bound(outcome, body) : outcome;
    }
    const deadline = { timedOut: false };
    return bound(leased.handle(key, () => run(handlers, body), deadline, (error) => report(error, body)), body, deadline);
  }

  /** Which outbound body this is (the first whose schema it satisfies), else the issues of the one it most resembles. */
  function classify(value: unknown): Classified | ReceiverAnswer {
    const issuesOf: (readonly ContractIssue[])[] = [];
    for (const { name, schema } of OUTBOUND_WEBHOOKS) {
      let issues: readonly ContractIssue[];
      try {
        return { name, body: validate(schema, value) as ReceivedBody, deviations: NO_DEVIATIONS };
      } catch (error) {
        if (!(error instanceof ContractValidationError)) throw error;
        issues = error.issues;
      }
      const accepted = strict ? undefined : acceptDeviations(schema, value, issues);
      if (accepted !== undefined) return { name, ...accepted };
      issuesOf.push(issues);
    }
    return contractBroken(issuesOf[closestOutbound(value)] ?? []);
  }

  function fromValue(value: unknown): ReceiverAnswer | Promise<ReceiverAnswer> {
    try {
      const found = classify(value);
      return "name" in found ? dispatch(found) : found;
    } catch (error) {
      report(error);
      return RECEIVER_FAILED;
    }
  }

  const core: ReceiverCore = {
    maxBytes,
    bodyTimeoutMs,
    deadlines: bodyDeadlines(bodyTimeoutMs),
    tooLarge: tooLargeAnswer,
    report,
    precheck(method, contentType, contentLength) {
      if (method !== "POST" && (typeof method !== "string" || method.toUpperCase() !== "POST")) return METHOD_NOT_ALLOWED;
      if (contentType !== "application/json" && (typeof contentType !== "string" || !isJsonMediaType(contentType, true))) {
        return UNSUPPORTED_MEDIA_TYPE;
      }
      // A declared length with fewer digits than maxBytes is within it: no pattern test per request.
      if (typeof contentLength === "string" && contentLength.length >= maxBytesDigits && DIGITS.test(contentLength) && Number(contentLength) > maxBytes) return tooLargeAnswer;
      return undefined;
    },
    fromRaw(raw) {
      let value: unknown;
      try {
        value = decodeBody(raw, maxBytes, "body");
      } catch (error) {
        if (!(error instanceof ContractValidationError)) return RECEIVER_FAILED;
        return error.issues[0]?.rule === "size" ? tooLargeAnswer : contractBroken(error.issues);
      }
      return fromValue(value);
    },
    fromParsed(value) {
      if (value instanceof Uint8Array || value instanceof ArrayBuffer) return core.fromRaw(value); // express.raw()
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch {
        return NOT_JSON;
      }
      if (text === undefined) return NOT_JSON;
      // The parser's output is held to the same limit as a raw body (a chunked body has no declared length).
      if (exceedsBytes(text, maxBytes)) return tooLargeAnswer;
      return fromValue(value);
    },
  };

  async function receive(delivery: IncomingDelivery): Promise<ReceiverAnswer> {
    try {
      const { headers } = delivery;
      const header = (name: string): string | null => {
        if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
        const value = Object.hasOwn(headers, name) ? (headers as Record<string, string | readonly string[] | undefined>)[name] : undefined;
        return value === undefined ? null : typeof value === "string" ? value : value.join(", ");
      };
      const early = core.precheck(delivery.method, header("content-type"), header("content-length"));
      if (early !== undefined) return early;
      if (delivery.parsed !== undefined) return await core.fromParsed(delivery.parsed);
      const { body } = delivery;
      if (body === undefined || body === null) return await core.fromRaw("");
      if (typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer) return await core.fromRaw(body);
      const read =
        typeof (body as ReadableStream).getReader === "function"
          ? await readStream(body as ReadableStream<Uint8Array>, maxBytes, core.deadlines, tooLargeAnswer)
          : Symbol.asyncIterator in body
            ? await readIterable(body, maxBytes, bodyTimeoutMs, tooLargeAnswer)
            : BODY_UNREADABLE;
      return read instanceof Uint8Array ? await core.fromRaw(read) : read;
    } catch (error) {
      report(error);
      return RECEIVER_FAILED;
    }
  }

  const receiver: WebhookReceiver = {
    on(pattern, handler) {
      const matches = compilePattern(pattern);
      if (typeof handler !== "function") throw new TypeError(`on("${pattern}"): the handler must be a function`);
      routes.push({ matches, handler });
      byType = new Map();
      return receiver;
    },
    onFailureAlert(handler) {
      if (typeof handler !== "function") throw new TypeError("onFailureAlert: the handler must be a function");
      alertHandlers.get(ALERT_KINDS.failure)!.push(handler as Handler<never>);
      return receiver;
    },
    onSuspendedAlert(handler) {
      if (typeof handler !== "function") throw new TypeError("onSuspendedAlert: the handler must be a function");
      alertHandlers.get(ALERT_KINDS.suspended)!.push(handler as Handler<never>);
      return receiver;
    },
    handle: (request) => handleRequest(core, request),
    receive,
  };
  cores.set(receiver, core);
  return receiver;
}
