import createClient, { type Client, type MaybeOptionalInit, type ParseAsResponse } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import { WebhooksContractError, WebhooksNetworkError, WebhooksOptionError, WebhooksResponseError, WebhooksTimeoutError } from "./errors.js";
import { callInit, checkParameters, findOperation } from "./client/operations.js";
import { Deadlines } from "./client/deadlines.js";
import { MAX_TIMER_MS } from "./rules/limits.js";
import { ATTEMPT_KEY, createTransport, isNetworkFailure, type Attempt, type FetchFunction, type TokenSource } from "./client/transport.js";
import { contractViolations, type ContractViolation } from "./client/violations.js";
import { contractDeviations, type ContractDeviation } from "./client/deviations.js";
import { checkHttpUrl } from "./rules/url.js";
import { isTokenValue } from "./rules/headers.js";
import { sleep } from "./rules/wait.js";

export { contractViolations, type ContractViolation } from "./client/violations.js";
export { contractDeviations, isKnownEventType, type ContractDeviation, type UnknownEventType } from "./client/deviations.js";

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
  /**
   * The token from the Account API, sent as the raw `Authorization` value and never logged; or a
   * function returning it (or a promise of it), called for every attempt, so that an expiring
   * token can be renewed.
   */
  token: TokenSource;
  /** The fetch to use. Default: the global fetch. */
  fetch?: FetchFunction;
  /**
   * Abort an attempt (answer and body) that takes longer than this, give or take a twentieth
   * (attempts starting together share one timer). Default 30,000 ms; at most 2^31-1.
   */
  timeoutMs?: number;
  /** How to retry idempotent operations (the spec's `x-idempotent`); `false` turns retries off. */
  retry?: RetryOptions | false;
  /** The largest answer body read, counted as it streams in. Default 10 MiB (10,485,760 bytes). */
  maxResponseBytes?: number;
}

type Paths = paths;
type Verb = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";
type PathsWith<M extends Verb> = { [P in keyof Paths]: Paths[P] extends { [K in M]: unknown } ? P : never }[keyof Paths];
type RequiredKeys<T> = { [K in keyof T]: {} extends Pick<T, K> ? never : K }[keyof T];
/** openapi-fetch's per-call options that the client refuses (they would bypass its transport or serializer). */
type PerClientOptions = { baseUrl?: never; fetch?: never; Request?: never; pathSerializer?: never };
type InitParam<Init> = (RequiredKeys<Init> extends undefined ? never : RequiredKeys<Init>) extends never
  ? [(Init & PerClientOptions & { [key: string]: unknown })?]
  : [Init & PerClientOptions & { [key: string]: unknown }];
type ResponsesOf<Operation> = Operation extends { responses: infer Responses } ? Responses : never;
type JsonBody<Response> = Response extends { content: { "application/json": infer Body } } ? Body : Response extends { content?: never } ? undefined : unknown;
type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 206 | "2XX";
type BodyOf<Operation, Success extends boolean> = {
  [Status in keyof ResponsesOf<Operation>]: (Status extends SuccessStatus ? true : false) extends Success ? JsonBody<ResponsesOf<Operation>[Status]> : never;
}[keyof ResponsesOf<Operation>];
/**
 * openapi-fetch's answer, with the spec's body types as they are (openapi-fetch's `Readable` would
 * turn an open string such as `ObservedEventType`'s `string & {}` into an object type), plus what
 * Prism's `sl-violations` header said (empty when it said nothing), and the deviations of a success
 * body that the client accepts and reports (an event type the contract does not list yet).
 */
export type WebhooksCallResult<Operation extends Record<string | number, unknown>, Init> = (
  | { data: ParseAsResponse<BodyOf<Operation, true>, Init>; error?: never; response: Response }
  | { data?: never; error: BodyOf<Operation, false>; response: Response }
) & {
  violations: readonly ContractViolation[];
  deviations: readonly ContractDeviation[];
};
type Method<M extends Verb> = <P extends PathsWith<M>, Init extends MaybeOptionalInit<Paths[P], M>>(
  url: P,
  ...init: InitParam<Init>
) => Promise<WebhooksCallResult<Paths[P][M] & Record<string | number, unknown>, Init>>;

/** openapi-fetch's client over the spec's `paths`; each answer also has `violations`. */
export type WebhooksClient = Omit<Client<paths>, Uppercase<Verb>> & { [M in Verb as Uppercase<M>]: Method<M> };

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

function requireOption(condition: boolean, field: string, rule: string, detail: string): void {
  if (!condition) throw new WebhooksOptionError("createWebhooksClient", field, rule, `\`${field}\` ${detail}`);
}

const DELTA_SECONDS = /^\d{1,10}$/;
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * The wait a `Retry-After` header asks for: whole seconds, or an HTTP date (IMF-fixdate), the one
 * place a wall clock is read (a date is wall-clock time); the wait itself runs on a timer.
 * Undefined when absent or anything else (negative, a list, garbage): the caller backs off instead.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (DELTA_SECONDS.test(value)) return Number(value) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

type Result = { response: Response; data?: unknown; violations?: readonly ContractViolation[]; deviations?: readonly ContractDeviation[] };
const NO_DEVIATIONS: readonly ContractDeviation[] = Object.freeze([]);
interface Policy {
  origin: string;
  timeoutMs: number;
  deadlines: Deadlines;
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const backoff = (policy: Policy, tries: number) => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** tries);

/**
 * One call: refuses bad parameters before anything is sent, then runs attempts, each a whole
 * openapi-fetch call (nothing to clone), with its timeout, retrying only the operations the spec
 * marks idempotent.
 */
async function run(method: string, path: unknown, callerInit: unknown, policy: Policy, invoke: (init: object) => Promise<Result>): Promise<Result> {
  const operation = findOperation(method, path);
  const init = callInit(operation, callerInit, ATTEMPT_KEY);
  checkParameters(operation, init);
  const where = `${policy.origin}${operation.entry.path}`;
  const userSignal = (init.signal ?? undefined) as AbortSignal | undefined;
  if (userSignal?.aborted) throw userSignal.reason;
  const retries = operation.entry.idempotent ? policy.retries : 0;
  const stream = init.parseAs === "stream";
  // A caller's signal, or a body read after the call returns, needs a controller of its own.
  const own = userSignal !== undefined || stream;
  for (let tries = 0; ; tries += 1) {
    const deadline = own ? policy.deadlines.own(userSignal) : policy.deadlines.shared();
    const attempt: Attempt = { method, url: where, deadline, stream, status: 0 };
    let result: Result;
    try {
      // openapi-fetch copies the init per call (and this key onto its Request): one init serves every attempt.
      init[ATTEMPT_KEY] = attempt;
      result = await invoke(init);
    } catch (error) {
      deadline.end();
      if (deadline.timedOut) throw new WebhooksTimeoutError(method, where, policy.timeoutMs);
      if (userSignal?.aborted) throw error;
      if (error instanceof WebhooksContractError) throw error;
      // A middleware's own request has no attempt: the timeout comes back as a DOMException.
      if (error instanceof Error && error.name === "TimeoutError") throw new WebhooksTimeoutError(method, where, policy.timeoutMs);
      // openapi-fetch lets a SyntaxError escape when a 2xx body is not JSON; its message quotes the body.
      if (error instanceof SyntaxError) throw new WebhooksResponseError(`${method} ${where} answered ${attempt.status} with a body that is not valid JSON`);
      // fetch rejects with a TypeError when no HTTP answer came (refused, reset, DNS); any other
      // error, or a TypeError that did not come from fetch (a middleware's), is the caller's own.
      if (!(error instanceof TypeError) || !isNetworkFailure(error)) throw error;
      if (tries >= retries) throw new WebhooksNetworkError(method, where, tries + 1, { cause: error });
      await sleep(backoff(policy, tries), userSignal);
      continue;
    }
    // A streamed body still arriving ends the deadline itself when it ends (see the transport).
    if (!stream || !(result.data instanceof ReadableStream)) deadline.end();
    result.violations = contractViolations(result.response);
    // Tolerant in what it reads: a value the contract does not list yet is reported, never refused.
    result.deviations = result.response.ok && !stream ? contractDeviations(operation.entry.responseBody, result.data) : NO_DEVIATIONS;
    if (tries >= retries || !RETRY_STATUSES.has(result.response.status)) return result;
    await sleep(Math.min(policy.maxDelayMs, retryAfterMs(result.response.headers.get("Retry-After")) ?? backoff(policy, tries)), userSignal);
  }
}

const isDelay = (value: unknown, positive: boolean) => typeof value === "number" && Number.isFinite(value) && (positive ? value > 0 : value >= 0) && value <= MAX_TIMER_MS;

function baseUrlOf(baseUrl: unknown): string {
  const { rule } = checkHttpUrl(baseUrl, { bare: true });
  requireOption(rule !== "format" && rule !== "scheme", "baseUrl", "format", "must be an http(s) URL");
  requireOption(rule !== "credentials", "baseUrl", "credentials", "must not hold credentials (user:password@): pass the token as `token`");
  requireOption(rule !== "query", "baseUrl", "format", "must not have a query or a fragment");
  return (baseUrl as string).replace(/\/+$/, "");
}

/**
 * A typed client for the Webhooks API: openapi-fetch over the spec's `paths`. It sends the token,
 * refuses path parameters that would change the endpoint (and the per-call `baseUrl`, `fetch`,
 * `Request` and `pathSerializer` options, which would get around it), times out slow attempts,
 * bounds answer bodies, follows no redirect, and retries the operations the spec marks idempotent
 * on 429, 502, 503, 504 and network errors (never POST resend).
 *
 * @example
 * const client = createWebhooksClient({ baseUrl: "https://api.sandbox.socotra.com", token });
 * const { data, error, violations } = await client.GET("/webhooks/{name}", { params: { path: { name: "policy-events" } } });
 */
export function createWebhooksClient(options: WebhooksClientOptions): WebhooksClient {
  requireOption(options !== null && typeof options === "object", "options", "type", "must be an object");
  const { token, timeoutMs = 30_000, retry = {}, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES } = options;
  const origin = baseUrlOf(options.baseUrl);
  // Never quote the token: it is a secret even when it is wrong.
  requireOption(
    typeof token === "function" || isTokenValue(token),
    "token",
    "header-value",
    "must be a non-empty string of printable ASCII with no surrounding spaces (no CR, LF, NUL or other control characters), or a function returning one",
  );
  requireOption(isDelay(timeoutMs, true), "timeoutMs", "range", `must be a positive number of milliseconds, at most ${MAX_TIMER_MS}`);
  requireOption(Number.isSafeInteger(maxResponseBytes) && maxResponseBytes > 0, "maxResponseBytes", "minimum", "must be a positive whole number of bytes");
  requireOption(retry === false || (retry !== null && typeof retry === "object"), "retry", "type", "must be an object or false");
  const retryPolicy = {
    retries: retry === false ? 0 : (retry.retries ?? 2),
    baseDelayMs: retry === false ? 0 : (retry.baseDelayMs ?? 250),
    maxDelayMs: retry === false ? 0 : (retry.maxDelayMs ?? 10_000),
  };
  requireOption(Number.isSafeInteger(retryPolicy.retries) && retryPolicy.retries >= 0, "retry.retries", "minimum", "must be a non-negative integer");
  requireOption(isDelay(retryPolicy.baseDelayMs, false), "retry.baseDelayMs", "range", `must be a number of milliseconds from 0 to ${MAX_TIMER_MS}`);
  requireOption(isDelay(retryPolicy.maxDelayMs, false), "retry.maxDelayMs", "range", `must be a number of milliseconds from 0 to ${MAX_TIMER_MS}`);
  requireOption(options.fetch === undefined || typeof options.fetch === "function", "fetch", "type", "must be a function");

  const client = createClient<paths>({
    baseUrl: origin,
    ...(typeof token === "string" && { headers: { Authorization: token } }),
    fetch: createTransport({ token, timeoutMs, fetch: options.fetch, maxResponseBytes }),
  });
  const policy: Policy = { origin, timeoutMs, deadlines: new Deadlines(timeoutMs), ...retryPolicy };
  const methods = client as unknown as Record<string, unknown>;
  type Call = (url: unknown, init?: object) => Promise<Result>;
  // Every verb openapi-fetch offers (GET, PUT, ... TRACE): a verb the spec lacks is refused by the table.
  for (const verb of Object.keys(methods).filter((key) => /^[A-Z]+$/.test(key))) {
    const call = methods[verb] as Call;
    methods[verb] = (url: unknown, init?: unknown) => run(verb, url, init, policy, (attemptInit) => call(url, attemptInit));
  }
  const request = client.request as unknown as (method: string, url: unknown, init?: object) => Promise<Result>;
  methods.request = (method: unknown, url: unknown, init?: unknown) => {
    const verb = String(method).toUpperCase();
    return run(verb, url, init, policy, (attemptInit) => request(verb, url, attemptInit));
  };
  return client as unknown as WebhooksClient;
}
