// The resend ledger: resend is not idempotent, so every transaction id is recorded before its
// request goes out ("sending") and again with the outcome. Records are appended as JSON lines and
// fsynced before the request is sent, so a crash leaves at worst a torn last line (ignored: its
// request was never sent) or a "sending" record without outcome (never resent again unless --force).
import { open, type FileHandle } from "node:fs/promises";
import { constants, createReadStream } from "node:fs";
import { dirname } from "node:path";
import { CliError, printable, usageError } from "./context.js";
import { lockLedger, type LedgerLock } from "./lock.js";

export const DEFAULT_LEDGER = ".socotra-webhooks-ledger.jsonl";

/** sending: the request may be out; resent: 2xx; failed: the platform answered an error (safe to retry); unknown: no answer came. */
export type LedgerState = "sending" | "resent" | "failed" | "unknown";
const STATES = new Set<string>(["sending", "resent", "failed", "unknown"]);

export interface LedgerRecord {
  at: string;
  baseUrl: string;
  webhook: string;
  transactionId: string;
  state: LedgerState;
  status?: number;
}

const keyOf = (baseUrl: string, webhook: string, transactionId: string) => JSON.stringify([baseUrl, webhook, transactionId]);

export class Ledger {
  private queue: { line: string; done: () => void; fail: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly states: Map<string, LedgerState>,
    readonly tornLine: boolean,
    private readonly lock: LedgerLock,
  ) {}

  /** Opens (or creates) the ledger, reads what earlier runs recorded, and locks it against a second run. */
  static async open(path: string, shown: string): Promise<Ledger> {
    const lock = await lockLedger(path, shown);
    try {
      const { states, torn, endsWithNewline, created } = await read(path, shown);
      if (torn) await cutTornLine(path);
      // O_NONBLOCK: a FIFO swapped in meanwhile fails (ENXIO) rather than blocking the open for good.
      const handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NONBLOCK);
      if (!endsWithNewline && !torn) {
        await handle.write("\n");
        await handle.datasync();
      }
      if (created) await syncDirectory(dirname(path));
      return new Ledger(path, handle, states, torn, lock);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** What earlier runs recorded, without locking or writing (for --dry-run). */
  static async peek(path: string, shown: string): Promise<Pick<Ledger, "state">> {
    const { states } = await read(path, shown);
    return { state: (baseUrl, webhook, transactionId) => states.get(keyOf(baseUrl, webhook, transactionId)) };
  }

  state(baseUrl: string, webhook: string, transactionId: string): LedgerState | undefined {
    return this.states.get(keyOf(baseUrl, webhook, transactionId));
  }

  /** Resolves once the record is on disk. Concurrent records share one write and one fsync. */
  record(record: Omit<LedgerRecord, "at">): Promise<void> {
    this.states.set(keyOf(record.baseUrl, record.webhook, record.transactionId), record.state);
    const line = `${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`;
    return new Promise((done, fail) => {
      this.queue.push({ line, done, fail });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        // appendFile writes the whole batch (write() may stop short); a crash can tear only its last line.
        await this.handle.appendFile(batch.map((entry) => entry.line).join(""));
        await this.handle.datasync();
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.fail(error);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flushing;
    try {
      await this.handle.close();
    } finally {
      await this.lock.release();
    }
  }
}

/** Opening never waits: a FIFO (or a device) named as the ledger or its lock is refused, not waited on. */
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Opens `path` for reading if it is a regular file; a FIFO, device or directory is an input error naming the option. */
async function openRegular(path: string, what: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | NONBLOCK);
  const stats = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (!stats.isFile()) {
    await handle.close();
    throw usageError(`${what} is not a regular file (rule: the ledger is a file the CLI appends to; not a directory, a pipe or a device)`);
  }
  return handle;
}

async function read(path: string, shown: string) {
  const states = new Map<string, LedgerState>();
  let text: Buffer;
  try {
    // Only the last byte decides whether the final line is complete.
    const handle = await openRegular(path, `--ledger ${printable(shown)}`);
    const { size } = await handle.stat();
    text = Buffer.alloc(size === 0 ? 0 : 1);
    if (size > 0) await handle.read(text, 0, 1, size - 1);
    await handle.close();
  } catch (error) {
    if (error instanceof CliError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { states, torn: false, endsWithNewline: true, created: true };
    throw usageError(`cannot read the ledger ${printable(shown)}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  const endsWithNewline = text.length === 0 || text[0] === 0x0a;
  let previous: string | undefined;
  let number = 0;
  const apply = (line: string, lineNumber: number) => {
    if (line.trim() === "") return;
    const record = parseRecord(line);
    if (record === undefined) throw usageError(`the ledger ${printable(shown)} line ${lineNumber} is not a ledger record; move the file aside or repair that line`);
    states.set(keyOf(record.baseUrl, record.webhook, record.transactionId), record.state);
  };
  // Each line is applied once the next one is seen, so the last is known when it is applied.
  for await (const line of boundedLines(path, shown)) {
    if (previous !== undefined) apply(previous, number);
    previous = line;
    number += 1;
  }
  let torn = false;
  if (previous !== undefined) {
    // A crash mid-write leaves the start of a record (that record's request was never sent); any
    // other unfinished line is not ours (--ledger naming the wrong file): refused, never cut.
    if (!endsWithNewline && parseRecord(previous) === undefined && isRecordStart(previous)) torn = true;
    else apply(previous, number);
  }
  return { states, torn, endsWithNewline, created: false };
}

/** Every record this CLI writes starts so (`at` first); a torn one is a prefix of it, or starts with it. */
const RECORD_START = '{"at":"';
const isRecordStart = (line: string) => line.startsWith(RECORD_START) || (line !== "" && RECORD_START.startsWith(line));

/** Longer than any record (two names of 1,024 characters, a base URL): a line past it is not a record, refused unread. */
const MAX_LINE_BYTES = 1024 * 1024;

/** The file's lines, each held in memory only up to MAX_LINE_BYTES (a wrong file may have no newline at all). */
async function* boundedLines(path: string, shown: string): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  let length = 0;
  let number = 1;
  const tooLong = () => usageError(`the ledger ${printable(shown)} line ${number} is longer than ${MAX_LINE_BYTES.toLocaleString("en-US")} bytes, so it is not a ledger record; is --ledger the right file?`);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      if (length + newline - start > MAX_LINE_BYTES) throw tooLong();
      parts.push(chunk.subarray(start, newline));
      yield Buffer.concat(parts).toString("utf8").replace(/\r$/, "");
      parts = [];
      length = 0;
      number += 1;
      start = newline + 1;
    }
    length += chunk.length - start;
    if (length > MAX_LINE_BYTES) throw tooLong();
    parts.push(chunk.subarray(start));
  }
  if (length > 0) yield Buffer.concat(parts).toString("utf8");
}

/** Drops the torn last line, so that it never sits between two records (where it would mean damage). */
async function cutTornLine(path: string): Promise<void> {
  const handle = await open(path, "r+");
  try {
    const { size } = await handle.stat();
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - 64 * 1024);
      const chunk = Buffer.alloc(end - start);
      await handle.read(chunk, 0, chunk.length, start);
      const newline = chunk.lastIndexOf(0x0a);
      if (newline !== -1) return await truncateAndSync(handle, start + newline + 1);
      end = start;
    }
    await truncateAndSync(handle, 0);
  } finally {
    await handle.close();
  }
}

async function truncateAndSync(handle: FileHandle, length: number): Promise<void> {
  await handle.truncate(length);
  await handle.datasync();
}

function parseRecord(line: string): LedgerRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  const record = value as Record<string, unknown>;
  const strings = ["baseUrl", "webhook", "transactionId", "state"].every((field) => Object.hasOwn(record, field) && typeof record[field] === "string");
  return strings && STATES.has(record.state as string) ? (record as unknown as LedgerRecord) : undefined;
}

async function syncDirectory(directory: string): Promise<void> {
  // The new file's directory entry must survive a crash too; not every platform can fsync a directory.
  const handle = await open(directory, "r").catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

