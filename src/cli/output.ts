// The one output of the command line, for the command tree and the tools (mock, sim, send,
// verify) alike: human text (control characters escaped, the token blanked out), machine output
// (--json, --jsonl: the platform's data as sent), the exit statuses and their help text, and a
// reader that leaves early (`| head -1`), which ends the output but never a run.
import { CliError } from "../errors.js";
import { terminalSafe } from "./text.js";

/** A stream the CLI writes to: process.stdout, or anything with `write` in tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  once?(event: "drain", listener: () => void): unknown;
  /** True once the reader has left (a closed pipe): output ends there, the run goes on. */
  readonly closed?: boolean;
}

/** The exit statuses of every command and tool. */
export const EXIT = Object.freeze({ done: 0, failed: 1, usage: 2, interrupted: 130 });

/**
 * The help's "Exit status:" line: what 0 and 1 mean for this command (a bulk run is not "all done"
 * when an outcome is unknown); a tool that Ctrl-C simply stops has no 130.
 */
export function exitStatusHelp({ done = "done", failed = "something failed (listed)", interruptible = true } = {}): string {
  const statuses = [`${EXIT.done} ${done}`, `${EXIT.failed} ${failed}`, `${EXIT.usage} bad usage or input`, ...(interruptible ? [`${EXIT.interrupted} interrupted`] : [])];
  return `Exit status: ${statuses.join(", ")}.\n`;
}

/** Tokens shorter than this are not blanked out: a toy token would blank ordinary words. */
const MIN_REDACTED = 8;

/** `text` with every occurrence of exactly `secret` shown as `[token]`. */
const blankSecret = (text: string, secret: string) => text.split(secret).join("[token]");

/** Where a command writes: its streams, the tokens it blanks out, and Ctrl-C (which ends a wait for a full pipe). */
export class Output {
  /** Every token this run knows (see keepSecret). */
  private readonly secrets: string[] = [];

  constructor(
    private readonly streams: { readonly stdout?: OutputStream; readonly stderr?: OutputStream },
    readonly signal: AbortSignal,
  ) {}

  get stdout(): OutputStream {
    return this.streams.stdout ?? process.stdout;
  }
  get stderr(): OutputStream {
    return this.streams.stderr ?? process.stderr;
  }

  /** A token the human output must never show from now on. */
  keepSecret(token: string): void {
    // A toy token of a few characters, as a local mock accepts, would blank out ordinary words: left alone.
    if (token.length >= MIN_REDACTED && !this.secrets.includes(token)) this.secrets.push(token);
  }

  /**
   * The token never leaves through the CLI's human output, whatever a message carries: its exact
   * value, and its JSON-escaped form (`"` and `\` in a token). Only the exact value: a run of its
   * first characters may be part of another token in the platform's data, which is not ours to blank.
   * Messages that could quote a mistyped token (an unknown command or option) never quote it whole.
   */
  redact(text: string): string {
    for (const secret of this.secrets) {
      const escaped = JSON.stringify(secret).slice(1, -1);
      text = blankSecret(text, secret);
      if (escaped !== secret) text = blankSecret(text, escaped);
    }
    return text;
  }

  /**
   * Writes to stdout, waiting when a pipe is full so that a long listing stays in bounded memory.
   * Control characters from anywhere (names, ids, file keys) are escaped; in JSON output the escape
   * is the same JSON value.
   */
  out(text: string): Promise<void> {
    return this.write(terminalSafe(this.redact(text)));
  }

  /**
   * Machine output (--json, --jsonl): the value as JSON, never altered (no redaction: it is the
   * platform's data as sent, which may hold other tokens). Control characters are escaped as the
   * same JSON values.
   */
  json(value: unknown, indent?: number): Promise<void> {
    return this.write(terminalSafe(`${JSON.stringify(value, null, indent)}\n`));
  }

  err(text: string): void {
    this.stderr.write(terminalSafe(this.redact(text)));
  }

  private async write(text: string): Promise<void> {
    const stream = this.stdout;
    if (stream.write(text) === false && stream.once) {
      // A reader that stopped reading (a paused pager) must not outlast Ctrl-C.
      const signal = this.signal;
      await new Promise<void>((done) => {
        const finish = () => {
          signal.removeEventListener("abort", finish);
          done();
        };
        signal.addEventListener("abort", finish, { once: true });
        stream.once!("drain", finish);
        if (signal.aborted) finish();
      });
      if (signal.aborted) throw new CliError("interrupted", EXIT.interrupted);
    }
  }
}

/** A tool's line on stdout (a server's banner, a delivery's answer), control characters escaped. */
export const say = (text: string): void => void process.stdout.write(`${terminalSafe(text)}\n`);

/** A tool's line on stderr (why it failed), control characters escaped. */
export const complain = (text: string): void => void process.stderr.write(`${terminalSafe(text)}\n`);

/** Ends a tool with its usage and exit status 2; control characters in `message` are shown escaped. */
export function fail(usage: string, message: string): never {
  complain(`${message}\n\n${usage}`);
  process.exit(EXIT.usage);
}

/**
 * A tool's `... | head -1`: a reader that leaves early is not an error. A write to its closed pipe
 * (EPIPE, on stdout or stderr) ends the process quietly with the status it had, not with a stack;
 * any other write error ends it with status 1.
 */
export function exitQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? EXIT.done);
      // Any other failed write (a full disk: `> /dev/full`) is a failure said in one line, not a stack.
      if (stream === process.stdout) process.stderr.write(`cannot write the output: ${error.code ?? "write error"}\n`);
      process.exit(EXIT.failed);
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

/**
 * The process's own stdout and stderr for the command tree: a reader that leaves early
 * (`socotra-webhooks diverted resend x --all 2>&1 | head -1`) ends the output, never the run (the
 * requests in flight are recorded, the ledger's lock released, and the exit status is the run's).
 * `status` turns the run's status into the process's: any other failed write (a full disk) makes a
 * successful run exit 1, said on stderr if it can still be.
 */
export function processOutput(): { stdout: GuardedOutput; stderr: GuardedOutput; status(runStatus: number): number } {
  let writeFailed = false;
  const onFailure = (code: string) => {
    if (code !== "EPIPE") writeFailed = true;
  };
  const stdout = guardOutput(process.stdout, onFailure);
  const stderr = guardOutput(process.stderr, onFailure);
  return {
    stdout,
    stderr,
    status(runStatus) {
      if (writeFailed && !stderr.closed) stderr.write("cannot write the output: a write failed\n");
      return writeFailed && runStatus === EXIT.done ? EXIT.failed : runStatus;
    },
  };
}
