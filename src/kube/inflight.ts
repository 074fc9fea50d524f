/**
 * How many requests a rate-limited view lets be in flight at once. By Little's law a send rate of
 * qps at a latency of L seconds needs qps x L requests in flight; a fixed cap holds the rate below
 * qps as soon as the server slows down (100 slots at 2.9 s per request: at most 34 requests/s).
 * So the cap follows the measured latency, with headroom, between the configured number and a
 * ceiling; while requests wait for a slot, the age of the oldest one in flight counts as latency too. The server's own limits (APF) answer 429, which the sender honours (Retry-After) and counts.
 */

/** Most requests one view keeps in flight, whatever the latency: 50 HTTP/2 connections of 100 streams. */
export const IN_FLIGHT_CEILING = 5000;
/** Slots per request the rate needs on average: room for latency that varies around its mean. */
const HEADROOM = 2;
/** What latency is assumed before any request has come back. */
const INITIAL_LATENCY_MS = 1000;
/** How far one request's latency moves the estimate: quickly up (the rate must not stall), slowly down. */
const RISE = 0.5;
const DECAY = 0.02;

export class InFlightSizer {
  private latencyMs = INITIAL_LATENCY_MS;

  constructor(
    readonly qps: number,
    /** The configured number of slots: never fewer. */
    readonly floor: number,
    readonly ceiling = IN_FLIGHT_CEILING,
  ) {}

  /** Feeds one request's time in flight: from its first attempt to its answer, retries' waits included. */
  observe(latencyMs: number): void {
    this.latencyMs += (latencyMs - this.latencyMs) * (latencyMs > this.latencyMs ? RISE : DECAY);
  }

  /**
   * A request has been out this long without an answer: the latency is at least that. Lets the cap
   * grow while every slot waits on a slow server, before the first answers come back to say so.
   */
  outstanding(ageMs: number): void {
    if (ageMs > this.latencyMs) this.latencyMs = ageMs;
  }

  /** The latency the cap is sized for, ms. */
  get estimateMs(): number {
    return this.latencyMs;
  }

  /** Slots for qps x latency with headroom, between floor and ceiling. */
  get capacity(): number {
    const needed = Math.ceil(((this.qps * this.latencyMs) / 1000) * HEADROOM);
    return Math.min(this.ceiling, Math.max(this.floor, needed));
  }
}
