// Where outgoing webhooks may go. An endpoint URL must be https (plain http only for hosts the
// configuration allows), and every address its host resolves to must be public: private,
// loopback, link-local, cloud-metadata and other special ranges are refused unless the
// configuration allows that network (SSRF protection). Checked when an endpoint is saved and
// again before every request, redirects included; the request then connects to the very
// addresses that were checked, so a DNS answer that changes in between cannot slip through.
import dns from "node:dns/promises";
import net, { type LookupFunction } from "node:net";
import { config } from "@/lib/config";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Host name → its addresses. Injectable so tests can make any name resolve anywhere. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  // RFC 6761: "localhost" and every name below it are loopback, whatever DNS says (browsers do the
  // same). Lets a self-hoster reach a local S3 server virtual-hosted style (bucket.localhost); the
  // loopback address is then refused or allowed like any other.
  if (/(^|\.)localhost\.?$/i.test(hostname)) return [{ address: "127.0.0.1", family: 4 }];
  const found = await dns.lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export interface UrlPolicy {
  /** Host names (or `*.suffix` patterns) that may be reached over plain http. */
  httpHosts: readonly string[];
  /** IPs / CIDR ranges inside the refused ranges that are allowed anyway. */
  allowedNetworks: readonly string[];
}

export function configuredUrlPolicy(): UrlPolicy {
  const cfg = config();
  return { httpHosts: cfg.WEBHOOK_ALLOW_HTTP_HOSTS, allowedNetworks: cfg.WEBHOOK_ALLOW_PRIVATE_NETWORKS };
}

/** The URL breaks a rule; the message says which and what to do. */
export class UrlRefusedError extends Error {
  override name = "UrlRefusedError";
}

export const URL_MAX_LENGTH = 2048;

// [network, prefix, what it is] — the ranges no webhook may reach by default.
const REFUSED_V4: [string, number, string][] = [
  ["0.0.0.0", 8, "a 'this network' address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a carrier-grade NAT address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "an IETF protocol address"],
  ["192.0.2.0", 24, "a documentation address"],
  ["192.88.99.0", 24, "a 6to4 relay address"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["198.51.100.0", 24, "a documentation address"],
  ["203.0.113.0", 24, "a documentation address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];
const REFUSED_V6: [string, number, string][] = [
  ["::", 128, "the unspecified address"],
  ["::1", 128, "a loopback address"],
  ["100::", 64, "a discard address"],
  ["2001:db8::", 32, "a documentation address"],
  ["2002::", 16, "a 6to4 address"],
  // Local-use NAT64 (RFC 8215): where the IPv4 address sits depends on the site's prefix length.
  ["64:ff9b:1::", 48, "a local-use NAT64 address"],
  ["fc00::", 7, "a private (unique local) address"],
  ["fe80::", 10, "a link-local address"],
  ["fec0::", 10, "a site-local address"],
  ["ff00::", 8, "a multicast address"],
];
// Inside the ranges above, but worth naming: the instance metadata services of the big clouds.
const METADATA = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192", "fd00:ec2::254"]);

const refused = REFUSED_V4.map(([network, prefix, what]) => ({ list: subnet(network, prefix, "ipv4"), what })).concat(
  REFUSED_V6.map(([network, prefix, what]) => ({ list: subnet(network, prefix, "ipv6"), what })),
);

function subnet(network: string, prefix: number, type: "ipv4" | "ipv6"): net.BlockList {
  const list = new net.BlockList();
  list.addSubnet(network, prefix, type);
  return list;
}

/** The 16 bytes of an IPv6 address (with "::" and a trailing dotted quad), or null. */
function ipv6Bytes(address: string): number[] | null {
  if (net.isIPv6(address) === false) return null;
  let text = address.toLowerCase().replace(/%.*$/, "");
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -quad[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  if (groups.length !== 8) return null;
  return groups.flatMap((g) => {
    const n = parseInt(g || "0", 16);
    return [n >> 8, n & 255];
  });
}

const dotted = (bytes: number[]) => bytes.join(".");

/**
 * The IPv4 addresses an IPv6 address leads to, so it is judged by them: IPv4-mapped
 * (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96, RFC 6052), and Teredo
 * (2001::/32: the server's address, and the client's stored inverted). Empty when none.
 */
function embeddedIpv4(address: string): string[] {
  const b = ipv6Bytes(address);
  if (!b) return [];
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const last4 = b.slice(12, 16);
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return [dotted(last4)];
  // ::a.b.c.d, but not :: and ::1 (judged as themselves).
  if (zero(0, 12) && !zero(12, 15)) return [dotted(last4)];
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return [dotted(last4)];
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x00 && b[3] === 0x00) return [dotted(b.slice(4, 8)), dotted(last4.map((x) => x ^ 0xff))];
  return [];
}

/** Why an address is refused by default ("a private address" …), or null for a public address. */
export function refusedRange(address: string): string | null {
  for (const inner of embeddedIpv4(address)) {
    const why = refusedRange(inner);
    if (why) return why;
  }
  const family = net.isIP(address);
  if (!family) return "not an IP address";
  if (METADATA.has(address.toLowerCase())) return "a cloud metadata service address";
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const range of refused) if (range.list.check(address, type)) return range.what;
  return null;
}

function allowList(networks: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const entry of networks) {
    const [address, bits] = entry.split("/");
    const family = net.isIP(address!);
    if (!family) continue;
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  return list;
}

/** Null when the policy lets a request reach `address`, else the reason it may not. */
export function addressRefusal(address: string, policy: UrlPolicy): string | null {
  const why = refusedRange(address);
  if (!why) return null;
  // Allowed when the address itself, or every IPv4 address it carries, is on the allow list.
  const allowed = allowList(policy.allowedNetworks);
  const inner = embeddedIpv4(address);
  const candidates = inner.length ? inner : [address];
  const onList = (a: string) => {
    const family = net.isIP(a);
    return family !== 0 && allowed.check(a, family === 4 ? "ipv4" : "ipv6");
  };
  if (onList(address) || candidates.every(onList)) return null;
  return why;
}

function hostMatches(hostname: string, pattern: string): boolean {
  const host = hostname.toLowerCase();
  const p = pattern.toLowerCase().replace(/^\[|\]$/g, "");
  if (p.startsWith("*.")) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
  return host === p;
}

/** The URL's host without IPv6 brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/**
 * Parses and checks an endpoint URL's form: http(s) only, https unless the host is allowed plain
 * http, no credentials inside it, not too long. The fragment is dropped (it is never sent).
 */
export function checkUrlShape(raw: string, policy: UrlPolicy): URL {
  if (raw.length > URL_MAX_LENGTH) throw new UrlRefusedError(`The URL is longer than ${URL_MAX_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefusedError("Not a valid URL; enter a full address such as https://hooks.example.com/plugboard");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UrlRefusedError(`Only https URLs are accepted, not ${url.protocol.replace(/:$/, "")}`);
  if (url.username || url.password) {
    throw new UrlRefusedError("The URL contains a user name or password; put credentials in a custom header (e.g. Authorization) instead");
  }
  const host = bareHost(url);
  if (!host) throw new UrlRefusedError("The URL has no host");
  if (url.protocol === "http:" && !policy.httpHosts.some((p) => hostMatches(host, p))) {
    throw new UrlRefusedError(`Use https: plain http is only allowed for the hosts in WEBHOOK_ALLOW_HTTP_HOSTS, and ${host} is not one of them`);
  }
  url.hash = "";
  return url;
}

/**
 * The addresses a request to `url` may connect to: every address the host resolves to must be
 * allowed (one refused address refuses the URL, so a name cannot mix a public and a private
 * answer). Throws UrlRefusedError saying which address and why.
 */
export async function resolveAllowedAddresses(url: URL, policy: UrlPolicy, resolver: Resolver): Promise<ResolvedAddress[]> {
  const host = bareHost(url);
  const literal = net.isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolver(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UrlRefusedError(`The host ${host} could not be resolved${code ? ` (${code})` : ""}; check the URL`);
    }
    if (!addresses.length) throw new UrlRefusedError(`The host ${host} has no addresses; check the URL`);
  }
  for (const { address } of addresses) {
    const why = addressRefusal(address, policy);
    if (why) {
      const named = literal ? host : `${host} resolves to ${address}, which`;
      throw new UrlRefusedError(`${named} is ${why}; such addresses are refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS allows them`);
    }
  }
  return addresses;
}

/** Shape and addresses together, as at save time. */
export async function checkEndpointUrl(raw: string, policy: UrlPolicy, resolver: Resolver): Promise<URL> {
  const url = checkUrlShape(raw, policy);
  await resolveAllowedAddresses(url, policy, resolver);
  return url;
}

/**
 * A `lookup` for an http(s) Agent whose every connection obeys the address rules: for SDKs that
 * open their own sockets (the S3 client), so each request — redirects and virtual-hosted bucket
 * names included — connects only to addresses checked at that moment.
 */
export function guardedLookup(policy: UrlPolicy, resolver: Resolver = systemResolver): LookupFunction {
  return ((hostname: string, options: { all?: boolean } | number | undefined, callback: (...args: unknown[]) => void) => {
    const all = typeof options === "object" && options !== null && options.all === true;
    resolveAllowedAddresses(new URL(`https://${net.isIPv6(hostname) ? `[${hostname}]` : hostname}`), policy, resolver).then(
      (addresses) => (all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (error: unknown) => callback(error),
    );
  }) as unknown as LookupFunction;
}
