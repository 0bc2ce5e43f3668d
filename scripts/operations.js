// Writes the operations table (every operation of `paths`: method, path, parameters with their
// rules, statuses, body schemas, and `x-idempotent`) and the outbound webhooks table (each entry
// of the spec's `webhooks` section and the schema of its body), so that the client's retry rule,
// verify, the simulator, the command line and the receiver read the spec instead of a copy of it.
import { GENERATED, generatedNotice, isMain, writeOutput } from "./lib.js";
import { bundleSpec } from "./bundle.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function resolve(spec, node) {
  while (node && typeof node.$ref === "string") {
    node = node.$ref
      .slice(2)
      .split("/")
      .reduce((at, key) => at[key.replaceAll("~1", "/").replaceAll("~0", "~")], spec);
  }
  return node;
}

/** The component schema named by a body's `$ref`, or null when the body has none. */
function schemaName(content) {
  const ref = content?.["application/json"]?.schema?.$ref;
  return typeof ref === "string" ? ref.replace("#/components/schemas/", "") : null;
}

function parameterRules(spec, parameter) {
  const { name, in: where, required = false } = parameter;
  const schema = resolve(spec, parameter.schema) ?? {};
  const rules = {};
  for (const key of ["type", "minLength", "maxLength", "pattern", "minimum", "maximum"]) if (schema[key] !== undefined) rules[key] = schema[key];
  return { name, in: where, required, ...rules };
}

export function operationsTable(spec) {
  const operations = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (typeof operation["x-idempotent"] !== "boolean") {
        throw new Error(`operations: ${method.toUpperCase()} ${path} (${operation.operationId}) must state x-idempotent: true or false`);
      }
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => parameterRules(spec, resolve(spec, p)));
      const statuses = Object.keys(operation.responses).map(Number);
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith("2"));
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        pathParameters: parameters.filter((p) => p.in === "path"),
        queryParameters: parameters.filter((p) => p.in === "query"),
        requestBody: schemaName(resolve(spec, operation.requestBody)?.content),
        responseBody: success ? schemaName(resolve(spec, success[1]).content) : null,
        successStatuses: statuses.filter((status) => status >= 200 && status < 300),
        errorStatuses: statuses.filter((status) => status >= 400),
        idempotent: operation["x-idempotent"],
      });
    }
  }
  return operations;
}

export function outboundWebhooksTable(spec) {
  return Object.entries(spec.webhooks).map(([name, item]) => ({
    name,
    operationId: item.post.operationId,
    schema: schemaName(item.post.requestBody.content),
  }));
}

/** Each object schema's fields, with the component schema a field (or, for an array, each item) holds; null for a plain value. */
export function schemaFieldsTable(spec) {
  const refName = (node) => (typeof node?.$ref === "string" ? node.$ref.replace("#/components/schemas/", "") : null);
  return Object.fromEntries(
    Object.entries(spec.components.schemas)
      .filter(([, schema]) => schema.properties)
      .map(([name, schema]) => [name, Object.fromEntries(Object.entries(schema.properties).map(([field, node]) => [field, refName(node) ?? refName(node.items)]))]),
  );
}

/** The values of each component schema that is a string enum, but the event types (generated apart, in event-types.js). */
export function schemaEnumsTable(spec) {
  return Object.fromEntries(
    Object.entries(spec.components.schemas)
      .filter(([name, schema]) => Array.isArray(schema.enum) && name !== "WebhookEventType")
      .map(([name, schema]) => [name, schema.enum]),
  );
}

const DECLARATIONS = `import type { components, operations, webhooks } from "./schema.js";

type SchemaName = keyof components["schemas"];

/** A parameter of an operation and the rules the spec gives its value. */
export interface OperationParameter {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required: boolean;
  readonly type?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

/** One operation of the spec's \`paths\`. */
export interface OperationEntry {
  readonly operationId: keyof operations;
  readonly method: "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";
  /** The path template, e.g. \`/webhooks/{name}\`. */
  readonly path: string;
  readonly pathParameters: readonly OperationParameter[];
  readonly queryParameters: readonly OperationParameter[];
  /** The component schema of the JSON request body, or null. */
  readonly requestBody: SchemaName | null;
  /** The component schema of the JSON success body, or null when the answer has no body. */
  readonly responseBody: SchemaName | null;
  readonly successStatuses: readonly number[];
  readonly errorStatuses: readonly number[];
  /** The spec's \`x-idempotent\`: whether repeating the call is safe (a client may retry it). */
  readonly idempotent: boolean;
}

/** An object schema's fields: each maps to the component schema it holds, or null for a plain value. */
export type SchemaFields = { readonly [Field in string]?: SchemaName | null };

/** One entry of the spec's \`webhooks\` section: a body the platform POSTs out. */
export interface OutboundWebhookEntry {
  readonly name: keyof webhooks;
  readonly operationId: string;
  /** The component schema of the body. */
  readonly schema: SchemaName;
}
`;

export async function writeOperations(spec, outDir = GENERATED) {
  const notice = generatedNotice("operations", "//");
  const operations = JSON.stringify(operationsTable(spec), null, 2);
  const webhooks = JSON.stringify(outboundWebhooksTable(spec), null, 2);
  const operationsDoc = "/** Every operation of the spec's `paths`, in the spec's order. */";
  const fields = JSON.stringify(schemaFieldsTable(spec), null, 2);
  const fieldsDoc = "/** The fields of each object schema, and the component schema a field (or, for an array, each item) holds; null for a plain value. */";
  const enums = JSON.stringify(schemaEnumsTable(spec), null, 2);
  const enumsDoc = "/** The values of each string-enum component schema (the event types are in event-types.js). */";
  const webhooksDoc = "/** Every outbound webhook of the spec's `webhooks` section, with the schema of its body. */";
  const freeze = "const deepFreeze = (value) => (Object.values(value).forEach((v) => v && typeof v === \"object\" && deepFreeze(v)), Object.freeze(value));";
  await Promise.all([
    writeOutput(
      outDir,
      "operations.js",
      `${notice}${freeze}\n\n${operationsDoc}\nexport const OPERATIONS = deepFreeze(${operations});\n\n${webhooksDoc}\nexport const OUTBOUND_WEBHOOKS = deepFreeze(${webhooks});\n\n${fieldsDoc}\nexport const SCHEMA_FIELDS = deepFreeze(${fields});\n\n${enumsDoc}\nexport const SCHEMA_ENUMS = deepFreeze(${enums});\n`,
    ),
    writeOutput(
      outDir,
      "operations.d.ts",
      `${notice}${DECLARATIONS}\n${operationsDoc}\nexport declare const OPERATIONS: readonly OperationEntry[];\n\n${webhooksDoc}\nexport declare const OUTBOUND_WEBHOOKS: readonly OutboundWebhookEntry[];\n\n${fieldsDoc}\nexport declare const SCHEMA_FIELDS: { readonly [Name in SchemaName]?: SchemaFields };\n\n${enumsDoc}\nexport declare const SCHEMA_ENUMS: {\n${Object.keys(schemaEnumsTable(spec)).map((name) => `  readonly ${name}: readonly components["schemas"]["${name}"][];`).join("\n")}\n};\n`,
    ),
  ]);
}

if (isMain(import.meta.url)) await writeOperations(await bundleSpec());
