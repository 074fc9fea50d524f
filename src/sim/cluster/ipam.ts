/**
 * Pod networking: each node gets a podCIDR carved from 10.128.0.0/9 (clear of the service range
 * 10.96.0.0/12) and hands out pod IPs from it like the host-local IPAM plugin: the network and
 * broadcast addresses are never used, and a freed address is reused only after the fresh ones.
 */

const CLUSTER_BASE = ipToInt('10.128.0.0');
const CLUSTER_PREFIX = 9;

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** How many nodes the cluster range holds at a given per-node prefix. */
export function nodeCidrCapacity(prefix: number): number {
  return prefix < CLUSTER_PREFIX ? 0 : 2 ** (prefix - CLUSTER_PREFIX);
}

/** The podCIDR of the index-th node (0-based). */
export function nodePodCidr(index: number, prefix: number): string {
  const size = 2 ** (32 - prefix);
  return `${intToIp(CLUSTER_BASE + index * size)}/${prefix}`;
}

export class IpPool {
  /** The range set as CNI plugins print it: "10.128.0.1-10.128.0.254". */
  readonly rangeSet: string;
  private readonly first: number;
  private readonly last: number;
  private nextFresh: number;
  private readonly released: number[] = [];
  private releasedHead = 0;
  private readonly inUse = new Set<number>();

  constructor(cidr: string) {
    const [base, bits] = cidr.split('/');
    const prefix = Number(bits);
    const size = 2 ** (32 - prefix);
    const network = ipToInt(base!) - (ipToInt(base!) % size);
    this.first = size > 2 ? network + 1 : network;
    this.last = size > 2 ? network + size - 2 : network + size - 1;
    this.nextFresh = this.first;
    this.rangeSet = `${intToIp(this.first)}-${intToIp(this.last)}`;
  }

  get capacity(): number {
    return this.last - this.first + 1;
  }

  get used(): number {
    return this.inUse.size;
  }

  /** An unused address, or undefined when the range is exhausted. */
  allocate(): string | undefined {
    let n: number | undefined;
    if (this.nextFresh <= this.last) n = this.nextFresh++;
    else if (this.releasedHead < this.released.length) {
      n = this.released[this.releasedHead++]!;
      if (this.releasedHead > 1024 && this.releasedHead * 2 > this.released.length) {
        this.released.splice(0, this.releasedHead);
        this.releasedHead = 0;
      }
    }
    if (n === undefined) return undefined;
    this.inUse.add(n);
    return intToIp(n);
  }

  release(ip: string): void {
    const n = ipToInt(ip);
    if (this.inUse.delete(n)) this.released.push(n);
  }
}
