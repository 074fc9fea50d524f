import { describe, expect, it } from 'vitest';
import { formatDuration, parseGoDuration } from '../../src/shared/duration.js';
import { TokenBucketClock } from '../../src/config/least-time.js';
import { lineMapBetween } from '../../src/config/line-map.js';
import { closestMatch, editDistance } from '../../src/shared/suggest.js';

describe('Go durations', () => {
  it.each([
    ['4h', 14_400_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['0', 0],
    ['-1s', -1000],
    ['100us', 0.1],
    ['1000000ns', 1],
  ])('parses %s', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '10', 'abc', '1d', '5 s', 's', '1h 30m', '.s'])('rejects %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });

  it('prints durations back in Go form', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(14_400_000)).toBe('4h');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(10_500)).toBe('10.5s');
  });
});

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('qsp', 'qps')).toBe(1);
    expect(editDistance('jobIteration', 'jobIterations')).toBe(1);
  });

  it('suggests the closest key and nothing for unrelated words', () => {
    const keys = ['jobIterations', 'jobIterationDelay', 'qps', 'burst', 'namespace'];
    expect(closestMatch('jobiterations', keys)).toBe('jobIterations');
    expect(closestMatch('namespce', keys)).toBe('namespace');
    expect(closestMatch('colour', keys)).toBeUndefined();
  });
});

describe('line map of a rendered template', () => {
  it('is the identity when rendering kept the line count', () => {
    const map = lineMapBetween('a: {{.X}}\nb: 2\n', 'a: 1\nb: 2\n');
    expect(map(2)).toBe(2);
  });

  it('follows lines past a block that rendering removed', () => {
    const source = 'a: 1\n{{- if .X }}\nx: 1\ny: 2\n{{- end }}\nb: 2\nc: 3\n';
    const rendered = 'a: 1\nb: 2\nc: 3\n';
    const map = lineMapBetween(source, rendered);
    expect(map(2)).toBe(6);
    expect(map(3)).toBe(7);
  });
});

describe('token bucket clock', () => {
  it('spends the burst at once, then one request per 1/qps seconds', () => {
    const clock = new TokenBucketClock(1, 10);
    clock.send(20);
    expect(clock.elapsedMs).toBe(10_000);
    expect(clock.requests).toBe(20);
  });

  it('refills during pauses up to the burst only', () => {
    const clock = new TokenBucketClock(2, 4);
    clock.send(4);
    clock.pause(60_000); // refills to 4, not 120
    clock.send(6);
    expect(clock.elapsedMs).toBe(61_000);
  });
});
