// Figure 6, sender throughput: sendSampleEvents against a minimal loop of fetch(url, init) POSTs
// of the same payloads (built the same way) at the same concurrency, to one local server. Time per
// delivery; the target is at least 0.9x the loop's throughput, so at most 1/0.9 of its time.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { sampleDelivery, sendSampleEvents } from "../dist/index.js";
import { median, row } from "./lib.js";

const server = spawn(process.execPath, [new URL("client-server.js", import.meta.url).pathname], { stdio: ["pipe", "pipe", "inherit"] });
const port = await new Promise((resolve) => server.stdout.once("data", (chunk) => resolve(Number(chunk.toString()))));
const url = `http://127.0.0.1:${port}/socotra/events`;
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 5_000);
const CONCURRENCY = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);

const viaSender = () => sendSampleEvents({ url, types: ["policy.issue"], count: DELIVERIES, concurrency: CONCURRENCY, keepDeliveries: 0 });
async function viaFetchLoop() {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < DELIVERIES) {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(sampleDelivery("policy.issue", next++)) });
        await response.arrayBuffer();
      }
    }),
  );
}

async function round(fn) {
  const started = performance.now();
  await fn();
  return ((performance.now() - started) * 1e6) / DELIVERIES;
}

await round(viaSender);
await round(viaFetchLoop);
const [subject, baseline] = [[], []];
// Side by side, the order alternating from round to round, so that drift in the shared machine's
// speed falls on both alike; the ratio is the median of the rounds' ratios.
for (let i = 0; i < ROUNDS; i += 1) {
  if (i % 2 === 0) {
    subject.push(await round(viaSender));
    baseline.push(await round(viaFetchLoop));
  } else {
    baseline.push(await round(viaFetchLoop));
    subject.push(await round(viaSender));
  }
}
server.kill();
console.log(
  JSON.stringify([
    row({
      figure: "6. Sender",
      subject: `sendSampleEvents, ${DELIVERIES} deliveries, concurrency ${CONCURRENCY}`,
      baseline: "fetch(url, init) loop, same payloads and concurrency",
      unit: "ns/delivery",
      subjectSamples: subject,
      baselineSamples: baseline,
      target: 1.11,
      paired: true,
      note: `${Math.round(1e9 / median(subject))} deliveries/s against ${Math.round(1e9 / median(baseline))}/s (target ≥ 0.9x the loop's rate); ratio: median of ${ROUNDS} paired rounds, ratio of medians ${(median(subject) / median(baseline)).toFixed(3)}x`,
      ifMissed: "Per delivery the sender adds a share of a timeout controller (one per slice of deliveries starting together), a latency histogram entry and a bounded read of the answer; the loop has none of them.",
    }),
  ]),
);
