import { describe, expect, it } from 'vitest';
import { IN_FLIGHT_CEILING, InFlightSizer } from '../../src/kube/inflight.js';
import { httpProtocol } from '../../src/kube/transport.js';
import { retriesNote } from '../../src/engine/job.js';
import { UserError } from '../../src/shared/errors.js';

describe('InFlightSizer', () => {
  it('sizes the slots to qps x latency with headroom (Little’s law), never below the configured number', () => {
    const sizer = new InFlightSizer(200, 100);
    expect(sizer.capacity).toBe(400); // before any answer: 1 s assumed, x2
    for (let i = 0; i < 50; i++) sizer.observe(3000);
    expect(sizer.estimateMs).toBeCloseTo(3000, 0);
    expect(sizer.capacity).toBe(1200); // 200 qps x 3 s = 600 in flight, x2
    const quick = new InFlightSizer(20, 100);
    for (let i = 0; i < 500; i++) quick.observe(5);
    expect(quick.capacity).toBe(100);
  });

  it('rises quickly when the server slows down and comes down slowly', () => {
    const sizer = new InFlightSizer(100, 10);
    for (let i = 0; i < 1000; i++) sizer.observe(100);
    const settled = sizer.capacity;
    sizer.observe(5000);
    expect(sizer.estimateMs).toBeGreaterThan(2000); // one slow answer moves it half way
    for (let i = 0; i < 5; i++) sizer.observe(5000);
    expect(sizer.capacity).toBeGreaterThan(900);
    sizer.observe(100);
    expect(sizer.estimateMs).toBeGreaterThan(4500); // one quick answer barely moves it
    for (let i = 0; i < 1000; i++) sizer.observe(100);
    expect(sizer.capacity).toBe(settled);
  });

  it('takes the age of a request still out as the latency at least', () => {
    const sizer = new InFlightSizer(100, 10);
    expect(sizer.capacity).toBe(200);
    sizer.outstanding(500); // younger than the estimate: says nothing
    expect(sizer.estimateMs).toBe(1000);
    sizer.outstanding(4000);
    expect(sizer.capacity).toBe(800);
  });

  it('stops at the ceiling', () => {
    const sizer = new InFlightSizer(5000, 100);
    sizer.observe(60_000);
    expect(sizer.capacity).toBe(IN_FLIGHT_CEILING);
  });
});

describe('BURN_HTTP_PROTOCOL', () => {
  it('is h2 unless set to http1; anything else is refused naming the variable', () => {
    expect(httpProtocol({})).toBe('h2');
    expect(httpProtocol({ BURN_HTTP_PROTOCOL: 'http1' })).toBe('http1');
    expect(() => httpProtocol({ BURN_HTTP_PROTOCOL: 'h3' })).toThrow(UserError);
    expect(() => httpProtocol({ BURN_HTTP_PROTOCOL: 'h3' })).toThrow(/BURN_HTTP_PROTOCOL=h3/);
  });
});

describe("the job's line", () => {
  it('says what was sent again and what the server throttled, and nothing when nothing was', () => {
    expect(retriesNote({ retries: 0, throttled: 0 })).toBe('');
    expect(retriesNote({ retries: 3, throttled: 2 })).toBe('; 3 attempts sent again; 2 answered 429 Too Many Requests by the API server (sent again after its Retry-After)');
  });
});
