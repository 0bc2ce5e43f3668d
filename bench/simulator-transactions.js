// Deleting diverted events one by one by transaction id, the way an operator drains a webhook
// after an outage: N events restored, then N DELETE /webhooks/{name}/diverted/{transactionId}.
// Each delete should cost the same whatever the webhook still holds (an index by transaction),
// so 4x the events should take about 4x the time, not 16x. `node bench/simulator-transactions.js [N]`.
import { performance } from "node:perf_hooks";
import { createSimulator } from "../dist/simulator/index.js";

const webhook = { name: "w", enabled: true, events: ["policy.issue"], failureHandling: { actOnStatusCodes: ["500"], actOnTimeout: false, mode: "divert" }, integrationName: "svc", retryStrategy: "none", suspended: false };

async function drain(count) {
  const simulator = createSimulator({ limits: { maxDivertedEvents: count } });
  const diverted = Array.from({ length: count }, (_, i) => ({ eventId: `e${i}`, eventType: "policy.issue", timestamp: "1589740898000", data: { policyLocator: String(i) }, transactionId: `t${i}`, username: "u" }));
  simulator.restore({ version: 1, integrations: [{ name: "svc", url: "http://127.0.0.1:9/", headers: {} }], webhooks: [{ webhook, diverted, queued: [] }] });
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const response = await simulator.handle(new Request(`http://sim.test/webhooks/w/diverted/t${i}`, { method: "DELETE", headers: { authorization: "t" } }));
    if (response.status !== 200) throw new Error(`delete ${i}: ${response.status}`);
  }
  return performance.now() - started;
}

const count = Number(process.argv[2] ?? 32_000);
const small = await drain(count / 4);
const large = await drain(count);
console.log(JSON.stringify({ events: count, ms: Math.round(large), quarterMs: Math.round(small), ratio: Number((large / small).toFixed(2)), cpuUserMs: Math.round(process.cpuUsage().user / 1000) }));
