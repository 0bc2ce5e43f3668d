#!/usr/bin/env node
// socotra-webhooks: manage webhooks and replay diverted events. The first Ctrl-C (or SIGTERM)
// lets a bulk action finish and record the requests in flight; a second one stops at once.
import { run } from "../cli/run.js";
import { exitQuietlyOnBrokenPipe } from "./cli.js";

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

// `socotra-webhooks diverted list x | head`: a reader that leaves early is not an error.
exitQuietlyOnBrokenPipe();

process.exitCode = await run(process.argv.slice(2), { signal: interrupt.signal });
