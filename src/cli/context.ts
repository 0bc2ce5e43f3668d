// What every command shares: the streams it writes to, the connection it opens, and the errors
// that end it with exit status 1 (something failed) or 2 (bad usage or input).
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { createWebhooksClient, type WebhooksClient } from "../client.js";
import { WebhooksContractError } from "../errors.js";

export const DEFAULT_BASE_URL = "https://api.sandbox.socotra.com";
const MAX_TOKEN_BYTES = 64 * 1024;

/** A stream the CLI writes to: process.stdout, or anything with `write` in tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  once?(event: "drain", listener: () => void): unknown;
}

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
}

/** Ends the command with `exitCode`: 1 when something failed, 2 for bad usage or input. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 130,
  ) {
    super(message);
  }
}
export const usageError = (message: string) => new CliError(message, 2);

/** Terminal control characters in names and ids the platform or a file holds are shown escaped, never interpreted. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export interface ConnectionOptions {
  baseUrl?: string;
  tokenFile?: string;
  timeout?: number;
  json?: boolean;
}

export class Context {
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  readonly signal: AbortSignal;
  private secret: string | undefined;

  constructor(private readonly io: CliIO) {
    this.env = io.env ?? process.env;
    this.cwd = io.cwd ?? process.cwd();
    this.signal = io.signal ?? new AbortController().signal;
  }

  get stdout(): OutputStream {
    return this.io.stdout ?? process.stdout;
  }
  get stderr(): OutputStream {
    return this.io.stderr ?? process.stderr;
  }
  get stdin(): InputStream {
    return this.io.stdin ?? process.stdin;
  }

  /**
   * The token never leaves through the CLI's own output, whatever a message carries. (A toy token
   * of a few characters, as a local mock accepts, would blank out ordinary words: left alone.)
   */
  redact(text: string): string {
    if (this.secret === undefined || this.secret.length < 8) return text;
    // Also as JSON escapes it (`"` and `\` in a token), for --json output of a value that echoes it.
    const escaped = JSON.stringify(this.secret).slice(1, -1);
    const blanked = text.replaceAll(this.secret, "[token]");
    return escaped === this.secret ? blanked : blanked.replaceAll(escaped, "[token]");
  }

  /**
   * Writes to stdout, waiting when a pipe is full so that a long listing stays in bounded memory.
   * Control characters from anywhere (names, ids, file keys) are escaped; in JSON output the escape
   * is the same JSON value.
   */
  async out(text: string): Promise<void> {
    const stream = this.stdout;
    if (stream.write(printable(this.redact(text))) === false && stream.once) await new Promise<void>((done) => stream.once!("drain", done));
  }

  err(text: string): void {
    this.stderr.write(printable(this.redact(text)));
  }

  /**
   * Asks on a terminal; elsewhere (a script, CI) there is nobody to ask, so `--yes` is required.
   * Only "y" or "yes" confirms.
   */
  async confirm(question: string, yes: boolean | undefined): Promise<void> {
    if (yes === true) return;
    const stdin = this.stdin;
    if (stdin.isTTY !== true) throw usageError(`${question.replace(/\?$/, "")}: not asked, as no terminal is attached; pass --yes to confirm`);
    this.err(`${printable(question)} [y/N] `);
    const answer = await firstLine(stdin, this.signal);
    if (this.signal.aborted) throw new CliError("interrupted; nothing was changed", 130);
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw new CliError("not confirmed; nothing was changed", 1);
  }

  path(file: string): string {
    return resolve(this.cwd, file);
  }

  async token(tokenFile: string | undefined): Promise<string> {
    let token: string;
    if (tokenFile !== undefined) {
      token = await readTokenFile(this.path(tokenFile), tokenFile);
    } else {
      token = (this.env.SOCOTRA_TOKEN ?? "").trim();
      if (token === "") throw usageError("no token: set SOCOTRA_TOKEN, or pass --token-file PATH (a file holding the token from the Account API)");
    }
    // Checked here, as fetch's own error would quote the value (and the client would take it for a network error).
    if (/[^\u0020-\u007e]/.test(token)) {
      throw usageError(`the token ${tokenFile === undefined ? "in SOCOTRA_TOKEN" : `in ${tokenFile}`} holds control characters, several lines or non-ASCII characters; an HTTP header cannot carry it`);
    }
    this.secret = token;
    return token;
  }

  async client(options: ConnectionOptions): Promise<{ client: WebhooksClient; baseUrl: string }> {
    const baseUrl = (options.baseUrl ?? this.env.SOCOTRA_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    let url: URL | undefined;
    try {
      url = new URL(baseUrl);
    } catch {
      url = undefined;
    }
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
      throw usageError(`--base-url / SOCOTRA_BASE_URL must be an http(s) URL without credentials, query or fragment, such as ${DEFAULT_BASE_URL}`);
    }
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

/** The first line typed, or "" at the end of input or on Ctrl-C. */
async function firstLine(input: InputStream, signal: AbortSignal): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  const stop = () => lines.close();
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const line of lines) return line.slice(0, 100);
    return "";
  } finally {
    signal.removeEventListener("abort", stop);
    lines.close();
  }
}

/**
 * Reads at most `maxBytes` (undefined when the file is larger), from the current position so that
 * pipes work too (`--token-file /dev/stdin`, `apply /dev/stdin`): a wrong file such as /dev/zero
 * must not fill memory.
 */
export async function readFileBounded(path: string, maxBytes: number): Promise<Buffer | undefined> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.subarray(0, length);
      length += bytesRead;
      if (length > maxBytes) return undefined;
    }
  } finally {
    await handle.close();
  }
}

async function readTokenFile(path: string, shown: string): Promise<string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readFileBounded(path, MAX_TOKEN_BYTES);
  } catch (error) {
    throw usageError(`cannot read the token file ${shown}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  if (bytes === undefined) throw usageError(`the token file ${shown} is larger than ${MAX_TOKEN_BYTES} bytes: is it the right file?`);
  const token = bytes.toString("utf8").trim();
  if (token === "") throw usageError(`the token file ${shown} is empty`);
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

/** Any error a call may end with, as one line for the operator. */
export function describeError(error: unknown): string {
  if (error instanceof CliError || error instanceof WebhooksContractError) return error.message;
  if (error instanceof Error && error.name === "AbortError") return "interrupted";
  return `unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`;
}
