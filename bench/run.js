// `npm run bench`: every figure in a process of its own, one after another, then a table on the
// console and in BENCHMARKS.md with the machine it ran on. Each figure is a ratio against a
// baseline measured in the same run, so it holds on a noisy machine.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const figures = ["receive.js", "receive-server.js", "receive-redis.js", "cold-start.js", "client.js", "sender.js", "build.js", "mock.js", "simulator.js", "cli-resend.js"];
const extra = process.argv.slice(2);

execFileSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
const rows = [];
for (const figure of figures) {
  process.stdout.write(`bench: ${figure} …\n`);
  const output = execFileSync(process.execPath, [fileURLToPath(new URL(figure, import.meta.url)), ...extra], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 16 * 1024 * 1024 });
  rows.push(...JSON.parse(output.trim().split("\n").at(-1)));
}

const number = (value, unit) =>
  value === undefined ? "" : `${unit === "s" ? value.toFixed(1) : value >= 100 ? Math.round(value).toLocaleString("en") : value.toFixed(1)} ${unit}`;
const percent = (value) => (value === undefined ? "" : `±${Math.round((value * 100) / 2)}%`);
const verdict = (r) => (r.target === undefined ? "" : r.higherIsBetter ? (r.met ? `✓ ≥ ${r.target}x` : `✗ < ${r.target}x`) : r.met ? `✓ ≤ ${r.target}x` : `✗ > ${r.target}x`);
const lines = [
  "| figure | subject | median | spread | baseline | median | spread | ratio | target |",
  "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |",
  ...rows.map((r) =>
    [r.figure, `${r.subject}${r.note ? ` (${r.note})` : ""}`, number(r.subjectMedian, r.unit), percent(r.subjectSpread), r.baseline ?? "", number(r.baselineMedian, r.unit), percent(r.baselineSpread), r.ratio === undefined ? "" : `${r.ratio.toFixed(3)}x`, verdict(r)].join(" | ").replace(/^/, "| ").replace(/$/, " |"),
  ),
];
const missed = rows.filter((r) => r.met === false);
const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
const markdown = [
  "# Benchmarks",
  "",
  "Written by `npm run bench` (bench/run.js): each figure runs in a process of its own, with warm-up",
  "and several rounds, subject and baseline interleaved. Median per round; spread is half the",
  "interquartile range as a share of the median; ratio = subject median / baseline median, or, where",
  "a row says \"paired rounds\", the median of the rounds' own ratios (for requests per second, higher",
  "is better; everywhere else lower is better). Speed is measured here, never asserted in tests.",
  "",
  `Machine: ${machine}.`,
  "",
  ...lines,
  "",
  "## Targets missed",
  "",
  ...(missed.length === 0
    ? ["None."]
    : missed.map((r) =>
        r.ratio === undefined
          ? `- **${r.subject}**: ${number(r.subjectMedian, r.unit)} against a target of ${r.limit}. ${r.ifMissed ?? ""}`
          : `- **${r.subject}**: ${r.ratio.toFixed(2)}x against a target of ${r.target}x, missed by ${Math.round(Math.abs(r.ratio / r.target - 1) * 100)}%. ${r.ifMissed ?? ""}`,
      )),
  "",
];
// The drills' figures come from end-to-end tests, not from here: their section is kept as it is.
const previous = existsSync(`${root}BENCHMARKS.md`) ? readFileSync(`${root}BENCHMARKS.md`, "utf8") : "";
const drills = previous.indexOf("\n## Drills\n");
writeFileSync(`${root}BENCHMARKS.md`, markdown.join("\n") + (drills === -1 ? "" : previous.slice(drills + 1)));
console.log(`\n${machine}\n${lines.join("\n")}\n\nwritten to BENCHMARKS.md`);
