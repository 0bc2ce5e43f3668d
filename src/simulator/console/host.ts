// The DNS-rebinding guard of the console: a page another site loads through a name it controls,
// re-pointed at 127.0.0.1, still sends that name in Host. The console answers only when Host
// names the simulator's own address (or localhost) and port.
import { isIP } from "node:net";

/** Where the simulator listens, as node:http reports it. */
export interface ListeningAddress {
  address: string;
  port: number;
}

const WILDCARD = new Set(["0.0.0.0", "::"]);
const LOOPBACK_NAMES = new Set(["localhost"]);

/** Splits a Host header into its host name (brackets removed, lower case) and port, or undefined when malformed. */
export function splitHost(header: string): { hostname: string; port: number | undefined } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^[\]:/@\s]+))(?::(\d{1,5}))?$/.exec(header);
  if (match === null) return undefined;
  const hostname = (match[1] ?? match[2]!).toLowerCase();
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && port > 65535) return undefined;
  return { hostname, port };
}

/**
 * Whether `host` (the request's Host header) names the simulator itself: the port it listens on,
 * and its address, `localhost`, or (listening on every interface) an IP address. A DNS name other
 * than localhost is refused: that is what a rebinding attack sends.
 */
export function isOwnHost(host: string | null, listening: ListeningAddress): boolean {
  if (host === null) return false;
  const parts = splitHost(host.trim());
  if (parts === undefined || (parts.port ?? 80) !== listening.port) return false;
  if (LOOPBACK_NAMES.has(parts.hostname)) return true;
  if (isIP(parts.hostname) === 0) return false;
  return WILDCARD.has(listening.address) || parts.hostname === listening.address.toLowerCase();
}
