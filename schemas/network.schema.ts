/** Contracts of network settings: IP addresses and CIDR blocks (trusted proxies, allow-lists), parsed by node:net, never by pattern. */
import { isIP } from 'node:net';
import { z } from 'zod';

export interface Network {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** "10.0.0.0/8", "fc00::/7", or one address ("127.0.0.1", "::1" — a /32 or /128); null when it is neither. */
export function parseNetwork(entry: string): Network | null {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  // Zone ids (fe80::1%eth0) name an interface, not a network.
  if (!version || address.includes('%')) return null;
  const max = version === 4 ? 32 : 128;
  const digits = slash < 0 ? String(max) : entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(digits) || Number(digits) > max) return null;
  return { address, prefix: Number(digits), family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** A host name as a URL would carry it (lower case, no port); null when it is not one. */
export function parseHostName(entry: string): string | null {
  if (!entry || entry.includes('/') || entry.includes('@') || entry.includes(':')) return null;
  try {
    const host = new URL(`https://${entry}/`).hostname;
    return host === entry.toLowerCase() && !isIP(host) ? host : null;
  } catch {
    return null;
  }
}

export const networkSchema = z
  .string()
  .refine((s) => parseNetwork(s) !== null, 'must be an IP address or a CIDR block such as 10.0.0.0/8 or fd00::/8');

export const hostOrNetworkSchema = z
  .string()
  .refine(
    (s) => parseNetwork(s) !== null || parseHostName(s) !== null,
    'must be a host name, an IP address or a CIDR block such as 10.0.0.0/8',
  );
