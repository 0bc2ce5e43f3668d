// Figure 3, client overhead: 10,000 GET and PUT requests through createWebhooksClient against the
// same requests through bare fetch, to one local server answering canned JSON. Also the size a
// browser app ships for the client, minified and gzipped, against openapi-fetch alone.
import { spawn } from "node:child_process";
import { gzipSync } from "node:zlib";
import { performance } from "node:perf_hooks";
import { build } from "esbuild";
import createClient from "openapi-fetch";
import { createWebhooksClient } from "../dist/index.js";
import { median, row } from "./lib.js";

const server = spawn(process.execPath, [new URL("client-server.js", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve) => server.stdout.once("data", (chunk) => resolve(Number(chunk.toString()))));
const baseUrl = `http://127.0.0.1:${port}`;
const token = "bench-token";
const body = { name: "policy-events", events: ["policy.issue"] };
const REQUESTS = 10_000;
const ROUNDS = 5;

const client = createWebhooksClient({ baseUrl, token });
const viaClient = async (i) => {
  const { data } = i % 2 ? await client.PUT("/webhooks", { body }) : await client.GET("/webhooks/{name}", { params: { path: { name: "policy-events" } } });
  if (!data) throw new Error("no data");
};
const plain = createClient({ baseUrl, headers: { Authorization: token } });
const viaOpenapiFetch = async (i) => {
  const { data } = i % 2 ? await plain.PUT("/webhooks", { body }) : await plain.GET("/webhooks/{name}", { params: { path: { name: "policy-events" } } });
  if (!data) throw new Error("no data");
};
const viaFetch = async (i) => {
  const response = i % 2
    ? await fetch(`${baseUrl}/webhooks`, { method: "PUT", headers: { Authorization: token, "Content-Type": "application/json" }, body: JSON.stringify(body) })
    : await fetch(`${baseUrl}/webhooks/${encodeURIComponent("policy-events")}`, { headers: { Authorization: token } });
  if (!response.ok || !(await response.json())) throw new Error("no data");
};

async function round(fn) {
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i += 1) await fn(i);
  return ((performance.now() - started) * 1e6) / REQUESTS;
}

await round(viaClient);
await round(viaOpenapiFetch);
await round(viaFetch);
const [subject, openapiFetch, baseline] = [[], [], []];
for (let i = 0; i < ROUNDS; i += 1) {
  subject.push(await round(viaClient));
  openapiFetch.push(await round(viaOpenapiFetch));
  baseline.push(await round(viaFetch));
}
server.kill();

async function gzippedBundle(contents) {
  const { outputFiles } = await build({ stdin: { contents, resolveDir: new URL("..", import.meta.url).pathname }, bundle: true, minify: true, format: "esm", platform: "browser", write: false });
  return gzipSync(outputFiles[0].contents).byteLength;
}
const [ours, theirs] = await Promise.all([
  gzippedBundle('export { createWebhooksClient } from "./dist/index.js";'),
  gzippedBundle('export { default } from "openapi-fetch";'),
]);

console.log(
  JSON.stringify([
    row({
      figure: "3. Client",
      subject: `createWebhooksClient, ${REQUESTS} GET+PUT`,
      baseline: "bare fetch, same requests",
      unit: "ns/request",
      subjectSamples: subject,
      baselineSamples: baseline,
      target: 1.05,
      note: `${Math.round(median(subject) / 1000)} µs per request`,
      ifMissed: `openapi-fetch alone takes ${(median(openapiFetch) / median(baseline)).toFixed(2)}x of bare fetch (next row): it builds a Request that fetch then copies, and goes through Headers and URL objects. This package's layer adds ${(median(subject) / median(openapiFetch)).toFixed(2)}x on top (the row after), mostly the per-attempt timeout: an AbortController, a timer and a signal that undici must follow on every request. Rounds on this shared 2-core machine spread by 15 to 20%. What would close it: a fetch fast path in openapi-fetch (url and init to fetch, no Request copy), and a timeout from the HTTP agent (undici's headersTimeout and bodyTimeout) instead of an AbortSignal, which would tie the client to Node.`,
    }),
    row({ figure: "3. Client", subject: `openapi-fetch alone, ${REQUESTS} GET+PUT`, baseline: "bare fetch, same requests", unit: "ns/request", subjectSamples: openapiFetch, baselineSamples: baseline }),
    row({ figure: "3. Client", subject: "createWebhooksClient (auth, timeout, retries)", baseline: "openapi-fetch alone", unit: "ns/request", subjectSamples: subject, baselineSamples: openapiFetch }),
    row({ figure: "3. Client", subject: "browser bundle of createWebhooksClient (min+gzip)", baseline: "openapi-fetch alone (min+gzip)", unit: "bytes", subjectSamples: [ours], baselineSamples: [theirs] }),
  ]),
);
