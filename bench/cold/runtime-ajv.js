// Cold start, baseline: what a receiver would do without this package's generated validators:
// load ajv, compile the bundled spec's schemas at run time, validate the first delivery.
import { performance } from "node:perf_hooks";

const started = performance.now();
const [{ Ajv2020 }, formats, { readFile }] = await Promise.all([import("ajv/dist/2020.js"), import("ajv-formats"), import("node:fs/promises")]);
const spec = JSON.parse(await readFile(new URL("../../generated/openapi.json", import.meta.url), "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addKeyword("example");
(formats.default.default ?? formats.default)(ajv);
const $defs = JSON.parse(JSON.stringify(spec.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/'));
ajv.addSchema({ $id: "spec", $defs });
for (const name of Object.keys($defs)) ajv.getSchema(`spec#/$defs/${name}`);
const validate = ajv.getSchema("spec#/$defs/WebhookPayload");
if (!validate(JSON.parse(process.argv[2]))) throw new Error("the first delivery should be valid");
console.log(JSON.stringify({ ms: performance.now() - started, rss: process.memoryUsage().rss }));
