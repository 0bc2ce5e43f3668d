// Receiving what the platform sends: a router over the three outbound bodies (event deliveries,
// failure alerts, suspension alerts) that validates each against the contract before any handler
// sees it, and answers with the status the platform's retry and failure handling expect.
import type { EventStreamWebhookSuspendedData, FailureMessage, WebhookEventType, WebhookPayload } from "../generated/schema.js";
import { ContractValidationError, type ContractIssue } from "./errors.js";
import { DEFAULT_MAX_BYTES, decodeBody, parse, type SchemaName } from "./validation.js";

type EntityOf<T extends string> = T extends `${infer Entity}.${string}` ? Entity : never;
/** An event type, every event type of an entity (`"policy.*"`), or every delivery (`"*"`). */
export type WebhookPattern = WebhookEventType | `${EntityOf<WebhookEventType>}.*` | "*";

type Handler<T> = (body: T) => unknown;

export interface ReceiverOptions {
  /** The largest body accepted, in bytes; a larger one is answered 413 without being read whole. Default 1 MiB. */
  maxBytes?: number;
  /** Told about every handler that throws (the platform only sees a bare 500). */
  onError?: (error: unknown, body: WebhookPayload | FailureMessage | EventStreamWebhookSuspendedData) => void;
}

/** What a receiver answers; `handle` and `createNodeHandler` turn it into a real response. */
export interface ReceiverAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A request body as it arrives, whatever the server. */
export interface IncomingDelivery {
  method: string;
  contentType: string | null;
  contentLength: number | null;
  /** Raw chunks, read only as far as the byte limit. */
  chunks?: AsyncIterable<Uint8Array>;
  /** A body some middleware (express.json()) already parsed. */
  parsed?: unknown;
}

export interface WebhookReceiver {
  /** Runs `handler` for every valid delivery whose type matches; several handlers may match, all run. */
  on(pattern: WebhookPattern, handler: Handler<WebhookPayload>): WebhookReceiver;
  onFailureAlert(handler: Handler<FailureMessage>): WebhookReceiver;
  onSuspendedAlert(handler: Handler<EventStreamWebhookSuspendedData>): WebhookReceiver;
  /** Handles a delivery in the Fetch API form (Node 18+, Deno, Bun, workers). */
  handle(request: Request): Promise<Response>;
  /** Handles a delivery from any server; what `handle` and `createNodeHandler` call. */
  receive(delivery: IncomingDelivery): Promise<ReceiverAnswer>;
}

const BODIES = ["WebhookPayload", "FailureMessage", "EventStreamWebhookSuspendedData"] as const satisfies readonly SchemaName[];
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

const problem = (status: number, title: string, extra: Record<string, unknown> = {}): ReceiverAnswer => ({
  status,
  headers: { "content-type": "application/problem+json" },
  body: JSON.stringify({ type: "about:blank", title, status, ...extra }),
});

class TooLarge extends Error {}

async function readLimited(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new TooLarge();
    parts.push(chunk);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}

function matches(pattern: WebhookPattern, type: string): boolean {
  return pattern === "*" || pattern === type || (pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1)));
}

/** Which of the three bodies this is: the first that validates, else the issues of the closest. */
function classify(value: unknown): { kind: (typeof BODIES)[number]; body: any } | { issues: readonly ContractIssue[] } {
  let closest: readonly ContractIssue[] | undefined;
  for (const kind of BODIES) {
    try {
      return { kind, body: parse(kind, value) };
    } catch (error) {
      if (!(error instanceof ContractValidationError)) throw error;
      if (closest === undefined || error.issues.length < closest.length) closest = error.issues;
    }
  }
  return { issues: closest ?? [] };
}

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
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new TypeError("createWebhookReceiver: `maxBytes` must be a positive integer");
  const deliveries: { pattern: WebhookPattern; handler: Handler<WebhookPayload> }[] = [];
  const failureAlerts: Handler<FailureMessage>[] = [];
  const suspendedAlerts: Handler<EventStreamWebhookSuspendedData>[] = [];

  async function receive(delivery: IncomingDelivery): Promise<ReceiverAnswer> {
    if (delivery.method.toUpperCase() !== "POST") return { ...problem(405, "Only POST is accepted"), headers: { "content-type": "application/problem+json", allow: "POST" } };
    if (delivery.parsed === undefined && !JSON_TYPE.test(delivery.contentType ?? "")) return problem(415, "The body must be application/json");
    if (delivery.contentLength !== null && delivery.contentLength > maxBytes) return problem(413, `The body is larger than ${maxBytes} bytes`);

    let value = delivery.parsed;
    if (value === undefined) {
      let raw: Uint8Array;
      try {
        raw = await readLimited(delivery.chunks ?? [], maxBytes);
      } catch (error) {
        if (error instanceof TooLarge) return problem(413, `The body is larger than ${maxBytes} bytes`);
        throw error;
      }
      try {
        value = decodeBody(raw, maxBytes);
      } catch (error) {
        if (!(error instanceof ContractValidationError)) throw error;
        return problem(400, "The body breaks the contract", { issues: error.issues });
      }
    }

    const found = classify(value);
    if ("issues" in found) return problem(400, "The body breaks the contract", { issues: found.issues });
    const { kind, body } = found;
    const handlers =
      kind === "WebhookPayload"
        ? deliveries.filter((entry) => matches(entry.pattern, body.type)).map((entry) => entry.handler)
        : kind === "FailureMessage"
          ? failureAlerts
          : suspendedAlerts;
    try {
      await Promise.all(handlers.map(async (handler) => handler(body)));
    } catch (error) {
      options.onError?.(error, body);
      return problem(500, "A handler failed");
    }
    return { status: 200, headers: {}, body: "" };
  }

  const receiver: WebhookReceiver = {
    on(pattern, handler) {
      deliveries.push({ pattern, handler });
      return receiver;
    },
    onFailureAlert(handler) {
      failureAlerts.push(handler);
      return receiver;
    },
    onSuspendedAlert(handler) {
      suspendedAlerts.push(handler);
      return receiver;
    },
    async handle(request) {
      const length = request.headers.get("content-length");
      const answer = await receive({
        method: request.method,
        contentType: request.headers.get("content-type"),
        contentLength: length === null ? null : Number(length),
        ...(request.body && { chunks: request.body as unknown as AsyncIterable<Uint8Array> }),
      });
      return new Response(answer.body || null, { status: answer.status, headers: answer.headers });
    },
    receive,
  };
  return receiver;
}
