import * as generated from "../generated/validators.js";
import type { ValidateFunction, ValidationErrorObject } from "../generated/validators.js";
import type { components } from "../generated/schema.js";
import { ContractValidationError, WebhooksOptionError, type ContractIssue } from "./errors.js";
import { utf8Length } from "./bytes.js";

type Schemas = components["schemas"];
/** The name of a component schema of the spec: `"WebhookPayload"`, `"WebhookRequest"`... */
export type SchemaName = keyof Schemas & string;

/** Bodies larger than this many bytes are rejected before parsing, unless `maxBytes` says otherwise. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

export interface ParseOptions {
  /** The largest body accepted, in UTF-8 bytes. Checked before parsing. Default 1 MiB. */
  maxBytes?: number;
}

const { ROOT_TYPES, ...validators } = generated;
// A Map, not an object: a caller's name ("constructor", "__proto__") must never reach Object.prototype.
const validatorsByName = new Map<string, ValidateFunction<unknown>>(
  Object.entries(validators).map(([exportName, validate]) => [exportName.replace(/^validate/, ""), validate as ValidateFunction<unknown>]),
);

const utf8 = new TextDecoder("utf-8", { fatal: true });

function validatorOf(caller: string, name: string): ValidateFunction<unknown> {
  const validate = typeof name === "string" ? validatorsByName.get(name) : undefined;
  if (validate === undefined) throw new WebhooksOptionError(caller, "name", "enum", `unknown schema name ${typeof name === "string" ? `"${name.slice(0, 100)}"` : typeof name}; expected one of the spec's component schemas, such as "WebhookPayload"`);
  return validate;
}

/** What a caller handed over instead of a body, and what to pass instead; undefined for anything else. */
function bodyContainerHint(input: object): string | undefined {
  const has = (name: string) => typeof (input as Record<string, unknown>)[name] === "function";
  if (typeof Request === "function" && input instanceof Request) return "a Request: pass `await request.text()`";
  if (typeof Response === "function" && input instanceof Response) return "a Response: pass `await response.text()`";
  if (typeof Blob === "function" && input instanceof Blob) return "a Blob: pass `await blob.text()`";
  if (has("getReader")) return "a ReadableStream: pass `await new Response(stream).text()`";
  if (has("pipe") || Symbol.asyncIterator in input) return "a stream: read it whole first (for example `Buffer.concat(await req.toArray())`), or use createNodeHandler(receiver)";
  if (input instanceof Promise || has("then")) return "a Promise: await it first";
  return undefined;
}

function isWithin(text: string, maxBytes: number): boolean {
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes: count exactly only when the bound is in doubt.
  return text.length <= maxBytes && (text.length * 3 <= maxBytes || utf8Length(text) <= maxBytes);
}

/** @internal Whether `text` takes more than `maxBytes` bytes as UTF-8. */
export const exceedsBytes = (text: string, maxBytes: number): boolean => !isWithin(text, maxBytes);

function fail(schema: string, path: string, rule: string, message: string): never {
  throw new ContractValidationError(schema, [{ path, rule, message }]);
}

/** @internal A key as one segment of a JSON pointer (`~` and `/` escaped). */
export function escapePointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

function toIssue(error: ValidationErrorObject): ContractIssue {
  const { instancePath, keyword, params } = error;
  switch (keyword) {
    case "required":
      return { path: `${instancePath}/${escapePointer(String(params.missingProperty))}`, rule: keyword, message: "is required" };
    case "additionalProperties":
      return {
        path: `${instancePath}/${escapePointer(String(params.additionalProperty))}`,
        rule: keyword,
        message: "is not a field of this schema (additionalProperties: false)",
      };
    case "enum":
      return { path: instancePath, rule: keyword, message: `must be one of the ${(params.allowedValues as unknown[]).length} allowed values` };
    default:
      return { path: instancePath, rule: keyword, message: error.message ?? `breaks the ${keyword} rule` };
  }
}

function parseJson(schema: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // Only the position: the parser's own message may quote the body, which may hold secrets.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    return fail(schema, "", "json", position === undefined ? "is not valid JSON" : `is not valid JSON (at position ${position})`);
  }
}

/**
 * Turns a parsed value, JSON text or raw bytes into a parsed value, enforcing the byte limit first.
 * @throws ContractValidationError (labelled `schema`) for an oversized body, invalid UTF-8 or invalid JSON.
 */
export function decodeBody(input: unknown, maxBytes: number = DEFAULT_MAX_BYTES, schema = "body"): unknown {
  if (typeof input === "string") {
    if (!isWithin(input, maxBytes)) fail(schema, "", "size", `is larger than the ${maxBytes}-byte limit`);
    return parseJson(schema, input);
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    if (input.byteLength > maxBytes) fail(schema, "", "size", `is larger than the ${maxBytes}-byte limit`);
    let text: string;
    try {
      text = utf8.decode(input);
    } catch {
      return fail(schema, "", "utf8", "is not valid UTF-8");
    }
    return parseJson(schema, text);
  }
  if (typeof input === "object" && input !== null) {
    const hint = bodyContainerHint(input);
    if (hint !== undefined) throw new WebhooksOptionError(schema, "input", "type", `got ${hint}. Bodies are accepted as JSON text, bytes (Buffer, Uint8Array, ArrayBuffer) or an already parsed value.`);
  }
  return input;
}

/**
 * Checks an already decoded value against the spec's schema `name` and returns it typed. It never
 * decodes: a string is a string (valid only for a string schema), bytes are not JSON.
 * @throws WebhooksOptionError for a name that is not one of the spec's component schemas.
 * @throws ContractValidationError naming every bad field and the rule it broke.
 */
export function validate<Name extends SchemaName>(name: Name, value: unknown): Schemas[Name] {
  const check = validatorOf("validate", name);
  if (check(value)) return value as Schemas[Name];
  throw new ContractValidationError(name, (check.errors ?? []).map(toIssue));
}

/**
 * Decodes `input` once (JSON text, or the raw body bytes: Buffer, Uint8Array, ArrayBuffer) and
 * checks it against the spec's schema `name`; a value that is already parsed is only checked.
 * For a string schema (such as `"WebhookEventType"`) a string is the value itself, not JSON text.
 * @throws WebhooksOptionError for a name that is not one of the spec's component schemas, or for a stream,
 *   `Request`, `Response` or `Blob` (read it first: `await request.text()`).
 * @throws ContractValidationError naming every bad field and the rule it broke.
 */
export function parse<Name extends SchemaName>(name: Name, input: unknown, options: ParseOptions = {}): Schemas[Name] {
  const check = validatorOf("parse", name);
  const stringValue = typeof input === "string" && ROOT_TYPES[name] === "string";
  const value = stringValue ? input : decodeBody(input, options.maxBytes ?? DEFAULT_MAX_BYTES, name);
  if (check(value)) return value as Schemas[Name];
  throw new ContractValidationError(name, (check.errors ?? []).map(toIssue));
}

/** Parses and validates an event delivery, as the platform POSTs it to your integration. */
export function parseWebhookPayload(input: unknown, options?: ParseOptions): Schemas["WebhookPayload"] {
  return parse("WebhookPayload", input, options);
}

/** Parses and validates a delivery failure alert, as the platform POSTs it to the alert integration. */
export function parseFailureMessage(input: unknown, options?: ParseOptions): Schemas["FailureMessage"] {
  return parse("FailureMessage", input, options);
}

/** Parses and validates a webhook suspension alert, as the platform POSTs it to the alert integration. */
export function parseWebhookSuspendedData(input: unknown, options?: ParseOptions): Schemas["EventStreamWebhookSuspendedData"] {
  return parse("EventStreamWebhookSuspendedData", input, options);
}

/** The Standard Schema v1 interface (https://standardschema.dev), written out as its authors recommend. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardSchemaV1.Result<Output>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export declare namespace StandardSchemaV1 {
  type Result<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly Issue[] };
  interface Issue {
    readonly message: string;
    readonly path?: readonly PropertyKey[] | undefined;
  }
}

function pointerToPath(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((key) => key.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function standardSchema<Name extends SchemaName>(name: Name): StandardSchemaV1<unknown, Schemas[Name]> {
  const check = validatorOf("schemas", name);
  return {
    "~standard": {
      version: 1,
      vendor: "socotra-webhooks-contract",
      validate(value) {
        if (check(value)) return { value: value as Schemas[Name] };
        return {
          issues: (check.errors ?? []).map(toIssue).map((issue) => ({ message: issue.message, path: pointerToPath(issue.path) })),
        };
      },
    },
  };
}

/** One Standard Schema v1 object per component schema of the spec, for libraries that accept Standard Schema. */
export const schemas = Object.freeze(
  Object.assign(Object.create(null), Object.fromEntries([...validatorsByName.keys()].map((name) => [name, standardSchema(name as SchemaName)]))),
) as { readonly [Name in SchemaName]: StandardSchemaV1<unknown, Schemas[Name]> };
