// Figure 6, the simulator: management requests per second at concurrency 16 against a bare
// node:http server answering the same JSON; and events per second delivered by the simulator to
// a receiver answering 200 (in a process of its own), against the package's own sender
// (sendSampleEvents) to the same receiver at the same concurrency. Higher is better for both.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { sendSampleEvents } from "../dist/index.js";
import { createSimulator, startSimulator } from "../dist/simulator/index.js";
import { row } from "./lib.js";

const CONCURRENCY = 16;
const REQUESTS = 4_000;
const EVENTS = 10_000;
const ROUNDS = 5;
const token = "bench-token";

const higherIsBetter = (fields) => row({ figure: "6. Simulator", higherIsBetter: true, ...fields });

async function perSecond(count, concurrency, task) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

// --- management requests ---------------------------------------------------------------------
const running = await startSimulator({ integrations: { "document-service": "http://127.0.0.1:9/events" } });
const headers = { authorization: token, "content-type": "application/json" };
const webhook = {
  name: "policy-events",
  displayName: "Policy events to the document service",
  integrationName: "document-service",
  events: ["policy.issue", "policy.endorse", "invoice.issue"],
  retryStrategy: "three",
  failureHandling: { actOnStatusCodes: ["500", "502", "503"], actOnTimeout: true, mode: "divert" },
};
await fetch(`${running.url}/webhooks`, { method: "PUT", headers, body: JSON.stringify(webhook) });
const answer = await (await fetch(`${running.url}/webhooks/policy-events`, { headers })).text();
const bare = createServer((request, response) => {
  request.resume();
  response.writeHead(200, { "content-type": "application/json" }).end(answer);
});
await new Promise((resolve) => bare.listen(0, "127.0.0.1", resolve));
const bareUrl = `http://127.0.0.1:${bare.address().port}`;
const get = (url) => async () => {
  const response = await fetch(`${url}/webhooks/policy-events`, { headers });
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  await response.arrayBuffer();
};

await perSecond(REQUESTS, CONCURRENCY, get(running.url));
await perSecond(REQUESTS, CONCURRENCY, get(bareUrl));
const [simulatorRequests, bareRequests] = [[], []];
for (let i = 0; i < ROUNDS; i += 1) {
  simulatorRequests.push(await perSecond(REQUESTS, CONCURRENCY, get(running.url)));
  bareRequests.push(await perSecond(REQUESTS, CONCURRENCY, get(bareUrl)));
}
await running.stop();
bare.close();

// --- deliveries ------------------------------------------------------------------------------
const receiverProcess = spawn(process.execPath, [new URL("simulator-receiver.js", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve) => receiverProcess.stdout.once("data", (chunk) => resolve(Number(chunk.toString()))));
const receiverUrl = `http://127.0.0.1:${port}/events`;
const simulator = createSimulator({ integrations: { receiver: receiverUrl } });
await simulator.handle(new Request("http://simulator.test/webhooks", { method: "PUT", headers, body: JSON.stringify({ ...webhook, integrationName: "receiver" }) }));
const data = { policyLocator: "100000001", productName: "personal-auto" };

async function viaSimulator() {
  return perSecond(EVENTS, CONCURRENCY, async () => {
    const { outcomes } = await simulator.emit("policy.issue", { data });
    if (outcomes[0].outcome !== "delivered") throw new Error(`outcome ${outcomes[0].outcome}`);
  });
}
async function viaSender() {
  const started = performance.now();
  const report = await sendSampleEvents({ url: receiverUrl, count: EVENTS, concurrency: CONCURRENCY });
  if (report.failures > 0) throw new Error(`${report.failures} failures`);
  return EVENTS / ((performance.now() - started) / 1000);
}

await viaSimulator();
await viaSender();
const [simulatorEvents, senderEvents] = [[], []];
for (let i = 0; i < 3; i += 1) {
  simulatorEvents.push(await viaSimulator());
  simulator.reset(); // the journal would otherwise grow to its bound
  await simulator.handle(new Request("http://simulator.test/webhooks", { method: "PUT", headers, body: JSON.stringify({ ...webhook, integrationName: "receiver" }) }));
  senderEvents.push(await viaSender());
}
receiverProcess.kill();

console.log(
  JSON.stringify([
    higherIsBetter({
      subject: `simulator, GET /webhooks/{name}, concurrency ${CONCURRENCY}`,
      baseline: "bare node:http, same JSON",
      unit: "req/s",
      subjectSamples: simulatorRequests,
      baselineSamples: bareRequests,
      target: 0.5,
      ifMissed: "Each request is routed from the operations table, checked for its token and its answer validated against the contract.",
    }),
    higherIsBetter({
      subject: `simulator, ${EVENTS.toLocaleString("en")} events delivered, ${CONCURRENCY} in flight`,
      baseline: "sendSampleEvents, same receiver",
      unit: "events/s",
      subjectSamples: simulatorEvents,
      baselineSamples: senderEvents,
      target: 0.8,
      ifMissed: "Beyond the sender's POST, each delivery is validated, journaled, and given its own timeout.",
    }),
  ]),
);
