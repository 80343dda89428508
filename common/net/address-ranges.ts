/** Which IP addresses are the public internet, and sets of addresses from configuration (allow-lists, trusted proxies). */
import { BlockList, isIP } from 'node:net';
import { parseNetwork } from '../../schemas/network.schema.ts';

/** A BlockList of the given addresses and CIDR blocks; throws on an entry that is neither (config validation says which). */
export function addressSet(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const net = parseNetwork(entry);
    if (!net) throw new Error(`not an IP address or CIDR block: ${JSON.stringify(entry)}`);
    list.addSubnet(net.address, net.prefix, net.family);
  }
  return list;
}

/**
 * Everything that is not the public internet: the special-purpose registries of RFC 6890 (IANA
 * IPv4/IPv6 Special-Purpose Address Registries) plus multicast. node's BlockList matches IPv4 rules
 * against IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) too; IPv4-compatible (::/96), NAT64
 * local-use, 6to4 and Teredo forms are refused outright because they can embed a private IPv4;
 * the well-known NAT64 prefix is judged by the IPv4 address it embeds (isPublicAddress).
 */
const NON_PUBLIC = addressSet([
  '0.0.0.0/8', // "this network", incl. the unspecified 0.0.0.0
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, incl. cloud metadata 169.254.169.254
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // 6to4 relay anycast
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, incl. broadcast
  '::/96', // unspecified, loopback ::1, IPv4-compatible
  '64:ff9b:1::/48', // NAT64 local use
  '100::/64', // discard
  '2001::/23', // IETF protocol assignments, incl. Teredo
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated)
  'ff00::/8', // multicast
]);

const LOOPBACK = addressSet(['127.0.0.0/8', '::1']);

/** Whether `list` contains the address; false for anything that is not an address. */
export function inAddressSet(list: BlockList, address: string): boolean {
  const version = isIP(address);
  if (!version || address.includes('%')) return false;
  return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
}

/** True only for an address on the public internet (a zone id, as on fe80::1%eth0, is never public). */
export function isPublicAddress(address: string): boolean {
  if (isIP(address) === 0 || address.includes('%') || inAddressSet(NON_PUBLIC, address)) return false;
  // The well-known NAT64 prefix is global (RFC 6890), but a NAT64 gateway (AWS's, in IPv6-only
  // subnets) carries the connection on to the IPv4 address it embeds: that address decides.
  if (inAddressSet(NAT64_WELL_KNOWN, address)) {
    const pieces = ipv6Pieces(address);
    return isPublicAddress(dottedQuad(pieces[6], pieces[7]));
  }
  return true;
}

const NAT64_WELL_KNOWN = addressSet(['64:ff9b::/96']);

/** The eight pieces of an IPv6 address in canonical hex ('0' for zeros). */
function ipv6Pieces(address: string): string[] {
  // URL serialises IPv6 canonically (lower-case hex pieces, one "::", no dotted tail).
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  return tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
}

/** The IPv4 address held by two IPv6 pieces. */
function dottedQuad(high: string, low: string): string {
  const [hi, lo] = [parseInt(high, 16), parseInt(low, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether a listen host only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || inAddressSet(LOOPBACK, host);
}

/**
 * The network a client address stands for when counting requests: the address itself for IPv4
 * (also when IPv4-mapped), the /64 for IPv6 — one subscriber commonly holds a whole /64, so
 * counting single IPv6 addresses would let one client be 2^64 callers.
 */
export function clientNetwork(address: string): string {
  if (isIP(address) !== 6 || address.includes('%')) return address;
  const pieces = ipv6Pieces(address);
  if (pieces.slice(0, 5).every((p) => p === '0') && pieces[5] === 'ffff') return dottedQuad(pieces[6], pieces[7]);
  return `${pieces.slice(0, 4).join(':')}::/64`;
}
