// What the real servers the tests start have in common: a free port, a binary that must be there
// (a test that cannot start its server fails, naming the package to install), and a watchdog that
// cleans up after the test process if it dies without running its afterAll.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

/** A port nothing listens on now (the server started next binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Throws unless `binary` is on PATH, saying which Debian package has it. */
export function requireBinary(binary: string, debianPackage: string): void {
  if (spawnSync("sh", ["-c", `command -v ${binary}`]).status !== 0) {
    throw new Error(`${binary} is not installed: these tests start a real server (apt-get install -y ${debianPackage})`);
  }
}

/**
 * A detached shell that runs `script` and reads its stdin, a pipe only this process writes to: the
 * read ends (EOF) when this process is gone, whatever ended it (SIGKILL too). Not `kill -0 <pid>`:
 * a dead process stays a zombie, and "alive" to kill -0, where nobody reaps it (a container whose
 * PID 1 does not). Neither the shell nor its pipe keeps this process alive.
 */
export function orphanGuard(script: string, args: string[] = [], stdout: "pipe" | "ignore" = "ignore") {
  const child = spawn("sh", ["-c", script, "sh", ...args], { detached: true, stdio: ["pipe", stdout, "ignore"] });
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  child.stdin!.on("error", () => undefined);
  return child;
}

/**
 * Runs `cleanup` (a shell command) once this process is gone, whatever ended it (SIGKILL too).
 * Returns a function that stands the watchdog down, for when the test cleans up itself.
 */
export function watchdog(cleanup: string): () => void {
  const child = orphanGuard(`read _; ${cleanup}`);
  return () => {
    try {
      process.kill(child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
