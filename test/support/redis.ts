// A real redis-server for a test file: Debian's redis-server on a free port, nothing persisted,
// started by a shell that kills and reaps it when stop() closes the shell's stdin or the test
// process dies (its end of the pipe closes): never left running, nor defunct for want of a parent.
import { createClient } from "redis";
import { freePort, orphanGuard, pause, requireBinary } from "./guard.js";

const SHELL = `redis-server "$@" & r=$!
echo $r
read _
kill -9 $r 2>/dev/null
wait $r`;

export interface RedisServer {
  url: string;
  port: number;
  /** The redis-server process. */
  pid: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  requireBinary("redis-server", "redis-server");
  const port = await freePort();
  const shell = orphanGuard(SHELL, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], "pipe");
  let exited = false;
  const gone = new Promise<void>((resolve) => shell.once("exit", () => resolve(void (exited = true))));
  const pid = await new Promise<number>((resolve) => {
    shell.stdout!.once("data", (line) => resolve(Number(String(line).trim())));
    void gone.then(() => resolve(0));
  });
  (shell.stdout as unknown as { unref(): void }).unref();
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    shell.stdin!.end();
    await gone;
  };
  // Ready when it answers PING: usually within 50 ms; 10 s is for a machine under load.
  for (const started = Date.now(); Date.now() - started < 10_000; await pause(50)) {
    if (exited) break;
    const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.ping();
      await client.quit();
      return { url, port, pid, stop };
    } catch {
      // Not listening yet; the client closed itself (reconnectStrategy: false).
    }
  }
  await stop();
  throw new Error(`redis-server did not answer on port ${port} within 10 s`);
}
