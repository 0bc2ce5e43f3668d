// Compiles the bundled spec to TypeScript types (openapi-typescript), and the event-type enum to
// a runtime array so that code can iterate what the types describe.
import openapiTS, { astToString } from "openapi-typescript";
import { GENERATED, generatedNotice, isMain, writeOutput } from "./lib.js";
import { bundleSpec } from "./bundle.js";

export async function writeTypes(spec, outDir = GENERATED) {
  // A deep copy: openapi-typescript annotates the document it is given.
  const ast = await openapiTS(structuredClone(spec), {
    defaultNonNullable: false,
    // `export type WebhookPayload = components["schemas"]["WebhookPayload"]` and so on, for every schema.
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    silent: true,
  });
  await writeOutput(outDir, "schema.d.ts", generatedNotice("types", "//") + astToString(ast));
}

export async function writeEventTypes(spec, outDir = GENERATED) {
  const eventTypes = spec.components.schemas.WebhookEventType.enum;
  const list = JSON.stringify(eventTypes, null, 2);
  await Promise.all([
    writeOutput(
      outDir,
      "event-types.js",
      `${generatedNotice("types", "//")}/** Every event type a webhook can subscribe to, in the order of the API reference. */\nexport const WEBHOOK_EVENT_TYPES = Object.freeze(${list});\n`,
    ),
    writeOutput(
      outDir,
      "event-types.d.ts",
      `${generatedNotice("types", "//")}/** Every event type a webhook can subscribe to, in the order of the API reference. */\nexport declare const WEBHOOK_EVENT_TYPES: readonly ${list};\n`,
    ),
  ]);
}

if (isMain(import.meta.url)) {
  const spec = await bundleSpec();
  await Promise.all([writeTypes(spec), writeEventTypes(spec)]);
}
