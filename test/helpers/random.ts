/** A small seeded PRNG (mulberry32) so failures can be replayed from the printed seed. */
export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  u32(): number {
    return (this.next() * 4294967296) >>> 0;
  }
}

/** Seeds from SEED=… when set (to replay a failure), else from the clock. */
export function seedFromEnv(): number {
  const s = process.env.SEED;
  return s ? Number(s) : (Date.now() ^ (process.pid << 8)) >>> 0;
}
