// The operations table (generated from the spec) as the client reads it: which call is which
// operation, whether it may be repeated, and the rules each parameter must meet before a request
// leaves. Hostile values are refused here, before openapi-fetch builds a URL.
import { OPERATIONS } from "../../generated/operations.js";
import type { OperationEntry, OperationParameter } from "../../generated/operations.js";
import { WebhooksRequestError } from "../errors.js";

interface ParameterCheck {
  readonly rule: OperationParameter;
  readonly pattern: RegExp | null;
}

/** openapi-fetch's `pathSerializer`: the URL ending in the path template, and the path values. */
export type PathSerializer = (url: string, values: Record<string, unknown>) => string;

export interface ClientOperation {
  readonly entry: OperationEntry;
  readonly pathChecks: readonly ParameterCheck[];
  readonly queryChecks: readonly ParameterCheck[];
  /** Puts the checked path values, percent-encoded, into the template at the URL's end. */
  readonly serializePath: PathSerializer;
}

const compile = (rule: OperationParameter): ParameterCheck => ({ rule, pattern: rule.pattern === undefined ? null : new RegExp(rule.pattern, "u") });

/**
 * The client's own path serializer for one template: the endpoint-changing checks below rely on
 * every value being percent-encoded as one segment, so that rule is kept here, not in a library's
 * internals, and only the template at the URL's end is filled (never braces in the base URL).
 */
function pathSerializer(template: string): PathSerializer {
  // Literal text at even indexes, parameter names at odd ones.
  const parts = template.split(/\{([^{}]+)\}/);
  return (url, values) => {
    let path = url.slice(0, url.length - template.length);
    for (let i = 0; i < parts.length; i += 1) path += i % 2 === 0 ? parts[i] : encodeURIComponent(values[parts[i]!] as string);
    return path;
  };
}

/** Method → path template → operation. Maps, so that no user-supplied name reaches Object.prototype. */
const byCall = new Map<string, Map<string, ClientOperation>>();
for (const entry of OPERATIONS) {
  const byPath = byCall.get(entry.method) ?? byCall.set(entry.method, new Map()).get(entry.method)!;
  byPath.set(entry.path, {
    entry,
    pathChecks: entry.pathParameters.map(compile),
    queryChecks: entry.queryParameters.map(compile),
    serializePath: pathSerializer(entry.path),
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;

export function findOperation(method: string, path: unknown): ClientOperation {
  const operation = typeof path === "string" ? byCall.get(method)?.get(path) : undefined;
  if (operation === undefined) {
    const shown = typeof path === "string" && path.length <= 200 ? path : `(${typeof path})`;
    throw new WebhooksRequestError(method, shown, null, "operation", "is not an operation of the Webhooks API (call it with the spec's path template, e.g. `/webhooks/{name}`)");
  }
  return operation;
}

function ownValue(container: unknown, name: string): unknown {
  return container !== null && typeof container === "object" && Object.hasOwn(container, name) ? (container as Record<string, unknown>)[name] : undefined;
}

export function checkString(operation: ClientOperation, { rule, pattern }: ParameterCheck, value: unknown): void {
  const { method, path } = operation.entry;
  const refuse = (ruleName: string, detail: string): never => {
    throw new WebhooksRequestError(method, path, rule.name, ruleName, detail);
  };
  if (typeof value !== "string") return refuse("type", `must be a string, got ${value === null ? "null" : typeof value}`);
  // Most values hold no surrogate at all: one cheap test spares them the other two.
  const surrogates = SURROGATE.test(value);
  if (surrogates && LONE_SURROGATE.test(value)) return refuse("unicode", "must be well-formed Unicode (it holds a lone surrogate)");
  const length = surrogates ? [...value].length : value.length;
  if (rule.minLength !== undefined && length < rule.minLength) refuse("minLength", `must be at least ${rule.minLength} character(s) long`);
  if (rule.maxLength !== undefined && length > rule.maxLength) refuse("maxLength", `must be at most ${rule.maxLength} characters long, got ${length}`);
  if (pattern !== null && !pattern.test(value)) refuse("pattern", `must match the pattern ${rule.pattern}`);
  // serializePath percent-encodes the value (`%2e` is sent as `%252e`), so the URL parser
  // removes or climbs out of a segment only when the value is `.` or `..` itself.
  if (value === "." || value === "..") refuse("dot-segment", "is a dot segment (`.` or `..`) that the URL parser would remove, changing the endpoint");
}

function checkInteger(operation: ClientOperation, { rule }: ParameterCheck, value: unknown): void {
  const { method, path } = operation.entry;
  const refuse = (ruleName: string, detail: string): never => {
    throw new WebhooksRequestError(method, path, rule.name, ruleName, detail);
  };
  if (typeof value !== "number" || !Number.isInteger(value)) return refuse("type", "must be an integer");
  if (rule.minimum !== undefined && value < rule.minimum) refuse("minimum", `must be at least ${rule.minimum}, got ${value}`);
  if (rule.maximum !== undefined && value > rule.maximum) refuse("maximum", `must be at most ${rule.maximum}, got ${value}`);
}

/** CR, LF, NUL, or a character past U+00FF: what no header value can carry (fetch's refusal quotes the value). */
const BAD_HEADER_VALUE = /[\r\n\0\u0100-\uffff]/;

/**
 * Refuses per-call header values no request can carry, without quoting them (one may be a token):
 * fetch's own TypeError would quote the value. A Headers object holds valid values already.
 */
function checkHeaders(operation: ClientOperation, headers: unknown, field: string): void {
  if (headers === undefined || headers === null || typeof headers !== "object" || (typeof Headers === "function" && headers instanceof Headers)) return;
  const entries: unknown[] = Array.isArray(headers)
    ? headers.map((pair: unknown) => (Array.isArray(pair) ? pair[1] : undefined))
    : Object.keys(headers).map((name) => (headers as Record<string, unknown>)[name]);
  for (const entry of entries) {
    for (const value of Array.isArray(entry) ? entry : [entry]) {
      if (value !== undefined && value !== null && BAD_HEADER_VALUE.test(String(value))) {
        throw new WebhooksRequestError(operation.entry.method, operation.entry.path, field, "header-value", "holds a value no HTTP header can carry (CR, LF, NUL or a character past U+00FF)");
      }
    }
  }
}

/** openapi-fetch's per-call options that would replace the client's endpoint, transport or serializer. */
const PER_CLIENT_OPTIONS = ["baseUrl", "fetch", "Request", "pathSerializer"] as const;

/**
 * Refuses, before anything is sent, a call whose parameters would change the endpoint or break
 * the spec: no per-call option that replaces the client's own; every path parameter present (own
 * property), a string within the spec's bounds and no dot segment; every query parameter given
 * within its bounds.
 */
export function checkParameters(operation: ClientOperation, init: unknown): void {
  for (const option of PER_CLIENT_OPTIONS) {
    if (ownValue(init, option) !== undefined) {
      throw new WebhooksRequestError(
        operation.entry.method,
        operation.entry.path,
        option,
        "per-call-option",
        "cannot be set per call: it would send the request elsewhere or past the client's timeout, redirect and size guards (give `baseUrl` and `fetch` to createWebhooksClient)",
      );
    }
  }
  checkHeaders(operation, ownValue(init, "headers"), "headers");
  const params = ownValue(init, "params");
  // openapi-fetch sends `params.header` as headers too.
  checkHeaders(operation, ownValue(params, "header"), "params.header");
  if (operation.pathChecks.length > 0) {
    const pathValues = ownValue(params, "path");
    for (const check of operation.pathChecks) {
      const value = ownValue(pathValues, check.rule.name);
      if (value === undefined) {
        throw new WebhooksRequestError(operation.entry.method, operation.entry.path, check.rule.name, "required", "is a required path parameter and is missing");
      }
      checkString(operation, check, value);
    }
  }
  if (operation.queryChecks.length > 0) {
    const queryValues = ownValue(params, "query");
    for (const check of operation.queryChecks) {
      const value = ownValue(queryValues, check.rule.name);
      if (value === undefined) continue;
      if (check.rule.type === "integer") checkInteger(operation, check, value);
      else if (check.rule.type === "string") checkString(operation, check, value);
    }
  }
}

/** The spec's bounds of one query parameter of one operation, for helpers that choose values. */
export function queryParameterRule(operationId: OperationEntry["operationId"], name: string): OperationParameter | undefined {
  return OPERATIONS.find((entry) => entry.operationId === operationId)?.queryParameters.find((parameter) => parameter.name === name);
}
