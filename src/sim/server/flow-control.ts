/**
 * The simulator's API Priority and Fairness: a priority level has a number of seats (requests
 * executing at once); past them, requests wait in a bounded set of queues instead of being turned
 * away. As kube-apiserver does, a request's flow is dealt a hand of `handSize` queues (shuffle
 * sharding on the flow's name) and joins the shortest; freed seats go to the queues in turn (fair
 * queuing for requests of equal cost); a request is rejected (429) only when its queue is full or
 * it waited longer than the wait limit. A queue length limit of 0 rejects at once, as a priority
 * level of type Reject (and the simulator before it queued) does.
 */

import { fnv1a, seededRandom } from '../../shared/random.js';
import type { QueuingSpec } from '../types.js';

export type RejectReason = 'queue-full' | 'time-out' | 'cancelled';

/** What a priority level reports, for the apiserver_flowcontrol_* metrics. */
export interface FlowControlObserver {
  executing(count: number): void;
  inQueue(count: number): void;
  /** A request left its queue: dispatched (executed) or rejected, after waiting `seconds`. */
  waited(seconds: number, executed: boolean): void;
  rejected(reason: RejectReason): void;
}

/** The outcome of waiting: the seconds waited before the seat was given, or why it was rejected. */
export type Admission = number | RejectReason;

interface Waiter {
  enqueuedMs: number;
  settle: (outcome: Admission) => void;
  done: boolean;
}

/** One FIFO queue; removal at the head without shifting the array. */
class Queue {
  private items: Waiter[] = [];
  private head = 0;
  /** Waiters not yet settled (cancelled ones are left in place and skipped). */
  live = 0;

  push(w: Waiter): void {
    this.items.push(w);
    this.live++;
  }

  /** The oldest live waiter, dropping settled ones on the way. */
  peek(): Waiter | undefined {
    while (this.head < this.items.length && this.items[this.head]!.done) this.head++;
    this.compact();
    return this.items[this.head];
  }

  shift(): Waiter | undefined {
    const w = this.peek();
    if (w) {
      this.head++;
      this.live--;
      this.compact();
    }
    return w;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** `size` distinct queue indices out of `queues`, the same for the same flow (a partial shuffle seeded by its hash). */
export function dealHand(flow: string, queues: number, size: number): number[] {
  const next = seededRandom(fnv1a(flow));
  const deck = Array.from({ length: queues }, (_, i) => i);
  const hand = Math.min(size, queues);
  for (let i = 0; i < hand; i++) {
    const j = i + Math.floor(next() * (queues - i));
    [deck[i], deck[j]] = [deck[j]!, deck[i]!];
  }
  return deck.slice(0, hand);
}

/** Hands are cached per flow; a simulator with more flows than this starts over. */
const HAND_CACHE_LIMIT = 10_000;

export class PriorityLevel {
  private executingCount = 0;
  private queuedCount = 0;
  private readonly queues: Queue[];
  private readonly hands = new Map<string, number[]>();
  /** Where the next freed seat starts looking: the queues are served in turn. */
  private nextQueue = 0;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly seats: () => number,
    private readonly spec: () => QueuingSpec,
    private readonly observer: FlowControlObserver,
    private readonly nowMs: () => number,
  ) {
    this.queues = [];
  }

  get executing(): number {
    return this.executingCount;
  }

  get queued(): number {
    return this.queuedCount;
  }

  /** Takes a seat at once when one is free and nobody waits (no allocation on this path). */
  tryDispatch(): boolean {
    if (this.queuedCount > 0 || this.executingCount >= this.seats()) return false;
    this.executingCount++;
    this.observer.executing(this.executingCount);
    this.observer.waited(0, true);
    return true;
  }

  /**
   * Waits for a seat in the flow's shortest queue of its hand. Resolves with the seconds waited
   * (the seat is then held: call release()), or the reason of the rejection (no seat held).
   * `onGone` registers the caller's cancellation (the client went away while waiting).
   */
  enqueue(flow: string, onGone: (cancel: () => void) => void): Admission | Promise<Admission> {
    const spec = this.spec();
    if (spec.queueLengthLimit <= 0) return this.reject('queue-full', 0);
    const queue = this.shortestOf(this.handOf(flow, spec));
    if (queue.live >= spec.queueLengthLimit) return this.reject('queue-full', 0);
    return new Promise<Admission>((resolve) => {
      const waiter: Waiter = { enqueuedMs: this.nowMs(), settle: resolve, done: false };
      queue.push(waiter);
      this.queuedCount++;
      this.observer.inQueue(this.queuedCount);
      this.armSweep(spec);
      onGone(() => {
        if (waiter.done) return;
        this.leave(queue, waiter);
        resolve(this.reject('cancelled', (this.nowMs() - waiter.enqueuedMs) / 1000));
      });
    });
  }

  /** Gives the seat back and hands the freed seats to waiting requests. */
  release(): void {
    this.executingCount--;
    this.dispatch();
    this.observer.executing(this.executingCount);
  }

  /** Rejects everything still waiting (the server stops). */
  close(): void {
    clearInterval(this.sweep);
    this.sweep = undefined;
    for (const queue of this.queues) {
      for (let w = queue.shift(); w; w = queue.shift()) {
        w.done = true;
        this.queuedCount--;
        w.settle(this.reject('cancelled', (this.nowMs() - w.enqueuedMs) / 1000));
      }
    }
    this.observer.inQueue(this.queuedCount);
  }

  private dispatch(): void {
    const limitMs = this.spec().queueWaitSeconds * 1000;
    while (this.queuedCount > 0 && this.executingCount < this.seats()) {
      const waiter = this.nextWaiter();
      if (!waiter) break;
      const waitedMs = this.nowMs() - waiter.enqueuedMs;
      if (waitedMs > limitMs) {
        waiter.settle(this.reject('time-out', waitedMs / 1000));
        continue;
      }
      this.executingCount++;
      this.observer.waited(waitedMs / 1000, true);
      waiter.settle(waitedMs / 1000);
    }
    this.observer.inQueue(this.queuedCount);
  }

  /** The head of the next non-empty queue in turn, taken out of it. */
  private nextWaiter(): Waiter | undefined {
    const n = this.queues.length;
    for (let k = 0; k < n; k++) {
      const queue = this.queues[(this.nextQueue + k) % n]!;
      if (queue.live === 0) continue;
      this.nextQueue = (this.nextQueue + k + 1) % n;
      const waiter = queue.shift()!;
      waiter.done = true;
      this.queuedCount--;
      return waiter;
    }
    return undefined;
  }

  private leave(queue: Queue, waiter: Waiter): void {
    waiter.done = true;
    queue.live--;
    this.queuedCount--;
    this.observer.inQueue(this.queuedCount);
  }

  private reject(reason: RejectReason, waitedSeconds: number): RejectReason {
    this.observer.waited(waitedSeconds, false);
    this.observer.rejected(reason);
    return reason;
  }

  private handOf(flow: string, spec: QueuingSpec): number[] {
    while (this.queues.length < spec.queues) this.queues.push(new Queue());
    let hand = this.hands.get(flow);
    if (!hand) {
      if (this.hands.size >= HAND_CACHE_LIMIT) this.hands.clear();
      hand = dealHand(flow, spec.queues, spec.handSize);
      this.hands.set(flow, hand);
    }
    return hand;
  }

  private shortestOf(hand: number[]): Queue {
    let best = this.queues[hand[0]!]!;
    for (let i = 1; i < hand.length; i++) {
      const q = this.queues[hand[i]!]!;
      if (q.live < best.live) best = q;
    }
    return best;
  }

  /** While anything waits, rejects the requests whose wait passed the limit even when no seat frees. */
  private armSweep(spec: QueuingSpec): void {
    if (this.sweep) return;
    const everyMs = Math.max(5, Math.min(250, (spec.queueWaitSeconds * 1000) / 4));
    this.sweep = setInterval(() => {
      const limitMs = this.spec().queueWaitSeconds * 1000;
      const now = this.nowMs();
      for (const queue of this.queues) {
        for (let w = queue.peek(); w && now - w.enqueuedMs > limitMs; w = queue.peek()) {
          queue.shift();
          w.done = true;
          this.queuedCount--;
          w.settle(this.reject('time-out', (now - w.enqueuedMs) / 1000));
        }
      }
      this.observer.inQueue(this.queuedCount);
      if (this.queuedCount === 0) {
        clearInterval(this.sweep);
        this.sweep = undefined;
      }
    }, everyMs);
    this.sweep.unref();
  }
}
