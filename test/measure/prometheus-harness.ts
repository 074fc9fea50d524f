/**
 * Starts Debian's real Prometheus on 127.0.0.1 (free port, temp storage) scraping the given
 * targets every second; stop() kills it and removes its storage. No mocked Prometheus.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScrapeTarget {
  /** e.g. https://127.0.0.1:6443/metrics */
  url: string;
  bearerToken?: string;
  /** Keep the target's own job and instance labels (a Pushgateway's). */
  honorLabels?: boolean;
  /** Not up yet when Prometheus starts (a burn run's --metrics-port): not waited for. */
  mayBeDown?: boolean;
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
  /** Resolves once Prometheus has scraped every target at least `scrapes` more times. */
  waitForScrapes(scrapes: number): Promise<void>;
}

/** Basic auth in front of Prometheus' API (its --web.config.file); the password's bcrypt hash is given. */
export interface BasicAuth {
  user: string;
  password: string;
  bcryptHash: string;
}

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function scrapeConfig(targets: ScrapeTarget[]): string {
  const jobs = targets.map((t, i) => {
    const u = new URL(t.url);
    return [
      `  - job_name: target-${i}`,
      `    scheme: ${u.protocol.replace(':', '')}`,
      `    metrics_path: ${u.pathname}`,
      ...(t.honorLabels ? ['    honor_labels: true'] : []),
      ...(t.bearerToken ? [`    authorization:`, `      credentials: ${JSON.stringify(t.bearerToken)}`] : []),
      `    tls_config:`,
      `      insecure_skip_verify: true`,
      `    static_configs:`,
      `      - targets: ["${u.host}"]`,
    ].join('\n');
  });
  return `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${jobs.join('\n')}\n`;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export async function startPrometheus(targets: ScrapeTarget[], auth?: BasicAuth): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'burn-prom-'));
  await writeFile(join(dir, 'prometheus.yml'), scrapeConfig(targets));
  const webFlags: string[] = [];
  const headers: Record<string, string> = {};
  if (auth) {
    await writeFile(join(dir, 'web.yml'), `basic_auth_users:\n  ${auth.user}: ${JSON.stringify(auth.bcryptHash)}\n`);
    webFlags.push(`--web.config.file=${join(dir, 'web.yml')}`);
    headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...webFlags],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const scrapeCount = async (): Promise<number> => {
    const res = await fetch(`${url}/api/v1/targets`, { headers });
    const body = (await res.json()) as { data: { activeTargets: Array<{ health: string; lastScrape: string; labels: Record<string, string> }> } };
    const awaited = new Set(targets.flatMap((t, i) => (t.mayBeDown ? [] : [`target-${i}`])));
    const active = body.data.activeTargets.filter((t) => awaited.has(t.labels.job));
    if (active.length < awaited.size || active.some((t) => t.health !== 'up')) return 0;
    if (active.length === 0) return 1;
    return Math.min(...active.map((t) => Date.parse(t.lastScrape)));
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`, { headers })).ok && (await scrapeCount()) > 0) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready with healthy targets: ${stderr}`);
    }
    await sleep(200);
  }
  return {
    url,
    stop,
    async waitForScrapes(scrapes: number) {
      const start = Date.now();
      for (let seen = 0; seen < scrapes; ) {
        const before = await scrapeCount();
        while ((await scrapeCount()) <= before) {
          if (Date.now() - start > 30_000) throw new Error('prometheus stopped scraping');
          await sleep(100);
        }
        seen++;
      }
    },
  };
}

/** Serves a prom-client registry's /metrics on 127.0.0.1 (a free port) for Prometheus to scrape. */
export async function serveRegistry(registry: { contentType: string; metrics(): Promise<string> }): Promise<{ url: string; close(): Promise<void> }> {
  const server = createHttpServer(async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/metrics`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
