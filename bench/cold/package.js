// Cold start, subject: import the package and validate the first delivery (a fresh process).
import { performance } from "node:perf_hooks";

const started = performance.now();
const { parseWebhookPayload } = await import("../../dist/index.js");
parseWebhookPayload(process.argv[2]);
console.log(JSON.stringify({ ms: performance.now() - started, rss: process.memoryUsage().rss }));
