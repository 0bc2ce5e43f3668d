// Checks a real deployment against the contract through Prism's validating proxy, with read-only
// (GET) operations only: it never creates, deletes, unsuspends or resends anything. Every answer
// is also validated here, so that an upstream's own `sl-violations` header cannot hide anything.
import { OPERATIONS } from "../generated/operations.js";
import type { OperationEntry } from "../generated/operations.js";
import { contractViolations, createWebhooksClient, type ContractViolation } from "./client.js";
import { ContractValidationError, WebhooksContractError, WebhooksOptionError, WebhooksRedirectError } from "./errors.js";
import { startValidatingProxy } from "./testing.js";
import { isTokenValue } from "./rules/headers.js";
import type { ContractDeviation } from "./client/deviations.js";
import { networkCause } from "./network-cause.js";
import { parse } from "./validation.js";

export type { ContractViolation } from "./client.js";

export interface VerifiedCall {
  operationId: string;
  method: string;
  path: string;
  /** The answer's status, or null when there was none. */
  status: number | null;
  violations: ContractViolation[];
  /** What the answer carried that the contract does not list yet (an event type): reported, never a failure. */
  deviations: ContractDeviation[];
  /** Why the call could not be checked (a redirect, a refused parameter...). */
  problem?: string;
}

export interface VerifyReport {
  calls: VerifiedCall[];
  /** Each reason the deployment fails the check, in words; empty when it passes. */
  failures: string[];
}

export interface VerifyOptions {
  upstream: string;
  /** Sent as the raw Authorization value to the upstream; never printed. */
  token: string;
  /** Webhook names to check one by one; default: the first `maxWebhooks` that GET /webhooks lists. */
  names?: string[];
  maxWebhooks?: number;
  /** Per call. Default 30,000 ms. */
  timeoutMs?: number;
}

const READ_OPERATIONS = OPERATIONS.filter((operation) => operation.method === "GET");

/** Our own check of an answer: a declared status, and a success body valid against its schema. */
function ownViolations(operation: OperationEntry, status: number, data: unknown): ContractViolation[] {
  if (!operation.successStatuses.includes(status) && !operation.errorStatuses.includes(status)) {
    return [{ location: "response.status", message: `status ${status} is not declared for ${operation.operationId}`, severity: "Error" }];
  }
  if (operation.responseBody === null || !operation.successStatuses.includes(status)) return [];
  try {
    parse(operation.responseBody, data);
    return [];
  } catch (error) {
    if (!(error instanceof ContractValidationError)) throw error;
    return error.issues.map((issue) => ({ location: `response.body${issue.path.replaceAll("/", ".")}`, message: issue.message, severity: "Error" }));
  }
}

/** Values of each string field of the records in a list answer (`{webhooks: [{name}]}` → name → [...]). */
/** The distinct string values of each field of the listed records, at most `most` per field (a huge list costs no more). */
function collectFields(data: unknown, into: Map<string, string[]>, most: number): void {
  if (data === null || typeof data !== "object") return;
  for (const list of Object.values(data)) {
    if (!Array.isArray(list)) continue;
    for (const record of list) {
      if (record === null || typeof record !== "object") continue;
      for (const [field, value] of Object.entries(record)) {
        if (typeof value !== "string") continue;
        const values = into.get(field) ?? into.set(field, []).get(field)!;
        if (values.length < most && !values.includes(value)) values.push(value);
      }
    }
  }
}

/** Fails fast, before Prism starts, when the upstream cannot be reached or redirects. */
async function probe(upstream: string, token: string, timeoutMs: number): Promise<string | undefined> {
  const first = READ_OPERATIONS.find((operation) => operation.pathParameters.length === 0);
  const url = `${upstream.replace(/\/+$/, "")}${first?.path ?? "/"}`;
  try {
    const response = await fetch(url, { headers: { Authorization: token }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location");
      let target = "no Location";
      try {
        if (location !== null) target = new URL(location, url).origin;
      } catch {
        target = "an unreadable Location";
      }
      return `the upstream answered a redirect (${response.status}) to ${target}; redirects are not followed: check --upstream`;
    }
    return undefined;
  } catch (error) {
    if ((error as Error).name === "TimeoutError") return `the upstream is unreachable: no answer within ${timeoutMs} ms`;
    return `the upstream is unreachable: ${networkCause(error).text}`;
  }
}

function judge(calls: VerifiedCall[]): string[] {
  const failures: string[] = [];
  const count = (test: (call: VerifiedCall) => boolean) => calls.filter(test).length;
  const refused = count((call) => call.status === 401 || call.status === 403);
  if (refused > 0) failures.push(`${refused} call(s) answered 401 or 403: the upstream refused the token`);
  const failed = count((call) => call.status !== null && call.status >= 500);
  if (failed > 0) failures.push(`${failed} call(s) answered 5xx: the upstream failed`);
  const unchecked = count((call) => call.problem !== undefined);
  if (unchecked > 0) failures.push(`${unchecked} call(s) could not be made: ${calls.find((call) => call.problem)!.problem}`);
  const broken = count((call) => call.violations.length > 0);
  if (broken > 0) failures.push(`${broken} call(s) broke the contract`);
  if (count((call) => call.status !== null && call.status >= 200 && call.status < 300) === 0) failures.push("no call succeeded");
  return failures;
}

/** Calls every read operation of the spec through Prism's proxy and reports what broke the contract, and why the check fails. */
export async function verifyDeployment(options: VerifyOptions): Promise<VerifyReport> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Checked first, never quoted: else fetch's refusal reads as an unreachable upstream.
  if (!isTokenValue(options.token)) {
    throw new WebhooksOptionError("verify", "token", "header-value", "`token` must be a non-empty string of printable ASCII with no surrounding spaces (no CR, LF, NUL or other control characters)");
  }
  const unreachable = await probe(options.upstream, options.token, timeoutMs);
  if (unreachable !== undefined) return { calls: [], failures: [unreachable] };
  // As socotra-webhooks-mock: Prism loads for seconds on a busy CI machine; 30 s is too tight there.
  const proxy = await startValidatingProxy({ upstream: options.upstream, startTimeoutMs: 90_000 });
  try {
    const client = createWebhooksClient({ baseUrl: proxy.url, token: options.token, retry: false, timeoutMs });
    const request = client.request as unknown as (method: string, path: string, init: object) => Promise<{ data?: unknown; response: Response; deviations: readonly ContractDeviation[] }>;
    const calls: VerifiedCall[] = [];
    const max = options.maxWebhooks ?? 5;
    const fields = new Map<string, string[]>();
    if (options.names) fields.set("name", [...options.names]);
    const call = async (operation: OperationEntry, pathValues: Record<string, string>) => {
      const path = operation.path.replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(pathValues[key] ?? ""));
      const verified: VerifiedCall = { operationId: operation.operationId, method: operation.method, path, status: null, violations: [], deviations: [] };
      calls.push(verified);
      try {
        const { data, response, deviations } = await request(operation.method, operation.path, { params: { path: pathValues } });
        verified.status = response.status;
        verified.deviations = [...deviations];
        const reported = [...contractViolations(response)];
        const seen = new Set(reported.map((violation) => violation.location));
        verified.violations = [...reported, ...ownViolations(operation, response.status, data).filter((violation) => !seen.has(violation.location))];
        if (!options.names) collectFields(data, fields, max);
      } catch (error) {
        if (!(error instanceof WebhooksContractError)) throw error;
        if (error instanceof WebhooksRedirectError) verified.status = error.status;
        verified.problem = error.message;
      }
    };
    for (const operation of READ_OPERATIONS.filter((op) => op.pathParameters.length === 0)) await call(operation, {});
    for (const operation of READ_OPERATIONS.filter((op) => op.pathParameters.length > 0)) {
      for (let index = 0; index < max; index += 1) {
        const values = operation.pathParameters.map((parameter) => [parameter.name, fields.get(parameter.name)?.[index]] as const);
        if (values.some(([, value]) => value === undefined)) break;
        await call(operation, Object.fromEntries(values) as Record<string, string>);
      }
    }
    return { calls, failures: judge(calls) };
  } finally {
    await proxy.stop();
  }
}
