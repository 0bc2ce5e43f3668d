// Progress of a bulk action on stderr: a bar with count, rate and ETA on a terminal, a plain line
// every 100 otherwise (logs and CI keep every line, and no escape codes).
import { monotonicNow } from "../clock.js";
import type { OutputStream } from "./context.js";

export interface Progress {
  tick(failed: boolean): void;
  stop(): void;
}

const PLAIN_EVERY = 100;

export async function createProgress(stream: OutputStream, label: string, total: number, now: () => number = monotonicNow): Promise<Progress> {
  const started = now();
  let done = 0;
  let failed = 0;
  const rate = () => {
    const seconds = (now() - started) / 1000;
    return seconds > 0 ? (done / seconds).toFixed(1) : "0.0";
  };
  if (stream.isTTY === true) {
    const { default: cliProgress } = await import("cli-progress");
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: `${label} [{bar}] {value}/{total} | {rate}/s | {failed} failed | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: "0.0", failed: 0 });
    // The bar hides the cursor: an exit before stop() (a second Ctrl-C, a crash) must not leave the terminal without one.
    const showCursor = () => void stream.write("\u001b[?25h");
    process.once("exit", showCursor);
    return {
      tick(isFailure) {
        done += 1;
        if (isFailure) failed += 1;
        bar.update(done, { rate: rate(), failed });
      },
      stop: () => {
        process.off("exit", showCursor);
        bar.stop();
      },
    };
  }
  return {
    tick(isFailure) {
      done += 1;
      if (isFailure) failed += 1;
      if (done % PLAIN_EVERY === 0 && done < total) stream.write(`${label}: ${done}/${total} done, ${failed} failed, ${rate()}/s\n`);
    },
    stop() {},
  };
}
