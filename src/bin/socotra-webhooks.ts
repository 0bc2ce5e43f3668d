#!/usr/bin/env node
// socotra-webhooks: manage webhooks and replay diverted events. The first Ctrl-C (or SIGTERM)
// lets a bulk action finish and record the requests in flight; a second one stops at once.
import { run } from "../cli/run.js";
import { isTool } from "../cli/tools.js";
import { EXIT, processOutput } from "../cli/output.js";
import { runTool } from "./tools.js";

const [first, ...rest] = process.argv.slice(2);
if (isTool(first)) {
  await runTool(first, rest);
} else if (first === "help" && rest.length === 1 && isTool(rest[0])) {
  // The tool's own flags, not the one-line stub the command tree lists it with.
  await runTool(rest[0], ["--help"]);
} else {
  await runCommands();
}

async function runCommands(): Promise<void> {
  const interrupt = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(EXIT.interrupted);
    process.stderr.write(`\n${signal}: finishing the requests in flight (again to stop at once)\n`);
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const { stdout, stderr, status } = processOutput();
  process.exitCode = status(await run(process.argv.slice(2), { signal: interrupt.signal, stdout, stderr }));
}
