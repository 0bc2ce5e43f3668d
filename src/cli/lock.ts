// One run at a time per ledger, taken atomically, a stale lock included. The lock is a hard link
// `LEDGER.lock` to a file only its holder creates (`LEDGER.lock.PID.RANDOM`, naming the holder):
// link(2) creates the lock with its content, or fails if any lock exists. A lock whose process is
// dead is taken over by renaming the dead holder's own file aside first: rename(2) of one file
// succeeds once, so exactly one taker may remove that lock; everyone else tries link(2) again and
// finds either no lock or a live one. Never read-check-delete-recreate, which lets two runs in.
// Whether a pid is alive says something only where it was written: a lock naming another host (a
// ledger on a shared disk) or another pid namespace (another container) is never taken over.
import { randomBytes } from "node:crypto";
import { closeSync, constants, openSync, readSync, readlinkSync, rmSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { link, open, rm, stat, unlink, writeFile, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CliError, printable, usageError } from "./context.js";

/** A held lock: release() removes it. */
export interface LedgerLock {
  release(): Promise<void>;
}

interface Held {
  pid: number;
  /** The holder's own file (absent in a lock written by an older version: a bare pid). */
  holder: string | undefined;
  ino: number;
  /** Where its pid means something (absent in a lock written by an older version: taken as here). */
  host: string | undefined;
  pidNamespace: string | undefined;
  /** The lock's content as read. */
  text: string;
}

const NONBLOCK = constants.O_NONBLOCK ?? 0;
/** A symbolic link where the lock goes is refused, never followed (to another file, or to nothing). */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** This process's pid namespace (Linux), so that a container sharing the disk and the host name is told apart. */
const PID_NAMESPACE = (() => {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return null;
  }
})();
const HERE = { host: hostname(), ...(PID_NAMESPACE !== null && { pidNamespace: PID_NAMESPACE }) };
/** How many times a taker goes round (another taker may win each round): bounded. */
const ROUNDS = 50;
const HOLDER_NAME = /^[^/\\]+\.lock\.\d+\.[0-9a-f]+$/;

const unique = () => `${process.pid}.${randomBytes(6).toString("hex")}`;
const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** The lock as it is now, or undefined when there is none; a FIFO or a directory in its place is refused, never waited on. */
async function readHeld(lockPath: string, shown: string): Promise<Held | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(lockPath, constants.O_RDONLY | NONBLOCK | NOFOLLOW);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined;
    if (codeOf(error) === "ELOOP") throw usageError(`the ledger lock ${printable(shown)}.lock is a symbolic link (rule: the lock is a file the CLI creates, never followed); remove it`);
    throw usageError(`cannot read the ledger lock ${printable(shown)}.lock: ${codeOf(error) ?? "unreadable"}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw usageError(`the ledger lock ${printable(shown)}.lock is not a regular file (rule: the lock is a file the CLI creates); remove it`);
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString("utf8").trim();
    let pid = Number(text);
    let holder: string | undefined;
    let host: string | undefined;
    let pidNamespace: string | undefined;
    if (text.startsWith("{")) {
      try {
        const parsed = JSON.parse(text) as { pid?: unknown; holder?: unknown; host?: unknown; pidNamespace?: unknown };
        pid = Number(parsed.pid);
        holder = typeof parsed.holder === "string" && HOLDER_NAME.test(parsed.holder) ? parsed.holder : undefined;
        host = typeof parsed.host === "string" ? parsed.host : undefined;
        pidNamespace = typeof parsed.pidNamespace === "string" ? parsed.pidNamespace : undefined;
      } catch {
        pid = Number.NaN;
      }
    }
    return { pid, holder, ino: stats.ino, host, pidNamespace, text };
  } finally {
    await handle.close();
  }
}

/** A lock written elsewhere: its pid cannot be checked from here. */
const foreign = (held: Held) => (held.host !== undefined && held.host !== HERE.host) || (held.pidNamespace !== undefined && PID_NAMESPACE !== null && held.pidNamespace !== PID_NAMESPACE);

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === "EPERM";
  }
}

/**
 * Removes the lock of a dead run, if this taker wins the claim on it: link(2) of the lock to a name
 * made of its inode succeeds for one taker only. The winner removes the lock only if the claim is
 * still the lock that was read (same inode and content: a newer lock may have reused the inode).
 */
async function takeOver(lockPath: string, held: Held, shown: string): Promise<void> {
  const claim = `${lockPath}.stale.${held.ino}`;
  try {
    await link(lockPath, claim);
  } catch (error) {
    if (codeOf(error) === "EEXIST" || codeOf(error) === "ENOENT") return; // another taker is at it, or the lock is gone
    throw error;
  }
  try {
    const [claimed, now] = await Promise.all([readHeld(claim, shown), stat(lockPath).catch(() => undefined)]);
    if (claimed?.ino === held.ino && claimed.text === held.text && now?.ino === held.ino) {
      await unlink(lockPath).catch(() => undefined);
      if (held.holder !== undefined) await rm(join(dirname(lockPath), held.holder), { force: true });
    }
  } finally {
    await unlink(claim).catch(() => undefined);
  }
}

/** Locks this process holds: released by the process's end too (a second Ctrl-C's exit, an uncaught error), where no finally runs. */
const heldHere = new Map<string, string>();
let releasingAtExit = false;

function releaseAtExit(): void {
  for (const [lockPath, holderPath] of heldHere) {
    try {
      const fd = openSync(lockPath, constants.O_RDONLY | NONBLOCK | NOFOLLOW);
      const buffer = Buffer.alloc(1024);
      const text = buffer.subarray(0, readSync(fd, buffer)).toString("utf8");
      closeSync(fd);
      if (text.includes(`"holder":${JSON.stringify(basename(holderPath))}`)) unlinkSync(lockPath);
    } catch {
      // gone already, or never ours: nothing to release
    }
    rmSync(holderPath, { force: true });
  }
}

/** Takes the lock of the ledger at `path`, or refuses (exit 2) while a live run holds it. */
export async function lockLedger(path: string, shown: string): Promise<LedgerLock> {
  const lockPath = `${path}.lock`;
  const holderPath = `${lockPath}.${unique()}`;
  try {
    await writeFile(holderPath, JSON.stringify({ pid: process.pid, holder: basename(holderPath), ...HERE }), { flag: "wx", mode: 0o644 });
  } catch (error) {
    throw usageError(`cannot create the ledger lock ${printable(shown)}.lock: ${codeOf(error) ?? "unwritable"}`);
  }
  const release = async () => {
    heldHere.delete(lockPath);
    // The lock first: a crash in between leaves only the holder file, which locks nothing.
    const held = await readHeld(lockPath, shown).catch(() => undefined);
    if (held?.holder === basename(holderPath)) await unlink(lockPath).catch(() => undefined);
    await rm(holderPath, { force: true });
  };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      try {
        await link(holderPath, lockPath);
        heldHere.set(lockPath, holderPath);
        if (!releasingAtExit) process.once("exit", releaseAtExit);
        releasingAtExit = true;
        return { release };
      } catch (error) {
        if (codeOf(error) !== "EEXIST") throw usageError(`cannot create the ledger lock ${printable(shown)}.lock: ${codeOf(error) ?? "unwritable"}`);
      }
      const held = await readHeld(lockPath, shown);
      if (held === undefined) continue; // released meanwhile
      if (foreign(held)) {
        const where = held.host !== HERE.host ? printable(held.host!.slice(0, 100)) : `this host in another pid namespace (a container: ${printable(held.pidNamespace!.slice(0, 40))})`;
        throw usageError(
          `the ledger ${printable(shown)} is locked by process ${held.pid} on ${where}, which this run cannot check; run there, or remove ${printable(shown)}.lock once that run is over`,
        );
      }
      if (alive(held.pid)) {
        throw usageError(
          `another socotra-webhooks run (process ${held.pid}) is using the ledger ${printable(shown)}; wait for it, or remove ${printable(shown)}.lock if that process is not ours`,
        );
      }
      await takeOver(lockPath, held, shown);
    }
    throw usageError(`cannot lock the ledger ${printable(shown)}: other runs kept taking its lock`);
  } catch (error) {
    await rm(holderPath, { force: true });
    if (error instanceof CliError) throw error;
    throw usageError(`cannot lock the ledger ${printable(shown)}: ${codeOf(error) ?? "error"}`);
  }
}
