import * as generated from "../generated/validators.js";
import type { ValidateFunction, ValidationErrorObject } from "../generated/validators.js";
import type { components } from "../generated/schema.js";
import { ContractValidationError, type ContractIssue } from "./errors.js";

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
const validatorsByName = Object.fromEntries(
  Object.entries(validators).map(([exportName, validate]) => [exportName.replace(/^validate/, ""), validate]),
) as { [Name in SchemaName]: ValidateFunction<Schemas[Name]> };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function fail(schema: string, path: string, rule: string, message: string): never {
  throw new ContractValidationError(schema, [{ path, rule, message }]);
}

function escapePointer(key: string): string {
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
    // A UTF-16 code unit takes 1 to 3 UTF-8 bytes: count exactly only when the bound is in doubt.
    if (input.length > maxBytes || (input.length * 3 > maxBytes && encoder.encode(input).byteLength > maxBytes)) {
      fail(schema, "", "size", `is larger than the ${maxBytes}-byte limit`);
    }
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
  return input;
}

/**
 * Checks `input` against the spec's schema `name` and returns it typed.
 * `input` may be a parsed value, JSON text, or the raw body bytes (Buffer, Uint8Array, ArrayBuffer).
 * @throws ContractValidationError naming every bad field and the rule it broke.
 */
export function parse<Name extends SchemaName>(name: Name, input: unknown, options: ParseOptions = {}): Schemas[Name] {
  const validate = validatorsByName[name];
  if (validate === undefined) throw new TypeError(`parse: unknown schema name "${String(name)}"`);
  const stringValue = typeof input === "string" && ROOT_TYPES[name] === "string";
  const value = stringValue ? input : decodeBody(input, options.maxBytes ?? DEFAULT_MAX_BYTES, name);
  if (validate(value)) return value;
  throw new ContractValidationError(name, (validate.errors ?? []).map(toIssue));
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
  const validate = validatorsByName[name];
  return {
    "~standard": {
      version: 1,
      vendor: "socotra-webhooks-contract",
      validate(value) {
        if (validate(value)) return { value };
        return {
          issues: (validate.errors ?? []).map(toIssue).map((issue) => ({ message: issue.message, path: pointerToPath(issue.path) })),
        };
      },
    },
  };
}

/** One Standard Schema v1 object per component schema of the spec, for libraries that accept Standard Schema. */
export const schemas = Object.fromEntries(
  (Object.keys(validatorsByName) as SchemaName[]).map((name) => [name, standardSchema(name)]),
) as { readonly [Name in SchemaName]: StandardSchemaV1<unknown, Schemas[Name]> };
