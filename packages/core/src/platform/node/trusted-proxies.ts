/**
 * The proxies a certificate header is believed from: IP addresses and CIDR ranges in a
 * `node:net` `BlockList`, every entry checked (a typo must not silently trust nobody, or everybody).
 */
import { BlockList, isIP } from 'node:net';
import { fail } from '../../options/checks.js';
import type { ResolvedProxies } from '../platform.js';

const OPTION = 'mtls.certificate.trustedProxies';

/**
 * The checked list. Throws a TypeError naming the option for anything that is not an address or range.
 * @example trustedProxies(['10.0.0.0/8', '::1']).contains('10.1.2.3') // => true
 */
export function trustedProxies(proxies: unknown): ResolvedProxies {
  if (!Array.isArray(proxies) || proxies.length === 0) fail(OPTION, 'must be a non-empty array of IP addresses or CIDR ranges (the proxies that set the header)');
  const list = new BlockList();
  for (const entry of proxies as unknown[]) {
    const [address, bits, extra] = typeof entry === 'string' ? entry.split('/') : [];
    // No zone ids (`fe80::1%eth0`): BlockList would drop them silently.
    const family = address === undefined || address.includes('%') ? 0 : isIP(address);
    const prefix = bits === undefined ? undefined : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
    const max = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (prefix !== undefined && !(prefix >= 0 && prefix <= max))) {
      fail(OPTION, `contains ${JSON.stringify(entry)}, which is not an IP address or CIDR range`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address as string, type);
    else list.addSubnet(address as string, prefix, type);
  }
  function contains(address: string): boolean {
    const family = isIP(address);
    // An IPv4 peer on a dual-stack socket (::ffff:a.b.c.d) matches IPv4 rules: BlockList maps it.
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
  return Object.freeze({ contains, proxies: Object.freeze([...(proxies as string[])]) });
}
