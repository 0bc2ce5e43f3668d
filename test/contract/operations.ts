// The operations of the bundled spec, enumerated for tests that must cover all of them.
import { readFileSync } from "node:fs";

export type Json = Record<string, any>;
export const spec: Json = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));

const deref = (node: Json): Json => (node.$ref ? deref(node.$ref.split("/").slice(1).reduce((at: Json, key: string) => at[key], spec)) : node);
export const schemaName = (schema: Json | undefined): string | undefined => schema?.$ref?.split("/").pop();

export interface Operation {
  id: string;
  method: "GET" | "PUT" | "POST" | "DELETE" | "PATCH";
  path: string;
  parameters: Json[];
  /** The first request body example, when the operation takes a body. */
  bodyExample?: Json;
  bodySchema?: Json;
  /** Declared status → the name of its JSON body schema, or undefined for no body. */
  responses: Map<number, string | undefined>;
}

export const operations: Operation[] = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
  (["get", "put", "post", "delete", "patch"] as const)
    .filter((method) => item[method])
    .map((method) => {
      const op = item[method];
      const media = op.requestBody && deref(op.requestBody).content["application/json"];
      return {
        id: op.operationId,
        method: method.toUpperCase() as Operation["method"],
        path,
        parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref),
        bodyExample: media && (Object.values(media.examples)[0] as Json).value,
        bodySchema: media?.schema,
        responses: new Map(
          Object.entries(op.responses as Json).map(([status, response]) => [Number(status), schemaName(deref(response).content?.["application/json"]?.schema)]),
        ),
      };
    }),
);

/** Path and query values from each parameter's example. */
export function exampleParams(operation: Operation, overrides: { path?: Json; query?: Json } = {}) {
  const values = (location: string) =>
    Object.fromEntries(operation.parameters.filter((p) => p.in === location).map((p) => [p.name, p.example]));
  return { path: { ...values("path"), ...overrides.path }, query: { ...values("query"), ...overrides.query } };
}
