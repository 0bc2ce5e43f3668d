// Compiles every component schema with ajv (JSON Schema 2020-12, strict, with formats) into
// standalone validator code: consumers validate with no schema compilation at start-up, no
// `new Function` at run time and no ajv dependency (esbuild inlines ajv's few runtime helpers).
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import * as ajvFormats from "ajv-formats";
import { build, stop } from "esbuild";
import { GENERATED, ROOT, generatedNotice, isMain, writeOutput } from "./lib.js";
import { bundleSpec } from "./bundle.js";

const SCHEMAS_ID = "socotra-webhooks-contract/schemas.json";
const addFormats = ajvFormats.default.default ?? ajvFormats.default;

/**
 * The spec's component schemas as one JSON Schema document, `#/components/schemas/X` → `#/$defs/X`.
 * `description` and `examples` are dropped: they never change a result and would only add weight
 * to the code that consumers ship.
 */
export function schemasDocument(spec) {
  const text = JSON.stringify(spec.components.schemas, (key, value) =>
    key === "description" || key === "examples" ? undefined : value,
  ).replaceAll('"#/components/schemas/', '"#/$defs/');
  return { $id: SCHEMAS_ID, $defs: JSON.parse(text) };
}

export function createAjv(options = {}) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, ...options });
  addFormats(ajv);
  return ajv;
}

/**
 * A schema's root JSON type: its own `type`, or the one type every branch of its `anyOf`/`oneOf`
 * shares (ObservedEventType: a known type or any string is a string).
 */
function rootTypeOf(spec, schema) {
  if (schema.$ref) return rootTypeOf(spec, spec.components.schemas[schema.$ref.split("/").pop()]);
  if (schema.type !== undefined) return schema.type;
  const branches = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(branches)) return undefined;
  const types = new Set(branches.map((branch) => rootTypeOf(spec, branch)));
  return types.size === 1 ? [...types][0] : undefined;
}

export async function writeValidators(spec, outDir = GENERATED) {
  const names = Object.keys(spec.components.schemas);
  const rootTypes = Object.fromEntries(names.map((name) => [name, rootTypeOf(spec, spec.components.schemas[name])]));
  const ajv = createAjv({ code: { source: true, esm: true, lines: true } });
  ajv.addSchema(schemasDocument(spec));
  const refs = Object.fromEntries(names.map((name) => [`validate${name}`, `${SCHEMAS_ID}#/$defs/${name}`]));
  const { outputFiles } = await build({
    stdin: { contents: standaloneCode(ajv, refs), resolveDir: ROOT, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    legalComments: "none",
  }).finally(stop); // esbuild's service process would otherwise live as long as the caller (npm start)
  const declarations = names.map(
    (name) =>
      `/** Validates a value against the spec's \`${name}\` schema. */\nexport declare const validate${name}: ValidateFunction<components["schemas"]["${name}"]>;`,
  );
  await Promise.all([
    writeOutput(
      outDir,
      "validators.js",
      `${generatedNotice("validators", "//")}${outputFiles[0].text}\n/** Each schema's root JSON type: a string input is JSON text, except for a string schema. */\nexport const ROOT_TYPES = ${JSON.stringify(rootTypes, null, 2)};\n`,
    ),
    writeOutput(
      outDir,
      "validators.d.ts",
      [
        generatedNotice("validators", "//").trimEnd(),
        'import type { components } from "./schema.js";',
        "",
        "/** One failure, as ajv reports it. */",
        "export interface ValidationErrorObject {",
        "  instancePath: string;",
        "  schemaPath: string;",
        "  keyword: string;",
        "  params: Record<string, unknown>;",
        "  message?: string;",
        "}",
        "",
        "/** A type guard; after a `false` answer, `errors` lists every failure. */",
        "export interface ValidateFunction<T> {",
        "  (data: unknown): data is T;",
        "  errors?: ValidationErrorObject[] | null;",
        "}",
        "",
        ...declarations,
        "",
        "/** Each schema's root JSON type: a string input is JSON text, except for a string schema. */",
        `export declare const ROOT_TYPES: { readonly [Name in keyof components["schemas"]]: string };`,
        "",
      ].join("\n"),
    ),
  ]);
  return names;
}

if (isMain(import.meta.url)) await writeValidators(await bundleSpec());
