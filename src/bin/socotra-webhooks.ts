#!/usr/bin/env node
// socotra-webhooks: manage webhooks and replay diverted events. The first Ctrl-C (or SIGTERM)
// lets a bulk action finish and record the requests in flight; a second one stops at once.
import { run } from "../cli/run.js";
import { isTool } from "../cli/tools.js";
import { guardOutput } from "./cli.js";
import { runTool } from "./tools.js";

const [first, ...rest] = process.argv.slice(2);
if (isTool(first)) {
  await runTool(first, rest);
} else {
  await runCommands();
}

async function runCommands(): Promise<void> {
  const interrupt = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    process.stderr.write(`\n${signal}: finishing the requests in flight (again to stop at once)\n`);
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // `socotra-webhooks diverted resend x --all 2>&1 | head -1`: a reader that leaves early ends the
  // output, never the run: the requests in flight are recorded, the ledger's lock released, and the
  // exit status is the run's. Any other failed write (a full disk) makes a successful run exit 1.
  let writeFailed = false;
  const onFailure = (code: string) => {
    if (code !== "EPIPE") writeFailed = true;
  };
  const stdout = guardOutput(process.stdout, onFailure);
  const stderr = guardOutput(process.stderr, onFailure);
  const status = await run(process.argv.slice(2), { signal: interrupt.signal, stdout, stderr });
  if (writeFailed && !stderr.closed) stderr.write("cannot write the output: a write failed\n");
  process.exitCode = writeFailed && status === 0 ? 1 : status;
}
