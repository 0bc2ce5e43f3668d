// Argument handling shared by the bins: --help prints the usage; a bad flag or value ends with
// the usage and exit status 2.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { terminalSafe } from "../cli/text.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The parent as the bin started: one that dies while the bin is still starting is noticed too. */
const firstParent = process.ppid;

/** Ends with the usage and exit status 2; control characters in `message` are shown escaped. */
export function fail(usage: string, message: string): never {
  console.error(`${terminalSafe(message)}\n\n${usage}`);
  process.exit(2);
}

/**
 * `bin ... | head -1`: a reader that leaves early is not an error. A write to its closed pipe
 * (EPIPE, on stdout or stderr) ends the process quietly with the status it had, not with a stack;
 * any other write error ends it with status 1.
 */
export function exitQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      // Any other failed write (a full disk: `> /dev/full`) is a failure said in one line, not a stack.
      if (stream === process.stdout) process.stderr.write(`cannot write the output: ${error.code ?? "write error"}\n`);
      process.exit(1);
    });
  }
}

/** An output that a closed pipe ends quietly: writes after that are dropped, never thrown or waited on. */
export interface GuardedOutput {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
  once(event: "drain", listener: () => void): unknown;
  /** True once a write failed (the reader left: EPIPE; or the disk is full). */
  readonly closed: boolean;
}

/**
 * `process.stdout` or `process.stderr` for a command whose bookkeeping must outlive its output
 * (`socotra-webhooks diverted resend ... 2>&1 | head -1`): a failed write (EPIPE, or any other)
 * marks the output closed and calls `onFailure` once with the code; later writes are dropped, and a
 * wait for "drain" ends when the output closes. A terminal is handed back as it is (the progress
 * bar drives it), with the same error handling.
 */
export function guardOutput(stream: NodeJS.WriteStream, onFailure: (code: string) => void): GuardedOutput {
  let closed = false;
  const drainWaiters = new Set<() => void>();
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    onFailure(error.code ?? "write error");
    for (const waiter of drainWaiters) waiter();
    drainWaiters.clear();
  });
  if (stream.isTTY === true) return Object.defineProperty(stream, "closed", { get: () => closed, configurable: true }) as unknown as GuardedOutput;
  return {
    write: (text) => (closed ? true : stream.write(text)),
    isTTY: false,
    get columns() {
      return stream.columns;
    },
    once(_event, listener) {
      if (closed) return listener();
      const once = () => {
        drainWaiters.delete(once);
        stream.off("drain", once);
        listener();
      };
      drainWaiters.add(once);
      stream.once("drain", once);
    },
    get closed() {
      return closed;
    },
  };
}

/** An argument parseArgs quotes in its errors (`Unexpected argument 'x'`), which may be a secret typed in the wrong place: never shown. */
const withoutArguments = (message: string) => message.replace(/'[^']*'/g, (quoted) => (/^'--?[\w-]+(?: <value>)?'$/.test(quoted) ? quoted : "'…'"));

export function parseCommandLine<const T extends Options>(usage: string, options: T): ReturnType<typeof parseArgs<{ options: T }>>["values"] {
  exitQuietlyOnBrokenPipe();
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(usage);
    process.exit(0);
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
    void stop().finally(() => process.exit(0));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, once);
  setInterval(() => process.ppid !== parent && once(), 250);
}
