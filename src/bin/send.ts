#!/usr/bin/env node
// socotra-webhooks-send: deprecated alias of `socotra-webhooks send`, kept for one release.
import { runAlias } from "./tools.js";

await runAlias("send");
