// Compiles the bundled spec to TypeScript types (openapi-typescript), and writes the runtime data
// that code needs beside them: the event-type enum as an array, and the outbound webhooks' examples.
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { GENERATED, generatedNotice, isMain, writeOutput } from "./lib.js";
import { bundleSpec } from "./bundle.js";

/**
 * `ObservedEventType` (WebhookEventType's values, or any string) as
 * `components["schemas"]["WebhookEventType"] | (string & {})`: a plain `| string` would swallow the
 * 100 names, and editors would stop completing them.
 */
function openEventType(_schema, metadata) {
  if (metadata.path !== "#/components/schemas/ObservedEventType") return undefined;
  const { factory } = ts;
  const known = factory.createIndexedAccessTypeNode(
    factory.createIndexedAccessTypeNode(factory.createTypeReferenceNode("components"), factory.createLiteralTypeNode(factory.createStringLiteral("schemas"))),
    factory.createLiteralTypeNode(factory.createStringLiteral("WebhookEventType")),
  );
  const anyString = factory.createParenthesizedType(
    factory.createIntersectionTypeNode([factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword), factory.createTypeLiteralNode([])]),
  );
  return factory.createUnionTypeNode([known, anyString]);
}

export async function writeTypes(spec, outDir = GENERATED) {
  // A deep copy: openapi-typescript annotates the document it is given.
  const ast = await openapiTS(structuredClone(spec), {
    defaultNonNullable: false,
    // `export type WebhookPayload = components["schemas"]["WebhookPayload"]` and so on, for every schema.
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    silent: true,
    transform: openEventType,
  });
  await writeOutput(outDir, "schema.d.ts", generatedNotice("types", "//") + astToString(ast));
}

/** Runtime data that code needs beside the types: the event types, and the outbound webhooks' examples. */
export async function writeRuntimeData(spec, outDir = GENERATED) {
  const eventTypes = JSON.stringify(spec.components.schemas.WebhookEventType.enum, null, 2);
  const examples = JSON.stringify(
    Object.fromEntries(
      Object.entries(spec.webhooks).map(([name, item]) => [
        name,
        Object.values(item.post.requestBody.content["application/json"].examples).map((example) => example.value),
      ]),
    ),
    null,
    2,
  );
  const notice = generatedNotice("types", "//");
  const eventTypesDoc = "/** Every event type a webhook can subscribe to, in the order of the API reference. */";
  const examplesDoc = "/** The spec's example bodies of each outbound webhook (`eventDelivery`, `failureAlert`, `suspensionAlert`). */";
  await Promise.all([
    writeOutput(outDir, "event-types.js", `${notice}${eventTypesDoc}\nexport const WEBHOOK_EVENT_TYPES = Object.freeze(${eventTypes});\n`),
    writeOutput(outDir, "event-types.d.ts", `${notice}${eventTypesDoc}\nexport declare const WEBHOOK_EVENT_TYPES: readonly ${eventTypes};\n`),
    writeOutput(outDir, "examples.js", `${notice}${examplesDoc}\nexport const WEBHOOK_EXAMPLES = ${examples};\n`),
    writeOutput(
      outDir,
      "examples.d.ts",
      `${notice}import type { webhooks } from "./schema.js";\n\n${examplesDoc}\nexport declare const WEBHOOK_EXAMPLES: {\n  readonly [Name in keyof webhooks]: readonly NonNullable<webhooks[Name]["post"]>["requestBody"]["content"]["application/json"][];\n};\n`,
    ),
  ]);
}

if (isMain(import.meta.url)) {
  const spec = await bundleSpec();
  await Promise.all([writeTypes(spec), writeRuntimeData(spec)]);
}
