import { Agent, request } from 'undici';
import type { RunningSim } from '../../src/sim/index.js';

/** A minimal HTTPS client for one running simulator (tests of simulator specifics). */
export interface SimClient {
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; text: string; json: any }>;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; text: string; json: any }>;
  /** Reads a watch stream until it ends or `maxMs` passes; returns the parsed lines. */
  watchLines(path: string, maxMs: number, stopWhen?: (lines: any[]) => boolean): Promise<{ lines: any[]; ended: boolean }>;
  close(): Promise<void>;
}

export function simClient(sim: RunningSim, token: string | null = sim.token): SimClient {
  const agent = new Agent({ connect: { ca: sim.caPem }, connections: 64 });
  const auth = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const send: SimClient['send'] = async (method, path, body, headers = {}) => {
    const res = await request(sim.url + path, {
      method: method as 'GET',
      headers: { ...auth(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      dispatcher: agent,
    });
    const text = await res.body.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };
  return {
    get: (path, headers) => send('GET', path, undefined, headers),
    send,
    async watchLines(path, maxMs, stopWhen) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), maxMs);
      const lines: any[] = [];
      let ended = false;
      try {
        const res = await request(sim.url + path, { headers: auth(), dispatcher: agent, signal: controller.signal });
        let buffer = '';
        for await (const chunk of res.body) {
          buffer += chunk.toString();
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            lines.push(JSON.parse(buffer.slice(0, nl)));
            buffer = buffer.slice(nl + 1);
          }
          if (stopWhen?.(lines)) {
            controller.abort();
            break;
          }
        }
        ended = !controller.signal.aborted;
      } catch (err) {
        if (!controller.signal.aborted) throw err;
      } finally {
        clearTimeout(timer);
      }
      return { lines, ended };
    },
    close: () => agent.close(),
  };
}

export const cmBody = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });
