// Before `npm test`: the docs test drives a real Chromium. Where there is none and this is a
// Debian machine run as root (as here and in CI), install Debian's; elsewhere say how, and let
// the browser test fail loudly with the same advice.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.log(`pretest: no Chromium at ${chromium}; installing Debian's chromium for the docs browser test…`);
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } else {
    console.warn(`pretest: no Chromium at ${chromium}. Install one (Debian: sudo apt-get install -y chromium) or set CHROMIUM_PATH; the docs browser test fails without it.`);
  }
}
