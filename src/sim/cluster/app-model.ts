/**
 * Modelled applications behind Services: a Service annotated `sim.burn.dev/app: "true"` is served
 * on a loopback port (published in its `sim.burn.dev/loopback-port` annotation) by a model of its
 * pods: each ready pod the Service selects handles up to `app-capacity` requests/s; latency is the
 * base latency stretched by the pod's utilisation (base / (1 - utilisation), as a queue grows),
 * answers are 503 when no pod is ready; and each pod uses CPU in proportion to its request rate
 * (`app-cpu-per-request` millicores per request/s, plus `app-idle-cpu`), which the simulated HPA
 * reads as its resource metric. Annotations of the Service set the model.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject, SimContext } from '../types.js';
import { isPodReady } from './controllers/common.js';
import { Controller } from './controllers/controller.js';
import { cpuMillis } from './quantity.js';
import { mapMatches } from './selectors.js';

export const APP_ANNOTATION = 'sim.burn.dev/app';
export const LOOPBACK_PORT_ANNOTATION = 'sim.burn.dev/loopback-port';

export interface AppModel {
  /** Requests per second one ready pod handles before it saturates. */
  capacityPerPod: number;
  /** Latency of an idle pod, ms. */
  baseLatencyMs: number;
  /** Millicores one pod uses per request/s it serves. */
  cpuPerRequest: number;
  /** Millicores a pod uses serving nothing. */
  idleCpu: number;
}

export const DEFAULT_APP_MODEL: AppModel = { capacityPerPod: 100, baseLatencyMs: 5, cpuPerRequest: 1, idleCpu: 1 };

/** The model from a Service's annotations (sim.burn.dev/app-capacity, -latency-ms, -cpu-per-request, -idle-cpu), defaults for the rest. */
export function appModelOf(svc: KubeObject): AppModel {
  const a = svc.metadata.annotations ?? {};
  const num = (key: string, fallback: number) => {
    const v = a[`${APP_ANNOTATION}-${key}`];
    const n = v === undefined ? NaN : key.endsWith('cpu') || key.endsWith('cpu-per-request') ? cpuMillis(v) : Number(v);
    return Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  return {
    capacityPerPod: Math.max(1, num('capacity', DEFAULT_APP_MODEL.capacityPerPod)),
    baseLatencyMs: num('latency-ms', DEFAULT_APP_MODEL.baseLatencyMs),
    cpuPerRequest: num('cpu-per-request', DEFAULT_APP_MODEL.cpuPerRequest),
    idleCpu: num('idle-cpu', DEFAULT_APP_MODEL.idleCpu),
  };
}

/** Requests of the last second per pod: a ring of 10 buckets of 100 ms. */
class RateWindow {
  private readonly buckets = new Float64Array(10);
  private at = 0;

  constructor(private readonly now: () => number) {}

  private roll(): void {
    const slot = Math.floor(this.now() / 100);
    if (this.at === 0) this.at = slot;
    for (; this.at < slot; this.at++) this.buckets[(this.at + 1) % 10] = 0;
  }

  add(): void {
    this.roll();
    this.buckets[this.at % 10]! += 1;
  }

  perSecond(): number {
    this.roll();
    return this.buckets.reduce((a, b) => a + b, 0);
  }
}

interface ServedApp {
  server: Server;
  port: number;
  next: number;
}

/** Serves every annotated Service on a loopback port, and tells what each pod's CPU use is. */
export class AppModels extends Controller {
  private readonly apps = new Map<string, ServedApp>();
  private readonly rates = new Map<string, RateWindow>();

  constructor(ctx: SimContext) {
    super(ctx);
    this.watch('services', (e) => {
      const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      const wanted = e.type !== 'DELETED' && e.object.metadata.annotations?.[APP_ANNOTATION] === 'true';
      if (wanted && !this.apps.has(key)) this.serve(e.object);
      else if (!wanted && this.apps.has(key)) this.close(key);
      else if (wanted) this.publishPort(e.object, this.apps.get(key)!.port);
    });
  }

  override stop(): void {
    super.stop();
    for (const key of [...this.apps.keys()]) this.close(key);
  }

  /** Millicores the pod uses now (its share of its Service's load), or undefined when no app serves it. */
  cpuUsage(pod: KubeObject): number | undefined {
    const rate = this.rates.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
    if (!rate) return this.servesPod(pod) ? this.modelFor(pod)!.idleCpu : undefined;
    const model = this.modelFor(pod) ?? DEFAULT_APP_MODEL;
    return model.idleCpu + rate.perSecond() * model.cpuPerRequest;
  }

  private servicesOf(pod: KubeObject): KubeObject[] {
    return this.ctx.store.list('services', pod.metadata.namespace).filter((s) => s.metadata.annotations?.[APP_ANNOTATION] === 'true' && s.spec?.selector && mapMatches(s.spec.selector, pod.metadata.labels));
  }

  private servesPod(pod: KubeObject): boolean {
    return this.servicesOf(pod).length > 0;
  }

  private modelFor(pod: KubeObject): AppModel | undefined {
    const svc = this.servicesOf(pod)[0];
    return svc ? appModelOf(svc) : undefined;
  }

  private readyPods(namespace: string, name: string): KubeObject[] {
    const svc = this.ctx.store.get('services', namespace, name);
    const selector = svc?.spec?.selector as Record<string, string> | undefined;
    if (!selector || Object.keys(selector).length === 0) return [];
    return this.ctx.store.list('pods', namespace, selector).filter((p) => isPodReady(p) && !p.metadata.deletionTimestamp);
  }

  private serve(svc: KubeObject): void {
    const namespace = svc.metadata.namespace as string;
    const name = svc.metadata.name as string;
    const key = `${namespace}/${name}`;
    const server = createServer((req, res) => {
      req.resume();
      const app = this.apps.get(key);
      const pods = this.readyPods(namespace, name);
      if (!app || pods.length === 0) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end(`no ready pod behind Service ${key}\n`);
        return;
      }
      const current = this.ctx.store.get('services', namespace, name);
      const model = current ? appModelOf(current) : DEFAULT_APP_MODEL;
      const pod = pods[app.next++ % pods.length]!;
      const podKey = `${namespace}/${pod.metadata.name}`;
      let rate = this.rates.get(podKey);
      if (!rate) this.rates.set(podKey, (rate = new RateWindow(this.ctx.now)));
      rate.add();
      const utilisation = rate.perSecond() / model.capacityPerPod;
      // A pod past its capacity queues: latency grows with the backlog, bounded so answers still come.
      const latency = utilisation < 0.95 ? model.baseLatencyMs / (1 - utilisation) : model.baseLatencyMs * (20 + 100 * (utilisation - 0.95));
      this.ctx.setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain', 'x-sim-pod': String(pod.metadata.name) }).end('ok\n'), latency);
    });
    server.keepAliveTimeout = 60_000;
    const app: ServedApp = { server, port: 0, next: 0 };
    this.apps.set(key, app);
    server.listen(0, '127.0.0.1', () => {
      app.port = (server.address() as AddressInfo).port;
      const current = this.ctx.store.get('services', namespace, name);
      if (current) this.publishPort(current, app.port);
    });
  }

  private publishPort(svc: KubeObject, port: number): void {
    if (!port || svc.metadata.annotations?.[LOOPBACK_PORT_ANNOTATION] === String(port)) return;
    this.ctx.store.mutate('services', svc.metadata.namespace, svc.metadata.name as string, (obj) => {
      obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [LOOPBACK_PORT_ANNOTATION]: String(port) };
    });
  }

  private close(key: string): void {
    const app = this.apps.get(key);
    this.apps.delete(key);
    app?.server.close();
    app?.server.closeAllConnections();
  }
}
