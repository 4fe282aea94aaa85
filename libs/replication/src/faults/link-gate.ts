import type { FaultTable } from './fault-table';

/** A seeded random source, so a fault run can be replayed with the same seed. */
export type Random = () => number;

/** mulberry32: small, fast and good enough to decide which messages a fault hits. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REORDER_HOLD_MS = 50;

/**
 * Applies the faults of links that end at one server to what arrives over them: each
 * message from a peer is dropped, delayed, duplicated or held back as the peer's link says.
 * With no fault on a link, a message is handled at once, in the same tick.
 */
export class LinkGate {
  private dropped = 0;

  constructor(
    private readonly table: FaultTable,
    private readonly self: string,
    private readonly random: Random = Math.random,
  ) {}

  /**
   * Hands a message from `from` to `handle` zero, one or two times, maybe later.
   * Returns false when the link dropped it, so `handle` is never called.
   */
  deliver(from: string, handle: () => void): boolean {
    const fault = this.table.get(from, this.self);
    if (fault === undefined) {
      handle();
      return true;
    }
    if (fault.partition === true || (fault.drop !== undefined && this.random() < fault.drop)) {
      this.dropped += 1;
      return false;
    }
    const copies = fault.duplicate !== undefined && this.random() < fault.duplicate ? 2 : 1;
    for (let copy = 0; copy < copies; copy += 1) {
      const delay = this.delayOf(fault);
      if (delay <= 0) handle();
      else setTimeout(handle, delay).unref();
    }
    return true;
  }

  /** Resolves with the reply after the link's delay, or with undefined when the link drops it. */
  passReply<T>(from: string, reply: T): Promise<T | undefined> {
    return new Promise((resolve) => {
      if (!this.deliver(from, () => resolve(reply))) resolve(undefined);
    });
  }

  droppedCount(): number {
    return this.dropped;
  }

  private delayOf(fault: NonNullable<ReturnType<FaultTable['get']>>): number {
    let delay = fault.latencyMs ?? 0;
    if (fault.jitterMs !== undefined && fault.jitterMs > 0) delay += (this.random() * 2 - 1) * fault.jitterMs;
    if (fault.reorder !== undefined && this.random() < fault.reorder) delay += this.random() * Math.max(REORDER_HOLD_MS, delay);
    return Math.max(0, delay);
  }
}
