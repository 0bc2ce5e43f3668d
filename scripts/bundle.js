// Bundles openapi/ into one document: YAML and JSON with named components, and a JSON copy with
// every $ref expanded for tools that cannot follow references.
import { bundle, loadConfig, stringifyYaml } from "@redocly/openapi-core";
import { GENERATED, REDOCLY_CONFIG, SPEC_ENTRY, generatedNotice, isMain, writeOutput } from "./lib.js";

export async function bundleSpec({ dereference = false } = {}) {
  const config = await loadConfig({ configPath: REDOCLY_CONFIG });
  const { bundle: document, problems } = await bundle({ ref: SPEC_ENTRY, config, dereference });
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) throw new Error(`bundle: ${errors.map((p) => p.message).join("; ")}`);
  return document.parsed;
}

export async function writeBundles(outDir = GENERATED) {
  const [spec, dereferenced] = await Promise.all([bundleSpec(), bundleSpec({ dereference: true })]);
  await Promise.all([
    writeOutput(outDir, "openapi.yaml", generatedNotice("bundle", "#") + stringifyYaml(spec, { noRefs: true, lineWidth: 100 })),
    writeOutput(outDir, "openapi.json", JSON.stringify(spec, null, 2) + "\n"),
    writeOutput(outDir, "openapi.dereferenced.json", JSON.stringify(dereferenced, null, 2) + "\n"),
  ]);
  return spec;
}

if (isMain(import.meta.url)) await writeBundles();
