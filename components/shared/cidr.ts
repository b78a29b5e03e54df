/** IPv4 CIDR ranges: parsing, private-range membership and overlap, for validating network plans early. */

/** A parsed IPv4 range: its first address as an unsigned 32-bit number and its prefix length. */
export interface Ipv4Range {
  readonly base: number;
  readonly prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The range of `cidr` (`10.10.0.0/24`); `undefined` when malformed or when host bits are set. */
export function parseCidr(cidr: string): Ipv4Range | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5);
  if (!octets.every((o) => OCTET.test(o))) return undefined;
  const prefix = Number(match[5]);
  if (prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { base, prefix };
}

const size = (r: Ipv4Range): number => 2 ** (32 - r.prefix);

/** True when `inner` lies entirely within `outer`. */
export function contains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  return inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

/** True when the two ranges share an address. */
export function overlaps(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** RFC 1918 private ranges. */
export const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** True when `range` lies within one RFC 1918 range. */
export function isRfc1918(range: Ipv4Range): boolean {
  return RFC1918.some((cidr) => {
    const outer = parseCidr(cidr);
    return outer !== undefined && contains(outer, range);
  });
}
