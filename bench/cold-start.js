// Figure 2, cold start: a fresh process that imports the package and validates the first delivery,
// against one that compiles the same schemas with ajv at run time. Also the memory (RSS) of each.
import { execFileSync } from "node:child_process";
import { WEBHOOK_EXAMPLES } from "../dist/index.js";
import { median, row } from "./lib.js";

const payload = JSON.stringify(WEBHOOK_EXAMPLES.eventDelivery[0]);
const run = (script) => JSON.parse(execFileSync(process.execPath, [new URL(script, import.meta.url).pathname, payload], { encoding: "utf8" }));
const ROUNDS = 11;
const [subject, baseline] = [[], []];
run("cold/package.js");
run("cold/runtime-ajv.js");
for (let i = 0; i < ROUNDS; i += 1) {
  subject.push(run("cold/package.js"));
  baseline.push(run("cold/runtime-ajv.js"));
}
const mib = (samples) => (median(samples.map((s) => s.rss)) / 1024 / 1024).toFixed(1);
console.log(
  JSON.stringify([
    row({
      figure: "2. Cold start",
      subject: "import the package + first validation",
      baseline: "ajv compiles the spec at run time + first validation",
      unit: "ms",
      subjectSamples: subject.map((s) => s.ms),
      baselineSamples: baseline.map((s) => s.ms),
      target: 0.2,
      note: `RSS after the first validation: ${mib(subject)} MiB vs ${mib(baseline)} MiB`,
    }),
  ]),
);
