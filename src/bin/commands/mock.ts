#!/usr/bin/env node
// socotra-webhooks mock: the package's Prism mock from the command line.
import { parseCommandLine, stopWithParent } from "../cli.js";
import { complain, fail, say } from "../../cli/output.js";
import { MockServerError, startMockServer } from "../../testing.js";
import { parsePort, PORT_FLAG_RULE } from "../../rules/limits.js";

const usage = `Usage: socotra-webhooks mock [--port N] [--host H] [--dynamic] [--seed S] [--no-errors]

Serves a Prism mock of the Socotra Connected Core Webhooks API contract until Ctrl-C.
  --port N      port to listen on (default 4010; 0 picks a free one)
  --host H      interface to listen on (default 127.0.0.1)
  --dynamic     generate responses from the schemas instead of the examples
  --seed S      seed for --dynamic, so responses repeat
  --no-errors   do not turn responses that break their schema into 500s`;

const values = parseCommandLine(usage, {
  port: { type: "string", default: process.env.PORT ?? "4010" },
  host: { type: "string", default: "127.0.0.1" },
  dynamic: { type: "boolean", default: false },
  seed: { type: "string" },
  "no-errors": { type: "boolean", default: false },
});
const port = parsePort(values.port) ?? fail(usage, `--port ${PORT_FLAG_RULE}`);

try {
  // Prism takes seconds of CPU to start, over 30 s (the library's default) on a busy two-core machine.
  const mock = await startMockServer({ port, host: values.host, dynamic: values.dynamic, seed: values.seed, errors: !values["no-errors"], startTimeoutMs: 90_000 });
  say(`Mock of the Webhooks API: ${mock.url}`);
  say(`Try: curl -H "Authorization: any-token" ${mock.url}/webhooks`);
  say("Ctrl-C stops it.");
  stopWithParent(mock.stop);
} catch (error) {
  complain(error instanceof MockServerError ? error.message : String((error as Error)?.stack ?? error));
  process.exit(1);
}
