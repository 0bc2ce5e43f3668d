import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import { WebhooksNetworkError, WebhooksResponseError, WebhooksTimeoutError } from "./errors.js";

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  retries?: number;
  /** The first backoff delay; each retry doubles it. Default 250 ms. */
  baseDelayMs?: number;
  /** No wait, backoff or `Retry-After`, is longer than this. Default 10,000 ms. */
  maxDelayMs?: number;
}

export interface WebhooksClientOptions {
  /** The platform's base URL, e.g. `https://api.sandbox.socotra.com`, or a mock's URL. */
  baseUrl: string;
  /** The token from the Account API. Sent as the raw `Authorization` value; never logged. */
  token: string;
  /** The fetch to use. Default: the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Abort an attempt that takes longer than this. Default 30,000 ms. */
  timeoutMs?: number;
  /** How to retry idempotent requests; `false` turns retries off. */
  retry?: RetryOptions | false;
}

export type WebhooksClient = Client<paths>;

/** Methods that may be repeated safely: PATCH is only unsuspend here, which is idempotent. POST (resend) is not. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "PATCH"]);
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const HTTP_METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "request"] as const;

function requireOption(condition: boolean, field: string, rule: string): void {
  if (!condition) throw new TypeError(`createWebhooksClient: \`${field}\` ${rule}`);
}

/** The wait a `Retry-After` header asks for (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where a request goes, without its query string: queries may carry identifiers worth keeping out of logs. */
function describe(request: Request): string {
  const url = new URL(request.url);
  return `${url.origin}${url.pathname}`;
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === "TimeoutError";
}

/** Wraps fetch with a per-attempt timeout and retries of idempotent requests. */
function resilientFetch(
  baseFetch: (request: Request) => Promise<Response>,
  timeoutMs: number,
  retry: Required<RetryOptions>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const retries = IDEMPOTENT_METHODS.has(request.method) ? retry.retries : 0;
    for (let attempt = 0; ; attempt += 1) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      let response: Response;
      try {
        // A clone per attempt: a body can be read only once.
        response = await baseFetch(new Request(attempt < retries ? request.clone() : request, { signal }));
      } catch (error) {
        if (timeout.aborted && (isTimeout(error) || isTimeout(timeout.reason))) {
          throw new WebhooksTimeoutError(request.method, describe(request), timeoutMs);
        }
        if (request.signal?.aborted) throw error;
        if (attempt >= retries) throw new WebhooksNetworkError(request.method, describe(request), attempt + 1, { cause: error });
        await sleep(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt));
        continue;
      }
      if (!RETRY_STATUSES.has(response.status) || attempt >= retries) return response;
      const wait = retryAfterMs(response.headers.get("Retry-After")) ?? retry.baseDelayMs * 2 ** attempt;
      await response.body?.cancel();
      await sleep(Math.min(retry.maxDelayMs, wait));
    }
  };
}

/**
 * A typed client for the Webhooks API: openapi-fetch over the spec's `paths`, which sends the
 * token, times out slow attempts and retries idempotent requests on 429, 502, 503, 504 and
 * network errors (never POST resend).
 *
 * @example
 * const client = createWebhooksClient({ baseUrl: "https://api.sandbox.socotra.com", token });
 * const { data, error } = await client.GET("/webhooks/{name}", { params: { path: { name: "policy-events" } } });
 */
export function createWebhooksClient(options: WebhooksClientOptions): WebhooksClient {
  const { baseUrl, token, timeoutMs = 30_000, retry = {} } = options;
  requireOption(typeof baseUrl === "string" && /^https?:\/\/[^/]/.test(baseUrl), "baseUrl", "must be an http(s) URL");
  requireOption(typeof token === "string" && token.trim() !== "", "token", "must be a non-empty string");
  requireOption(Number.isFinite(timeoutMs) && timeoutMs > 0, "timeoutMs", "must be a positive number of milliseconds");
  const retryPolicy = {
    retries: retry === false ? 0 : (retry.retries ?? 2),
    baseDelayMs: retry === false ? 0 : (retry.baseDelayMs ?? 250),
    maxDelayMs: retry === false ? 0 : (retry.maxDelayMs ?? 10_000),
  };
  requireOption(Number.isInteger(retryPolicy.retries) && retryPolicy.retries >= 0, "retry.retries", "must be a non-negative integer");
  requireOption(retryPolicy.baseDelayMs >= 0 && retryPolicy.maxDelayMs >= 0, "retry.baseDelayMs/maxDelayMs", "must be non-negative");

  const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const client = createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ""),
    fetch: resilientFetch(baseFetch, timeoutMs, retryPolicy),
  });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set("Authorization", token);
      return request;
    },
  };
  client.use(auth);

  // openapi-fetch lets a SyntaxError escape when a 2xx body is not JSON: make it a typed error.
  for (const method of HTTP_METHODS) {
    const call = client[method] as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      call(...args).catch((error: unknown) => {
        if (error instanceof SyntaxError) throw new WebhooksResponseError(`the API answered a body that is not valid JSON`, { cause: error });
        throw error;
      });
  }
  return client;
}
