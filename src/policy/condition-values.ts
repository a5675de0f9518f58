/** value parsing shared by validation and evaluation of conditions */
import ipaddr from 'ipaddr.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const EPOCH = /^[+-]?\d+(\.\d+)?$/;

/**
 * milliseconds since the epoch for an ISO 8601 date or date-time (UTC when no zone is given, as
 * AWS's clock is) or for epoch seconds; undefined when the text is neither
 */
export function parseDate(text: string): number | undefined {
  if (EPOCH.test(text)) return Number(text) * 1000;
  const m = ISO_DATE.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const normalizedZone = zone === 'Z' || zone === 'z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${normalizedZone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** an integer or decimal, as a policy must write it (no exponents, hex, infinities or spaces) */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** a number from a request value, which may come padded with spaces */
export function parseNumber(text: string): number | undefined {
  return isDecimal(text.trim()) ? Number(text) : undefined;
}

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

export type Cidr = readonly [Address, number];

/** an IPv4 or IPv6 CIDR block, or a single address as a block of one */
export function parseCidr(text: string): Cidr | undefined {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const address = ipaddr.parse(text);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** an address from the request; an IPv4-mapped IPv6 address counts as IPv4 */
export function parseAddress(text: string): Address | undefined {
  try {
    return ipaddr.process(text);
  } catch {
    return undefined;
  }
}

export function addressInCidr(address: Address, cidr: Cidr): boolean {
  const [range, bits] = cidr;
  if (address.kind() !== range.kind()) return false;
  return address.match(range, bits);
}
