// Figure 5, the mock: requests per second that Prism answers in the contract tests' mode
// (--errors), against a bare Node server answering the same JSON; and the wall time of `npm test`.
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startMockServer } from "../dist/testing.js";
import { median, row } from "./lib.js";

const REQUESTS = 2000;
const ROUNDS = 5;
const root = fileURLToPath(new URL("..", import.meta.url));

async function requestsPerSecond(url) {
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i += 1) {
    const response = await fetch(`${url}/webhooks/policy-events`, { headers: { Authorization: "bench" } });
    await response.arrayBuffer();
  }
  return REQUESTS / ((performance.now() - started) / 1000);
}

const mock = await startMockServer({ errors: true });
const body = await (await fetch(`${mock.url}/webhooks/policy-events`, { headers: { Authorization: "bench" } })).text();
const bare = createServer((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end(body));
await new Promise((resolve) => bare.listen(0, "127.0.0.1", resolve));
const bareUrl = `http://127.0.0.1:${bare.address().port}`;

await requestsPerSecond(mock.url);
await requestsPerSecond(bareUrl);
const [prism, node] = [[], []];
for (let i = 0; i < ROUNDS; i += 1) {
  prism.push(await requestsPerSecond(mock.url));
  node.push(await requestsPerSecond(bareUrl));
}
await mock.stop();
bare.close();

const testRuns = [];
if (!process.argv.includes("--no-test")) {
  const started = performance.now();
  execFileSync("npm", ["test", "--silent"], { cwd: root, stdio: "ignore" });
  testRuns.push((performance.now() - started) / 1000);
}

console.log(
  JSON.stringify([
    row({
      figure: "5. Mock",
      subject: "Prism --errors, sequential GET",
      baseline: "bare node:http, same JSON",
      unit: "req/s",
      subjectSamples: prism,
      baselineSamples: node,
      note: `${Math.round(median(prism))} requests per second`,
    }),
    // An absolute target (the guide's), not a ratio: a miss is listed under "Targets missed".
    ...(testRuns.length
      ? [{ figure: "5. Mock", subject: "npm test, wall time", unit: "s", subjectMedian: testRuns[0], note: "target: under 60 s", met: testRuns[0] < 60, limit: "60 s", ifMissed: "Per-file durations: `npx vitest run --project fast --reporter=verbose`; move what is inherently slow to a *.e2e.test.ts file." }]
      : []),
  ]),
);
