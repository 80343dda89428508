/** Who is calling, by network address: the socket's peer, or the X-Forwarded-For hop a trusted proxy vouches for. */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { isIP } from 'node:net';
import { addressSet, clientNetwork, inAddressSet } from '../../common/net/address-ranges.ts';

/** What requests made in-process (`app.request`, tests) count as: they have no socket. */
export const IN_PROCESS = 'in-process';

export type ClientAddress = (c: Context) => string;

function socketPeer(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Returns the client's network (IPv4 address, IPv6 /64) for counting requests. X-Forwarded-For is
 * read only when the socket peer is one of `trustedProxies`, from the right (the hop the trusted
 * proxy appended) past further trusted proxies; anything a client wrote to its left is ignored,
 * and a hop that is not an IP address stops the walk at the last trusted one.
 */
export function createClientAddress(trustedProxies: readonly string[]): ClientAddress {
  const proxies = addressSet(trustedProxies);
  return (c) => {
    let client = socketPeer(c);
    if (!client) return IN_PROCESS;
    if (inAddressSet(proxies, client)) {
      const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim());
      for (let i = hops.length - 1; i >= 0 && inAddressSet(proxies, client); i--) {
        if (!isIP(hops[i])) break;
        client = hops[i];
      }
    }
    return clientNetwork(client);
  };
}
