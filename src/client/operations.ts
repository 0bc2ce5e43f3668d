// The operations table (generated from the spec) as the client reads it: which call is which
// operation, whether it may be repeated, and the rules each parameter must meet before a request
// leaves. Hostile values are refused here, as they are read: before anything is sent.
import { OPERATIONS } from "../../generated/operations.js";
import type { OperationEntry, OperationParameter } from "../../generated/operations.js";
import { WebhooksRequestError } from "../errors.js";
import { isHeaderName, isHeaderValue } from "../rules/headers.js";

interface ParameterCheck {
  readonly rule: OperationParameter;
  readonly pattern: RegExp | null;
}

/** openapi-fetch's `pathSerializer`: the URL ending in the path template, and the path values. */
export type PathSerializer = (url: string, values: unknown) => string;
/** openapi-fetch's `querySerializer`: the query values, as the text after `?`. */
export type QuerySerializer = (values: unknown) => string;

export interface ClientOperation {
  readonly entry: OperationEntry;
  readonly pathChecks: readonly ParameterCheck[];
  readonly queryChecks: readonly ParameterCheck[];
  /** Checks the path values as it reads them and puts them, percent-encoded, into the template at the URL's end. */
  readonly serializePath: PathSerializer;
  /** Checks the query values as it reads them (own properties only) and encodes them. */
  readonly serializeQuery: QuerySerializer;
}

/** What a check needs of its operation: the errors name it. */
type Owner = Pick<ClientOperation, "entry">;

const compile = (rule: OperationParameter): ParameterCheck => ({ rule, pattern: rule.pattern === undefined ? null : new RegExp(rule.pattern, "u") });

/**
 * The client's own path serializer for one template: the endpoint-changing checks rely on every
 * value being percent-encoded as one segment, so that rule is kept here, not in a library's
 * internals, and only the template at the URL's end is filled (never braces in the base URL).
 * Each value is checked here, as it is read: a getter or a Proxy cannot answer the check with one
 * value and the URL with another.
 */
function pathSerializer(operation: Owner, checks: readonly ParameterCheck[]): PathSerializer {
  const template = operation.entry.path;
  // Literal text at even indexes, parameters' checks at odd ones.
  const parts = template.split(/\{([^{}]+)\}/).map((part, i) => (i % 2 === 0 ? part : checks.find((check) => check.rule.name === part)!));
  return (url, values) => {
    let path = url.slice(0, url.length - template.length);
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i]!;
      if (typeof part === "string") {
        path += part;
        continue;
      }
      const value = ownValue(values, part.rule.name);
      if (value === undefined) refuseMissing(operation, part);
      checkString(operation, part, value);
      path += encodeURIComponent(value as string);
    }
    return path;
  };
}

/** What a query or header value may be: openapi-fetch and fetch turn it into text. */
const isScalar = (value: unknown) => typeof value === "string" || typeof value === "number" || typeof value === "boolean";

/**
 * The client's own query serializer for one operation: own properties only (openapi-fetch's
 * walks inherited ones with for...in), each value checked against the spec as it is read.
 * A parameter the spec does not declare may be a string, number or boolean, or an array of them
 * (sent repeated, as openapi-fetch does).
 */
function querySerializer(operation: Owner, queryChecks: readonly ParameterCheck[]): QuerySerializer {
  const checks = new Map(queryChecks.map((check) => [check.rule.name, check]));
  return (values) => {
    if (values === null || typeof values !== "object") return "";
    let search = "";
    for (const name of Object.keys(values)) {
      const value = (values as Record<string, unknown>)[name];
      if (value === undefined || value === null) continue;
      const check = checks.get(name);
      if (check !== undefined) {
        if (check.rule.type === "integer") checkInteger(operation, check, value);
        else checkString(operation, check, value);
      } else if (!isScalar(value) && !(Array.isArray(value) && value.every(isScalar))) {
        refuse(operation, "params.query", "type", "holds a value that is not a string, number or boolean, or an array of them");
      }
      const key = encodeURIComponent(name);
      for (const item of Array.isArray(value) ? value : [value]) search += `${search === "" ? "" : "&"}${key}=${encodeURIComponent(item as string)}`;
    }
    return search;
  };
}

/** Method → path template → operation. Maps, so that no user-supplied name reaches Object.prototype. */
const byCall = new Map<string, Map<string, ClientOperation>>();
for (const entry of OPERATIONS) {
  const byPath = byCall.get(entry.method) ?? byCall.set(entry.method, new Map()).get(entry.method)!;
  const pathChecks = entry.pathParameters.map(compile);
  const queryChecks = entry.queryParameters.map(compile);
  const owner = { entry };
  byPath.set(entry.path, { entry, pathChecks, queryChecks, serializePath: pathSerializer(owner, pathChecks), serializeQuery: querySerializer(owner, queryChecks) });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;

export function findOperation(method: string, path: unknown): ClientOperation {
  const operation = typeof path === "string" ? byCall.get(method)?.get(path) : undefined;
  if (operation === undefined) {
    const shown = typeof path === "string" && path.length <= 200 ? path : `(${typeof path})`;
    // `client.request`'s method is any string: quoted only when short and printable.
    const verb = /^[\x21-\x7e]{1,20}$/.test(method) ? method : "(a method of no operation)";
    throw new WebhooksRequestError(verb, shown, null, "operation", "is not an operation of the Webhooks API (call it with the spec's path template, e.g. `/webhooks/{name}`)");
  }
  return operation;
}

function ownValue(container: unknown, name: string): unknown {
  return container !== null && typeof container === "object" && Object.hasOwn(container, name) ? (container as Record<string, unknown>)[name] : undefined;
}

function refuseMissing(operation: Owner, { rule }: ParameterCheck): never {
  return refuse(operation, rule.name, "required", "is a required path parameter and is missing");
}

export function checkString(operation: Owner, { rule, pattern }: ParameterCheck, value: unknown): void {
  if (typeof value !== "string") return refuse(operation, rule.name, "type", `must be a string, got ${value === null ? "null" : typeof value}`);
  // Most values hold no surrogate at all: one cheap test spares them the other two.
  const surrogates = SURROGATE.test(value);
  if (surrogates && LONE_SURROGATE.test(value)) return refuse(operation, rule.name, "unicode", "must be well-formed Unicode (it holds a lone surrogate)");
  const length = surrogates ? [...value].length : value.length;
  if (rule.minLength !== undefined && length < rule.minLength) refuse(operation, rule.name, "minLength", `must be at least ${rule.minLength} character(s) long`);
  if (rule.maxLength !== undefined && length > rule.maxLength) refuse(operation, rule.name, "maxLength", `must be at most ${rule.maxLength} characters long, got ${length}`);
  if (pattern !== null && !pattern.test(value)) refuse(operation, rule.name, "pattern", `must match the pattern ${rule.pattern}`);
  // serializePath percent-encodes the value (`%2e` is sent as `%252e`), so the URL parser
  // removes or climbs out of a segment only when the value is `.` or `..` itself.
  if (value === "." || value === "..") refuse(operation, rule.name, "dot-segment", "is a dot segment (`.` or `..`) that the URL parser would remove, changing the endpoint");
}

function checkInteger(operation: Owner, { rule }: ParameterCheck, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value)) return refuse(operation, rule.name, "type", "must be an integer");
  if (rule.minimum !== undefined && value < rule.minimum) refuse(operation, rule.name, "minimum", `must be at least ${rule.minimum}, got ${value}`);
  if (rule.maximum !== undefined && value > rule.maximum) refuse(operation, rule.name, "maximum", `must be at most ${rule.maximum}, got ${value}`);
}


function checkHeaderValue(operation: Owner, value: unknown, field: string): void {
  if (!isScalar(value)) refuse(operation, field, "type", "holds a value that is not a string, number or boolean, or an array of them");
  // Latin-1 passes: Node's HTTP client sends it, and the caller chose it.
  if (!isHeaderValue(String(value), { latin1: true })) refuse(operation, field, "header-value", "holds a value no HTTP header can carry (a control character but tab, or a character past U+00FF)");
}

/**
 * Per-call headers as openapi-fetch will merge them, each name and value read once and checked,
 * so that none is refused by fetch's own TypeError, which quotes it (a value may be a token), or
 * by Node's HTTP client as if the network had failed. A Headers object holds valid ones already.
 * An array is refused: openapi-fetch reads its pairs as headers named 0, 1...
 */
function headersOf(operation: Owner, headers: unknown, field: string): unknown {
  if (headers === undefined || headers === null || (typeof Headers === "function" && headers instanceof Headers)) return headers;
  if (typeof headers !== "object" || Array.isArray(headers)) return refuse(operation, field, "type", "must be an object or a Headers (openapi-fetch reads an array's pairs as headers named 0, 1...)");
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(headers)) {
    const value = (headers as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (!isHeaderName(name)) refuse(operation, field, "header-name", "holds a name that is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~)");
    if (Array.isArray(value)) {
      const values = [...value];
      for (const item of values) checkHeaderValue(operation, item, field);
      copy[name] = values;
    } else {
      // null removes a header (openapi-fetch's rule).
      if (value !== null) checkHeaderValue(operation, value, field);
      copy[name] = value;
    }
  }
  return copy;
}

/** openapi-fetch's per-call options that would replace the client's endpoint, transport or serializer. */
const PER_CLIENT_OPTIONS = new Set(["baseUrl", "fetch", "Request", "pathSerializer"]);
/** openapi-fetch's ways of reading a success body. */
const PARSE_AS = new Set<unknown>(["json", "text", "blob", "arrayBuffer", "stream"]);

function refuse(operation: Owner, field: string, rule: string, detail: string): never {
  throw new WebhooksRequestError(operation.entry.method, operation.entry.path, field, rule, detail);
}

/** A container in `params`: absent, or an object whose own properties are read. */
function container(operation: Owner, value: unknown, field: string): unknown {
  if (value === undefined || value === null || typeof value === "object") return value;
  return refuse(operation, field, "type", `must be an object, got ${typeof value}`);
}

/**
 * The init handed to openapi-fetch for every attempt of a call, built once: the caller's own
 * enumerable properties, each read once, so that the checks see exactly what is sent whatever a
 * getter or a Proxy answers; `params` cut down to its own `path`, `query` and `header`
 * (openapi-fetch would read inherited ones); the client's serializers, which check the values as
 * they read them. Built key by key: on Node 20 `{ ...init, key: value }` costs near a microsecond.
 */
export function callInit(operation: ClientOperation, init: unknown, skip: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { pathSerializer: operation.serializePath, querySerializer: operation.serializeQuery };
  if (init === undefined || init === null) return copy;
  if (typeof init !== "object") refuse(operation, "init", "type", `must be an object, got ${typeof init}`);
  for (const key of Object.keys(init)) {
    const value = (init as Record<string, unknown>)[key];
    // An own `__proto__` (from JSON.parse) would set the copy's prototype; it means nothing to openapi-fetch.
    if (value === undefined || key === "__proto__" || key === skip) continue;
    switch (key) {
      case "params":
        if (value === null) continue;
        container(operation, value, "params");
        copy.params = {
          path: container(operation, ownValue(value, "path"), "params.path"),
          query: container(operation, ownValue(value, "query"), "params.query"),
          // openapi-fetch sends `params.header` as headers too.
          header: headersOf(operation, ownValue(value, "header"), "params.header"),
        };
        continue;
      case "headers":
        copy.headers = headersOf(operation, value, "headers");
        continue;
      case "parseAs":
        // openapi-fetch calls `response[parseAs]()`: any other name reaches the Response's prototypes.
        if (!PARSE_AS.has(value)) refuse(operation, "parseAs", "enum", `must be one of ${[...PARSE_AS].map((name) => `"${name}"`).join(", ")}`);
        break;
      case "signal":
        if (value !== null && !(value instanceof AbortSignal)) refuse(operation, "signal", "type", "must be an AbortSignal");
        break;
      case "body":
        // fetch refuses a GET's body with a TypeError; the spec gives the other operations none either.
        if (operation.entry.requestBody === null) refuse(operation, "body", "no-body", "cannot be sent: the operation takes no request body");
        break;
      default:
        if (PER_CLIENT_OPTIONS.has(key)) {
          refuse(
            operation,
            key,
            "per-call-option",
            "cannot be set per call: it would send the request elsewhere or past the client's timeout, redirect and size guards (give `baseUrl` and `fetch` to createWebhooksClient)",
          );
        }
    }
    copy[key] = value;
  }
  return copy;
}

/**
 * Refuses, before anything is sent, a call (as `callInit` built it, its headers checked) that
 * lacks its path values. The values themselves are checked by the client's serializers as they
 * read them, before anything is sent too.
 */
export function checkParameters(operation: ClientOperation, init: Record<string, unknown>): void {
  const path = (init.params as { path?: unknown } | undefined)?.path;
  // Without `params.path`, openapi-fetch would send the template's braces as they are.
  if (operation.pathChecks.length > 0 && (path === undefined || path === null)) refuseMissing(operation, operation.pathChecks[0]!);
}

const BY_ID: ReadonlyMap<string, OperationEntry> = new Map(OPERATIONS.map((entry) => [entry.operationId, entry]));

/** The spec's entry of `operationId`: the one lookup by operation id. @throws Error when the spec has none (a caller's bug). */
export function operationById(operationId: string): OperationEntry {
  const entry = BY_ID.get(operationId);
  if (entry === undefined) throw new Error(`the spec has no operation ${operationId}`);
  return entry;
}

/** The spec's bounds of one query parameter of one operation, for helpers that choose values. */
export function queryParameterRule(operationId: OperationEntry["operationId"], name: string): OperationParameter | undefined {
  return operationById(operationId).queryParameters.find((parameter) => parameter.name === name);
}
