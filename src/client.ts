import createClient, { type Client } from "openapi-fetch";
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
const HTTP_METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

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

type Result = { response: Response };

/**
 * Runs one call with a timeout per attempt, retrying idempotent methods. Each attempt is a whole
 * openapi-fetch call, so that no request has to be cloned and no extra Request is built.
 */
async function withPolicy<T extends Result>(
  method: string,
  where: string,
  policy: { timeoutMs: number } & Required<RetryOptions>,
  userSignal: AbortSignal | undefined,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const retries = IDEMPOTENT_METHODS.has(method) ? policy.retries : 0;
  for (let tries = 0; ; tries += 1) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new WebhooksTimeoutError(method, where, policy.timeoutMs)), policy.timeoutMs);
    const forwardAbort = () => controller.abort(userSignal?.reason);
    if (userSignal?.aborted) forwardAbort();
    else userSignal?.addEventListener("abort", forwardAbort, { once: true });
    let result: T;
    try {
      result = await attempt(controller.signal);
    } catch (error) {
      if (controller.signal.reason instanceof WebhooksTimeoutError) throw controller.signal.reason;
      if (userSignal?.aborted) throw error;
      // openapi-fetch lets a SyntaxError escape when a 2xx body is not JSON.
      if (error instanceof SyntaxError) throw new WebhooksResponseError("the API answered a body that is not valid JSON", { cause: error });
      // fetch rejects with a TypeError when no HTTP answer came (refused, reset, DNS).
      if (!(error instanceof TypeError)) throw error;
      if (tries >= retries) throw new WebhooksNetworkError(method, where, tries + 1, { cause: error });
      await sleep(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** tries));
      continue;
    } finally {
      clearTimeout(timer);
      userSignal?.removeEventListener("abort", forwardAbort);
    }
    if (!RETRY_STATUSES.has(result.response.status) || tries >= retries) return result;
    const wait = retryAfterMs(result.response.headers.get("Retry-After")) ?? policy.baseDelayMs * 2 ** tries;
    await sleep(Math.min(policy.maxDelayMs, wait));
  }
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

  const origin = baseUrl.replace(/\/+$/, "");
  const client = createClient<paths>({ baseUrl: origin, headers: { Authorization: token }, ...(options.fetch && { fetch: options.fetch }) });
  const policy = { timeoutMs, ...retryPolicy };
  type Init = { signal?: AbortSignal } | undefined;
  type Call = (url: string, init?: Init) => Promise<Result>;
  for (const method of HTTP_METHODS) {
    const call = client[method] as unknown as Call;
    (client as unknown as Record<string, Call>)[method] = (url, init) =>
      withPolicy(method, `${origin}${url}`, policy, init?.signal, (signal) => call(url, { ...init, signal }));
  }
  const request = client.request as unknown as (method: string, url: string, init?: Init) => Promise<Result>;
  (client as unknown as { request: typeof request }).request = (method, url, init) =>
    withPolicy(method.toUpperCase(), `${origin}${url}`, policy, init?.signal, (signal) => request(method, url, { ...init, signal }));
  return client;
}
