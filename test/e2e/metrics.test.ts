import { describe, expect, it } from 'vitest';
import { kubectl } from './cluster.js';

describe('the apiserver /metrics endpoint', () => {
  it('exposes apiserver_request_sli_duration_seconds with counted requests', async () => {
    // Ask for something first so at least one LIST has been measured.
    await kubectl(['get', 'namespaces']);
    const text = await kubectl(['get', '--raw', '/metrics']);

    const buckets = text.split('\n').filter((line) => line.startsWith('apiserver_request_sli_duration_seconds_bucket{'));
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.some((line) => line.includes('le="+Inf"'))).toBe(true);

    const counts = text
      .split('\n')
      .filter((line) => line.startsWith('apiserver_request_sli_duration_seconds_count{') && line.includes('verb="LIST"'))
      .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
    expect(counts.length).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeGreaterThan(0);
  });
});
