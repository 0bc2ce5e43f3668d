// Receiving what the platform sends: one core that takes a method, headers and a body, tells the
// three outbound bodies apart (classify.ts), validates once, runs the matching handlers within a
// bound (dispatch.ts), and returns the answer. The adapters (fetch.ts, node.ts, lambda.ts) only
// move bytes in and the answer out; the options and their checks are in options.ts.
import type { WebhookPayload } from "../../generated/schema.js";
import { ContractValidationError, WebhookHandlerTimeoutError, WebhooksOptionError } from "../errors.js";
import { decodeBody, exceedsBytes } from "../validation.js";
import { BODY_UNREADABLE, METHOD_NOT_ALLOWED, NOT_JSON, RECEIVER_FAILED, contractBroken, tooLarge, UNSUPPORTED_MEDIA_TYPE, type ReceiverAnswer } from "./answers.js";
import { bodyDeadlines, readIterable, readStream, type BodyDeadlines } from "./body.js";
import { classify, type ReceivedBody, type ReceivedFailureMessage, type ReceivedSuspensionAlert } from "./classify.js";
import { createDispatcher, type Handler } from "./dispatch.js";
import { handleRequest } from "./fetch.js";
import { mustBeFunction, resolveReceiverOptions, type ReceiverOptions } from "./options.js";
import { compilePattern, type WebhookPattern } from "./patterns.js";
import { isJsonMediaType } from "../rules/media-type.js";
import { ALERT_KINDS } from "../rules/alerts.js";

export type { ReceivedBody, ReceivedFailureMessage, ReceivedSuspensionAlert } from "./classify.js";
export type { ReceiverOptions } from "./options.js";
export { WebhookHandlerTimeoutError };

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
   * @throws WebhooksOptionError for an unknown event type or wildcard, naming the closest known one.
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

/** @internal The core of a receiver made by createWebhookReceiver; `caller` is the adapter given it. */
export function coreOf(receiver: WebhookReceiver, caller: string): ReceiverCore {
  const core = cores.get(receiver);
  if (core === undefined) throw new WebhooksOptionError(caller, "receiver", "type", "`receiver` must be a receiver made by createWebhookReceiver()");
  return core;
}

const DIGITS = /^\d+$/;

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
  const resolved = resolveReceiverOptions(options);
  const { maxBytes, bodyTimeoutMs, strict } = resolved;
  const { addRoute, addAlertHandler, dispatch, report } = createDispatcher(resolved);
  const tooLargeAnswer = tooLarge(maxBytes);
  const maxBytesDigits = String(maxBytes).length;

  function fromValue(value: unknown): ReceiverAnswer | Promise<ReceiverAnswer> {
    try {
      const found = classify(value, strict);
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

  /** The entry for any server: the headers, then the body in whichever form it came. */
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
      mustBeFunction(`on("${pattern}")`, "handler", handler);
      addRoute(matches, handler);
      return receiver;
    },
    onFailureAlert(handler) {
      mustBeFunction("onFailureAlert", "handler", handler);
      addAlertHandler(ALERT_KINDS.failure, handler as Handler<never>);
      return receiver;
    },
    onSuspendedAlert(handler) {
      mustBeFunction("onSuspendedAlert", "handler", handler);
      addAlertHandler(ALERT_KINDS.suspended, handler as Handler<never>);
      return receiver;
    },
    handle: (request) => handleRequest(core, request),
    receive,
  };
  cores.set(receiver, core);
  return receiver;
}
