// A load generator for the loopback figures: raw keep-alive sockets, one request in flight on each.
import { connect } from "node:net";
import { performance } from "node:perf_hooks";

/**
 * `concurrency` keep-alive connections to `port`, kept open between rounds; `run(ms)` keeps one
 * request in flight on each for `ms` and resolves with the number answered 200. `request` is the
 * request's bytes, or a function that makes the next one (a fresh event id per request).
 */
export async function openPool(port, request, concurrency) {
  const connections = await Promise.all(
    Array.from({ length: concurrency }, () =>
      new Promise((resolve, reject) => {
        const socket = connect(port, "127.0.0.1");
        const connection = { socket, buffered: "", answered: () => undefined, failed: reject };
        socket.setEncoding("latin1");
        socket.on("data", (chunk) => {
          connection.buffered += chunk;
          for (;;) {
            const { buffered } = connection;
            const end = buffered.indexOf("\r\n\r\n");
            if (end === -1) return;
            const length = Number(/content-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
            if (buffered.length < end + 4 + length) return;
            if (buffered.slice(9, 12) !== "200") return connection.failed(new Error(`answered ${buffered.slice(0, 12)}`));
            connection.buffered = buffered.slice(end + 4 + length);
            connection.answered();
          }
        });
        socket.on("error", (error) => connection.failed(error));
        socket.on("connect", () => resolve(connection));
      }),
    ),
  );
  const bytes = typeof request === "function" ? request : () => request;
  return {
    run: (ms) =>
      new Promise((resolve, reject) => {
        const deadline = performance.now() + ms;
        let ok = 0;
        let done = 0;
        for (const connection of connections) {
          connection.failed = reject;
          connection.answered = () => {
            ok += 1;
            if (performance.now() < deadline) connection.socket.write(bytes());
            else if ((done += 1) === connections.length) resolve(ok);
          };
          connection.socket.write(bytes());
        }
      }),
    close: () => connections.forEach((connection) => connection.socket.destroy()),
  };
}
