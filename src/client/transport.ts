// What stands between openapi-fetch and the network for each attempt: the attempt's timeout
// signal, the token (when it is a function), no redirects, and a bound on the body's size.
import { WebhooksNetworkError, WebhooksRedirectError, WebhooksRequestError, WebhooksResponseError, WebhooksResponseTooLargeError, WebhooksTimeoutError } from "../errors.js";
import type { AttemptSignal } from "./deadlines.js";
import { isTokenValue } from "../rules/headers.js";
import { notBytes, readAtMost } from "../rules/body.js";
import { untilAborted } from "../rules/wait.js";

/** Passed through openapi-fetch's init; openapi-fetch copies unknown init keys onto its Request. */
export const ATTEMPT_KEY = "socotraWebhooksAttempt";

/** One attempt of one call, as the transport sees it. */
export interface Attempt {
  readonly method: string;
  readonly url: string;
  readonly deadline: AttemptSignal;
  /** The caller reads the body after the call returns (parseAs "stream"): the body ends the deadline. */
  readonly stream: boolean;
  status: number;
}


export type TokenSource = string | (() => string | Promise<string>);
export type FetchFunction = (request: Request) => Promise<Response>;

// What fetch itself rejected with: only these may be network failures (a TypeError thrown by a
// middleware or while building the request is a bug or a bad value, not worth a retry).
const networkFailures = new WeakSet<object>();
export const isNetworkFailure = (error: unknown): boolean => error !== null && typeof error === "object" && networkFailures.has(error);

/** The ways openapi-fetch reads a body (and a caller may read a streamed one). */
const BODY_READERS = ["json", "text", "arrayBuffer", "blob"] as const;
type BodyReader = (this: Response) => Promise<unknown>;

/**
 * A body that fails mid-read (a reset, a close before its Content-Length, malformed chunking, a
 * corrupt gzip) rejects with undici's `TypeError: terminated`: marked as a network failure, as a
 * rejection of fetch itself is, so that the client types it and retries an idempotent call. A
 * SyntaxError (a body that is not JSON) or the client's own typed errors are left as they are.
 */
const markFailure = (error: unknown): never => {
  if (error instanceof TypeError) networkFailures.add(error);
  throw error;
};

/** Readers as a prototype's methods, writable and configurable as Response's own are. */
function prototypeWith(parent: object, readers: Record<(typeof BODY_READERS)[number], BodyReader>): object {
  return Object.create(parent, Object.fromEntries(BODY_READERS.map((name) => [name, { value: readers[name], writable: true, configurable: true, enumerable: true }])));
}

// The readers are swapped on the answer's prototype, made once per prototype (Response's own, or
// the subclass a caller's fetch answers): setting four methods on every answer cost ~1 µs a call.
const markedPrototypes = new WeakMap<object, object>();
function markBodyFailures(response: Response): Response {
  const parent = Object.getPrototypeOf(response) as Record<(typeof BODY_READERS)[number], BodyReader>;
  let marked = markedPrototypes.get(parent);
  if (marked === undefined) {
    const { json, text, arrayBuffer, blob } = parent;
    marked = prototypeWith(parent, {
      json() {
        return json.call(this).catch(markFailure);
      },
      text() {
        return text.call(this).catch(markFailure);
      },
      arrayBuffer() {
        return arrayBuffer.call(this).catch(markFailure);
      },
      blob() {
        return blob.call(this).catch(markFailure);
      },
    });
    markedPrototypes.set(parent, marked);
  }
  return Object.setPrototypeOf(response, marked) as Response;
}

/** Status codes whose answers carry no body: a Response cannot be built around one. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function cancel(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

function redirectTarget(response: Response, requestUrl: string): string | null {
  const location = response.headers.get("location");
  if (location === null) return null;
  try {
    return new URL(location, requestUrl).origin;
  } catch {
    return "an unreadable Location";
  }
}

/** What a guarded body does as it is read. */
interface Guard {
  /** The most bytes it may have (Infinity: not counted). */
  readonly maxBytes: number;
  readonly tooLarge: () => Error;
  /** For a body read after the call returns: the attempt's deadline, which the body ends. */
  readonly deadline: AttemptSignal | undefined;
  readonly timedOut: () => Error;
  /** For a streamed body, read by the caller after the call returned: its failure, typed. */
  readonly failed: (error: unknown) => Error;
  /** Whether reads wait on the deadline's signal themselves (a caller's fetch's body may not). */
  readonly heedSignal: boolean;
}

/**
 * The response with its body read through a guard: counted as it streams, erroring past the bound
 * (memory stays bounded), and for a streamed call holding the attempt's deadline (its timeout,
 * and the caller's signal) until the body ends, errs or is cancelled. Pulled through a reader: a
 * TransformStream costs near three times as much a body.
 */
function guarded(response: Response, { maxBytes, tooLarge, deadline, timedOut, failed, heedSignal }: Guard): Response {
  const reader = response.body!.getReader();
  let seen = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        // A body a caller's fetch streams may not heed the attempt's signal (global fetch's does): the read does.
        chunk = await (deadline === undefined || !heedSignal ? reader.read() : untilAborted(reader.read(), deadline.signal));
      } catch (error) {
        deadline?.end();
        reader.cancel().catch(() => undefined);
        // The timer aborts with a private reason: the caller gets the typed error instead. A
        // streamed body fails after the call returned: typed here, as nothing else will.
        controller.error(deadline?.timedOut === true ? timedOut() : deadline !== undefined && error instanceof TypeError ? failed(error) : error);
        return;
      }
      if (chunk.done) {
        deadline?.end();
        controller.close();
        return;
      }
      if (!(chunk.value instanceof Uint8Array)) {
        deadline?.end();
        controller.error(failed(notBytes()));
        reader.cancel().catch(() => undefined);
        return;
      }
      seen += chunk.value.byteLength;
      if (seen <= maxBytes) {
        controller.enqueue(chunk.value);
        return;
      }
      deadline?.end();
      controller.error(tooLarge());
      reader.cancel().catch(() => undefined);
    },
    cancel(reason) {
      deadline?.end();
      return reader.cancel(reason);
    },
  });
  return copyWith(response, body);
}

/** A Response with `response`'s status, headers and URL around `body`. */
function copyWith(response: Response, body: ReadableStream<Uint8Array> | null): Response {
  const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

/**
 * What a caller's fetch answered, as a Response the transport can read and mark, or what is wrong
 * with it: a look-alike on Response's prototype, or a Proxy that throws, is no Response; one whose
 * body was read (the same answer again) has none to read; a frozen one is read as a copy.
 */
function callerAnswer(answer: unknown): Response | string {
  try {
    if (!(answer instanceof Response) || typeof answer.status !== "number") return "something that is not a Response";
    if (answer.bodyUsed) return "a Response whose body was already read (the same answer again?)";
    return Object.isExtensible(answer) ? answer : copyWith(answer, answer.body);
  } catch {
    return "something that is not a Response";
  }
}

/** The bound of a body read whole through the bounded reader. */
interface Bound {
  readonly maxBytes: number;
  readonly tooLarge: () => Error;
  /** The attempt's, for a caller's fetch, whose body may not heed it (global fetch's does). */
  readonly signal: AbortSignal | undefined;
}
const BOUND = Symbol("bound");
type BoundedResponse = Response & { [BOUND]: Bound };

/** The body through the one bounded reader: past the bound the read stops, the rest is cancelled, and it rejects with `tooLarge()`. */
async function boundedBytes(response: BoundedResponse): Promise<Uint8Array> {
  const { maxBytes, tooLarge, signal } = response[BOUND];
  const body = await readAtMost(response.body, maxBytes, null, signal).catch(markFailure);
  if (body !== null && body.byteLength > maxBytes) throw tooLarge();
  return body ?? new Uint8Array(0);
}
const decoder = new TextDecoder();
const boundedText = async (response: BoundedResponse) => decoder.decode(await boundedBytes(response));

// Whole-body readers (json, text, arrayBuffer, blob) that read through the bounded reader, marking failures as the others do.
const boundedPrototypes = new WeakMap<object, object>();
function readBounded(response: Response, bound: Bound): Response {
  (response as BoundedResponse)[BOUND] = bound;
  const parent = Object.getPrototypeOf(response) as object;
  let bounded = boundedPrototypes.get(parent);
  if (bounded === undefined) {
    bounded = prototypeWith(parent, {
      text() {
        return boundedText(this as BoundedResponse);
      },
      async json() {
        return JSON.parse(await boundedText(this as BoundedResponse)) as unknown;
      },
      async arrayBuffer() {
        return (await boundedBytes(this as BoundedResponse)).slice().buffer;
      },
      async blob() {
        return new Blob([(await boundedBytes(this as BoundedResponse)).slice()], { type: this.headers.get("content-type") ?? "" });
      },
    });
    boundedPrototypes.set(parent, bounded);
  }
  return Object.setPrototypeOf(response, bounded) as Response;
}

export interface TransportOptions {
  token: TokenSource;
  timeoutMs: number;
  fetch: FetchFunction | undefined;
  maxResponseBytes: number;
}

/** The fetch handed to openapi-fetch. Fast path: global fetch, a Content-Length, a string token. */
export function createTransport({ token, timeoutMs, fetch: userFetch, maxResponseBytes }: TransportOptions): FetchFunction {
  return async (request) => {
    const attempt = (request as unknown as Record<string, Attempt | undefined>)[ATTEMPT_KEY];
    const method = attempt?.method ?? request.method;
    const url = attempt?.url ?? "(a request a middleware replaced)";
    // Without an attempt (a middleware built a new Request), a timeout of its own, beside the caller's signal.
    const signal = attempt?.deadline.signal ?? AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
    if (typeof token === "function") {
      // The function's own failure is the caller's, not the network's: typed, and never retried.
      const pending = Promise.resolve()
        .then(token)
        .catch((error: unknown) => {
          throw new WebhooksRequestError(method, url, "token", "token-function", "the token function threw or rejected (see `cause`)", { cause: error });
        });
      const value = await untilAborted(pending, signal);
      if (!isTokenValue(value)) {
        throw new WebhooksRequestError(method, url, "token", "header-value", "the token function returned a value no Authorization header can carry (not a string, empty, or with control or non-ASCII characters)");
      }
      request.headers.set("Authorization", value);
    }
    // `redirect: "manual"` here, so that no per-call option can turn following back on.
    let response: Response | string;
    try {
      response = userFetch === undefined ? await fetch(request, { signal, redirect: "manual" }) : await userFetch(new Request(request, { signal, redirect: "manual" }));
    } catch (error) {
      if (error !== null && typeof error === "object") networkFailures.add(error);
      throw error;
    }
    // A fetch of the caller's may answer anything: what follows reads a Response's status, headers and stream.
    if (userFetch !== undefined) response = callerAnswer(response);
    if (typeof response === "string") {
      throw new WebhooksResponseError(`${method} ${url}: the \`fetch\` option answered ${response}`);
    }
    const { status } = response;
    if (attempt !== undefined) attempt.status = status;
    if (status >= 300 && status < 400 && status !== 304) {
      cancel(response);
      throw new WebhooksRedirectError(method, url, status, redirectTarget(response, request.url));
    }
    if (response.body === null || NULL_BODY.has(status)) return response;
    const length = response.headers.get("content-length");
    // A declared length of an uncompressed body is refused up front, and bounds the body itself
    // when Node's HTTP parser reads no further than it (a fetch of the caller's may).
    const declared = length !== null && response.headers.get("content-encoding") === null;
    if (declared && Number(length) > maxResponseBytes) {
      cancel(response);
      throw new WebhooksResponseTooLargeError(method, url, maxResponseBytes);
    }
    const counted = !declared || userFetch !== undefined;
    const stream = attempt?.stream === true;
    if (!counted && !stream) return markBodyFailures(response);
    const tooLarge = () => new WebhooksResponseTooLargeError(method, url, maxResponseBytes);
    // A body read whole (openapi-fetch's json or text) is counted by the one bounded reader, with no
    // stream and Response built around it: a chunked answer costs what one with a length does.
    if (!stream) return readBounded(response, { maxBytes: maxResponseBytes, tooLarge, signal: userFetch === undefined ? undefined : signal });
    return markBodyFailures(guarded(response, {
      maxBytes: counted ? maxResponseBytes : Infinity,
      tooLarge,
      deadline: attempt.deadline,
      timedOut: () => new WebhooksTimeoutError(method, url, timeoutMs),
      failed: (error) => new WebhooksNetworkError(method, url, 1, { cause: error }),
      heedSignal: userFetch !== undefined,
    }));
  };
}
