/**
 * Where the server may send requests that someone else chose the URL of (integrators' callbacks):
 * public addresses over https only, unless the configuration allows http or lists hosts/networks.
 * Checked on the URL when it is given, and again on every address at connect time.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP, type BlockList } from 'node:net';
import { parseHostName, parseNetwork } from '../../schemas/network.schema.ts';
import { addressSet, inAddressSet, isPublicAddress } from '../net/address-ranges.ts';

export interface OutboundPolicy {
  /** Allow plain http: URLs (https: always is). */
  allowHttp: boolean;
  /** Host names (any address they resolve to) and IP addresses or CIDR blocks allowed although not public. */
  allowList: readonly string[];
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Raised when a target is refused: a plain reason, with no credentials or query string in it. */
export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
  readonly code = 'EREFUSEDTARGET';
}

/** Strips the brackets URL puts around an IPv6 host. */
export function urlHostAddress(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

export class OutboundGuard {
  private readonly hosts: Set<string>;
  private readonly networks: BlockList;

  constructor(private readonly policy: OutboundPolicy) {
    this.hosts = new Set(policy.allowList.filter((e) => parseNetwork(e) === null).map((e) => parseHostName(e) ?? e));
    this.networks = addressSet(policy.allowList.filter((e) => parseNetwork(e) !== null));
  }

  /** Why a URL may not be a target (scheme, syntax, a literal address), or null when it may be tried. */
  refusal(raw: string): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'not a valid URL';
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.policy.allowHttp)) {
      return this.policy.allowHttp ? 'must be an http or https URL' : 'must be an https URL';
    }
    // URL has already turned every IPv4 spelling (2130706433, 0x7f.1, 127.1) into dotted form.
    const host = urlHostAddress(url);
    if (isIP(host) && !this.addressAllowed(host)) return `${host} is not a public address`;
    return null;
  }

  /** Public, or in the allow-list's networks. */
  addressAllowed(address: string): boolean {
    return isPublicAddress(address) || inAddressSet(this.networks, address);
  }

  /**
   * A `lookup` for net/tls connect: resolves, then refuses the connection if any resolved address is
   * not allowed. The socket connects to exactly the addresses checked here, so a DNS answer that
   * changes between validation and connection (rebinding) cannot slip through.
   */
  readonly lookup = (
    hostname: string,
    options: LookupOneOptions | LookupAllOptions,
    callback: LookupCallback,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const trusted = this.hosts.has(hostname.toLowerCase());
      const refused = trusted ? undefined : addresses.find((a) => !this.addressAllowed(a.address));
      if (refused)
        return callback(
          new OutboundRefusedError(`${hostname} resolves to ${refused.address}, not a public address`),
          [],
        );
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      callback(null, first.address, first.family);
    });
  };
}
