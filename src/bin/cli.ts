// Argument handling shared by the tools (mock, sim, send, verify): --help prints the usage; a bad
// flag or value ends with the usage and exit status 2. Their output: src/cli/output.ts.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { EXIT, exitQuietlyOnBrokenPipe, fail, say } from "../cli/output.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The parent as the bin started: one that dies while the bin is still starting is noticed too. */
const firstParent = process.ppid;

/** An argument parseArgs quotes in its errors (`Unexpected argument 'x'`), which may be a secret typed in the wrong place: never shown. */
const withoutArguments = (message: string) => message.replace(/'[^']*'/g, (quoted) => (/^'--?[\w-]+(?: <value>)?'$/.test(quoted) ? quoted : "'…'"));

export function parseCommandLine<const T extends Options>(usage: string, options: T): ReturnType<typeof parseArgs<{ options: T }>>["values"] {
  exitQuietlyOnBrokenPipe();
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    say(usage);
    process.exit(EXIT.done);
  }
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    return fail(usage, withoutArguments((error as Error).message));
  }
}

/**
 * Runs `stop` on SIGINT, SIGTERM or SIGHUP, and when this process is handed to another parent
 * (its parent died, even by SIGKILL): a long-running bin never outlives whoever started it.
 */
export function stopWithParent(stop: () => Promise<void>): void {
  const parent = firstParent;
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(EXIT.done));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, once);
  setInterval(() => process.ppid !== parent && once(), 250);
}
