// A real PostgreSQL for a test file: initdb into a temporary folder, a free port, run as the
// `postgres` user when the tests run as root (PostgreSQL refuses root); stopped and removed in
// stop() or, if the test process dies first, by its watchdog.
import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, requireBinary, watchdog } from "./guard.js";

export interface PostgresServer {
  /** A connection string for the `postgres` database as the `postgres` superuser. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const run = promisify(execFile);

export async function startPostgres(): Promise<PostgresServer> {
  requireBinary("initdb", "postgresql");
  requireBinary("pg_ctl", "postgresql");
  const asRoot = userInfo().uid === 0;
  const as = (command: string, args: string[]) => (asRoot ? run("runuser", ["-u", "postgres", "--", command, ...args]) : run(command, args));
  const dir = mkdtempSync(join(tmpdir(), "socotra-pg-"));
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]).catch(() => {
      throw new Error("running as root, PostgreSQL needs a `postgres` user to run as (apt-get install -y postgresql creates it)");
    });
    const uid = Number(stdout.trim());
    chownSync(dir, uid, uid);
  }
  const data = join(dir, "data");
  const port = await freePort();
  const ctl = (...args: string[]) => as("pg_ctl", ["-D", data, ...args]);
  const standDown = watchdog(`${asRoot ? "runuser -u postgres -- " : ""}pg_ctl -D ${data} -m immediate stop >/dev/null 2>&1; rm -rf ${dir}`);
  const stop = async () => {
    standDown();
    await ctl("-m", "fast", "-w", "stop").catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await as("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
    await ctl("-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`, "-l", join(dir, "log"), "-w", "-t", "30", "start");
  } catch (error) {
    await stop();
    throw new Error(`PostgreSQL did not start on port ${port}: ${(error as { stderr?: string }).stderr ?? error}`);
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, stop };
}
