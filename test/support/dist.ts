// dist/ for the files that run what users run (the bins, the packed package). A fresh clone has it
// from `npm ci` (its `prepare` builds it); after an edit under src/ the first file to ask rebuilds
// it, once: the build cache skips an up-to-date dist/, and a lock keeps two test workers from
// building into the same folder at once.
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAll } from "../../scripts/build.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const LOCK = join(root, "node_modules", ".cache", "socotra-webhooks-contract", "dist.lock");
// Under the hooks' 120 s bound, so that a stuck lock fails with this message rather than a bare timeout.
const LOCK_WAIT_MS = 110_000;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Takes the build lock; a lock left by a dead process is taken over. */
async function lock(): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const file = await open(LOCK, "wx");
      await file.writeFile(String(process.pid));
      await file.close();
      return () => rm(LOCK, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        await mkdir(join(LOCK, ".."), { recursive: true });
        continue;
      }
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(await readFile(LOCK, "utf8").catch(() => ""));
    if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) await rm(LOCK, { force: true });
    else if (Date.now() > deadline) throw new Error(`dist/ build lock ${LOCK} held by pid ${holder} for over ${LOCK_WAIT_MS / 1000} s`);
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Builds dist/ from src/ and generated/ unless it is up to date. Call it in beforeAll (hook bound: 120 s). */
export async function ensureDist(): Promise<void> {
  const release = await lock();
  try {
    await buildAll({ runtimeOnly: true });
  } finally {
    await release();
  }
}
