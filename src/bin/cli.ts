// Argument handling shared by the bins: --help prints the usage; a bad flag or value ends with
// the usage and exit status 2.
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The parent as the bin started: one that dies while the bin is still starting is noticed too. */
const firstParent = process.ppid;

export function fail(usage: string, message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

export function parseCommandLine<const T extends Options>(usage: string, options: T): ReturnType<typeof parseArgs<{ options: T }>>["values"] {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    return fail(usage, (error as Error).message);
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
    void stop().finally(() => process.exit(0));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, once);
  setInterval(() => process.ppid !== parent && once(), 250);
}
