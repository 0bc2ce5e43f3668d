// The guard against requests another site makes a browser send to the simulator:
// - DNS rebinding: a page loaded through a name the attacker controls, re-pointed at 127.0.0.1,
//   still sends that name in Host (or in an absolute-form target);
// - cross-site request forgery: a form or a no-cors fetch from any page reaches the simulator's
//   routes, and without tokens nothing ambient stops it, but the browser sends that page's Origin.
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

/** Whether `origin` (a request's Origin header) is a page the simulator served itself: http, its own host and port. */
export function isOwnOrigin(origin: string, listening: ListeningAddress): boolean {
  const match = /^http:\/\/([^/?#]+)$/i.exec(origin.trim());
  return match !== null && isOwnHost(match[1]!, listening);
}

/** Whether the simulator listens on a loopback address only: then no request names it other than by its address or localhost. */
export const isLoopback = (address: string): boolean => address === "::1" || /^(?:::ffff:)?127\./i.test(address);

/** What a request carries that says where a browser meant to send it. */
export interface RequestOrigin {
  /** The request target as received: origin-form (`/path`) or absolute-form (`http://host/path`). */
  target: string;
  host: string | null;
  origin: string | null;
}

export type ForeignRequest = { status: 403 | 421; message: string };

/**
 * Why `request` must not be answered, or undefined when it may. Host (and an absolute-form target's
 * authority) must name the simulator when `checkHost`; an Origin, when sent, must be the simulator's.
 */
export function foreignRequest(request: RequestOrigin, listening: ListeningAddress, checkHost: boolean): ForeignRequest | undefined {
  if (checkHost) {
    const absolute = /^https?:\/\/([^/?#]*)/i.exec(request.target);
    if (!isOwnHost(request.host, listening) || (absolute !== null && !isOwnHost(absolute[1]!, listening))) {
      return { status: 421, message: "Misdirected request: the simulator answers this only on its own host and port" };
    }
  }
  if (request.origin !== null && !isOwnOrigin(request.origin, listening)) {
    return { status: 403, message: "Forbidden: the simulator does not answer requests a page of another origin sends (Origin header)" };
  }
  return undefined;
}
