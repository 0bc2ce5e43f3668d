// What every command shares: its output (output.ts), the connection it opens, and the errors that
// end it with exit status 1 (something failed) or 2 (bad usage or input).
import { close, constants, fstat, open, read, type Stats } from "node:fs";
import { Socket } from "node:net";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { resolve } from "node:path";
import { createWebhooksClient, type WebhooksClient } from "../client.js";
import { CliError, FileReadError, WebhooksContractError } from "../errors.js";
import { describeDeviations, type ContractDeviation } from "../client/deviations.js";
import { printable } from "./text.js";
import { EXIT, Output, type OutputStream } from "./output.js";
import { checkHttpUrl } from "../rules/url.js";
import { isTokenValue } from "../rules/headers.js";

export const DEFAULT_BASE_URL = "https://api.sandbox.socotra.com";
const MAX_TOKEN_BYTES = 64 * 1024;

/** A stream the CLI reads a confirmation from. */
export type InputStream = NodeJS.ReadableStream & { isTTY?: boolean };

/** Where `run` reads and writes: the process's own by default, fakes in tests. */
export interface CliIO {
  env?: Record<string, string | undefined>;
  stdout?: OutputStream;
  stderr?: OutputStream;
  stdin?: InputStream;
  /** The fetch the client uses (an in-process simulator in tests). */
  fetch?: (request: Request) => Promise<Response>;
  /** Relative paths (definition files, the ledger, the token file) resolve against this. */
  cwd?: string;
  /** Aborted on Ctrl-C: a bulk action finishes the requests in flight, records them and stops. */
  signal?: AbortSignal;
  /** How long reading a pipe (a FIFO, `/dev/stdin`) may wait for the end of its data; 30 s by default. */
  readTimeoutMs?: number;
}

export { CliError, FileReadError };
export type { OutputStream };
export const usageError = (message: string) => new CliError(message, EXIT.usage);

export { cell, hasUnprintable, printable, terminalSafe } from "./text.js";

export interface ConnectionOptions {
  baseUrl?: string;
  tokenFile?: string;
  timeout?: number;
  json?: boolean;
}

/** Everything a command uses: its output (output.ts), environment, working directory, Ctrl-C, token and client. */
export class Context extends Output {
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;

  constructor(private readonly io: CliIO) {
    super(io, io.signal ?? new AbortController().signal);
    this.env = io.env ?? process.env;
    this.cwd = io.cwd ?? process.cwd();
    // SOCOTRA_TOKEN is blanked out from the start: an error may quote it before it is read.
    this.keepSecret((this.env.SOCOTRA_TOKEN ?? "").trim());
  }

  get stdin(): InputStream {
    return this.io.stdin ?? process.stdin;
  }

  /**
   * Tells the operator, on stderr (machine output stays as the platform sent it), what an answer
   * carried that the contract does not list yet: read and acted on, never refused.
   */
  noteDeviations(what: string, deviations: readonly ContractDeviation[]): void {
    if (deviations.length === 0) return;
    const { count, text } = describeDeviations(deviations);
    this.err(`note: ${what}: ${count} value(s) carry ${printable(text)}; read as sent (the platform may be newer than this contract)\n`);
  }

  /**
   * Asks on a terminal; elsewhere (a script, CI) there is nobody to ask, so `--yes` is required.
   * Only "y" or "yes" confirms.
   */
  async confirm(question: string, yes: boolean | undefined): Promise<void> {
    if (yes === true) return;
    const stdin = this.stdin;
    if (stdin.isTTY !== true) throw usageError(`${question.replace(/\?$/, "")}: not asked, as no terminal is attached; pass --yes to confirm`);
    this.err(`${question} [y/N] `);
    const answer = await firstLine(stdin, this.signal, CONFIRM_WAIT_MS);
    if (this.signal.aborted) throw new CliError("interrupted; nothing was changed", 130);
    if (answer === undefined) throw new CliError(`no answer within ${CONFIRM_WAIT_MS / 60_000} minutes; nothing was changed`, 1);
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw new CliError("not confirmed; nothing was changed", 1);
  }

  path(file: string): string {
    return resolve(this.cwd, file);
  }

  /** How reading a file given on the command line is bounded: Ctrl-C, and a time limit for pipes. */
  get readLimits(): ReadLimits {
    return { signal: this.signal, timeoutMs: this.io.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS };
  }

  async token(tokenFile: string | undefined): Promise<string> {
    let token: string;
    if (tokenFile !== undefined) {
      token = await readTokenFile(this.path(tokenFile), tokenFile, this.readLimits);
    } else {
      token = (this.env.SOCOTRA_TOKEN ?? "").trim();
      if (token === "") throw usageError("no token: set SOCOTRA_TOKEN, or pass --token-file PATH (a file holding the token from the Account API)");
      if (token.length > MAX_TOKEN_BYTES) throw usageError(`the token in SOCOTRA_TOKEN is longer than ${MAX_TOKEN_BYTES} characters (rule: a token is at most ${MAX_TOKEN_BYTES} characters): is it the right value?`);
    }
    // Checked here, as fetch's own error would quote the value (and the client would take it for a network error).
    if (!isTokenValue(token)) {
      throw usageError(`the token ${tokenFile === undefined ? "in SOCOTRA_TOKEN" : `in --token-file ${printable(tokenFile)}`} holds control characters, several lines or non-ASCII characters; an HTTP header cannot carry it`);
    }
    this.keepSecret(token);
    return token;
  }

  async client(options: ConnectionOptions): Promise<{ client: WebhooksClient; baseUrl: string }> {
    const { url } = checkHttpUrl((options.baseUrl ?? this.env.SOCOTRA_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, ""), { bare: true });
    if (url === undefined) {
      throw usageError(`--base-url / SOCOTRA_BASE_URL must be an http(s) URL without credentials, query or fragment, such as ${DEFAULT_BASE_URL}`);
    }
    // One spelling per platform (the ledger is keyed by it): lower-case scheme and host, no default port, no trailing slash.
    const baseUrl = url.href.replace(/\/+$/, "");
    const token = await this.token(options.tokenFile);
    const client = createWebhooksClient({
      baseUrl,
      token,
      ...(options.timeout !== undefined && { timeoutMs: options.timeout * 1000 }),
      ...(this.io.fetch && { fetch: this.io.fetch }),
    });
    return { client, baseUrl };
  }
}

/** A question on a terminal waits this long for its answer. */
const CONFIRM_WAIT_MS = 5 * 60_000;

/** The first line typed, "" at the end of input or on Ctrl-C, or undefined after `waitMs`. */
async function firstLine(input: InputStream, signal: AbortSignal, waitMs: number): Promise<string | undefined> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let timedOut = false;
  const stop = () => lines.close();
  const timer = setTimeout(() => {
    timedOut = true;
    lines.close();
  }, waitMs);
  signal.addEventListener("abort", stop, { once: true });
  if (signal.aborted) stop();
  try {
    for await (const line of lines) return line.slice(0, 100);
    return timedOut ? undefined : "";
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", stop);
    lines.close();
  }
}

const openFile = promisify(open);
const statFile = promisify(fstat);
const readInto = promisify(read);
const closeFile = promisify(close);

export interface ReadLimits {
  /** Aborting ends the read (Ctrl-C). */
  signal?: AbortSignal;
  /** How long a pipe may take to deliver all its data and close. */
  timeoutMs?: number;
}

/** A pipe (a FIFO, `/dev/stdin` fed by a pipe) waits this long for the end of its data by default. */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

/**
 * Reads a regular file or a pipe of at most `maxBytes` (undefined when it holds more), from the
 * current position so that pipes work too (`--token-file /dev/stdin`, `apply /dev/stdin`). Nothing
 * waits without bound: the file is opened without blocking (opening a FIFO with no writer would
 * otherwise block a thread of libuv's pool for good, and with it the process's exit), a pipe is read
 * through the event loop until `timeoutMs` or `signal`, and a directory or a device (/dev/zero, a
 * terminal) is refused before any read.
 * @throws FileReadError naming the rule; an ErrnoException (ENOENT, EACCES...) when it cannot be opened.
 */
export async function readFileBounded(path: string, maxBytes: number, { signal, timeoutMs = DEFAULT_READ_TIMEOUT_MS }: ReadLimits = {}): Promise<Buffer | undefined> {
  if (signal?.aborted) throw new CliError("interrupted", 130);
  // O_NONBLOCK: an open that would wait for a FIFO's writer returns at once (regular files ignore it).
  const fd = await openFile(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  let handedOver = false;
  try {
    const stats: Stats = await statFile(fd);
    if (stats.isDirectory()) throw new FileReadError("is a directory, not a file");
    if (stats.isFIFO()) {
      handedOver = true;
      return await readPipe(fd, maxBytes, signal, timeoutMs);
    }
    if (!stats.isFile()) throw new FileReadError("is a device or special file (such as /dev/zero or a terminal), not a regular file or a pipe");
    if (stats.size > maxBytes) return undefined;
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await readInto(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.subarray(0, length);
      length += bytesRead;
      if (length > maxBytes) return undefined;
      if (signal?.aborted) throw new CliError("interrupted", 130);
    }
  } finally {
    if (!handedOver) await closeFile(fd);
  }
}

/** A pipe, read through the event loop (never a blocked thread): at most `maxBytes`, within `timeoutMs`. */
function readPipe(fd: number, maxBytes: number, signal: AbortSignal | undefined, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    // The socket owns the descriptor from here: destroying it closes the descriptor.
    const pipe = new Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = [];
    let length = 0;
    let finished = false;
    const finish = (outcome: Buffer | undefined | Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", interrupted);
      pipe.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const interrupted = () => finish(new CliError("interrupted", 130));
    const timer = setTimeout(
      () => finish(new FileReadError(`is a pipe that did not deliver its data and close within ${timeoutMs / 1000} s (does anything write to it?)`)),
      timeoutMs,
    );
    signal?.addEventListener("abort", interrupted, { once: true });
    // An abort during the open or the stat came before the listener, which will never hear it.
    if (signal?.aborted) return interrupted();
    pipe.on("data", (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxBytes) return finish(undefined);
      chunks.push(chunk);
    });
    pipe.on("end", () => finish(Buffer.concat(chunks, length)));
    pipe.on("error", (error) => finish(error));
  });
}

async function readTokenFile(path: string, shown: string, limits: ReadLimits): Promise<string> {
  const where = `--token-file ${printable(shown)}`;
  let bytes: Buffer | undefined;
  try {
    bytes = await readFileBounded(path, MAX_TOKEN_BYTES, limits);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof FileReadError) throw usageError(`${where} ${error.message}; it must name a file or pipe holding the token`);
    throw usageError(`${where} cannot be read: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  if (bytes === undefined) throw usageError(`${where} holds more than ${MAX_TOKEN_BYTES} bytes (rule: a token file holds at most ${MAX_TOKEN_BYTES} bytes): is it the right file?`);
  const token = bytes.toString("utf8").trim();
  if (token === "") throw usageError(`${where} is empty (rule: it must hold the token)`);
  return token;
}

/** Says what went wrong with a call, by status, never quoting a body (which may carry data or secrets). */
export function describeStatus(status: number, what: string): string {
  switch (status) {
    case 401:
      return `${what}: the platform refused the token (401 Unauthorized). Get a new token from the Account API and set SOCOTRA_TOKEN or --token-file`;
    case 403:
      return `${what}: the token may not do this (403 Forbidden)`;
    default:
      return `${what}: the platform answered ${status}`;
  }
}

/** Any error a call may end with, as one line for the operator (a message that quotes the platform's data cannot add lines). */
export function describeError(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof WebhooksContractError) return printable(error.message);
  if (error instanceof Error && error.name === "AbortError") return "interrupted";
  return `unexpected error: ${error instanceof Error ? printable(`${error.name}: ${error.message}`) : typeof error}`;
}
