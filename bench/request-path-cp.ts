/**
 * burn's request path on a real API server: creates of small ConfigMaps at a job's qps, over
 * HTTP/2 or HTTP/1.1, with the server fast, or slow (a validating admission webhook on 127.0.0.1
 * that holds every create of the namespace for `slowMs`). Send span, achieved creates/s, client
 * CPU, most requests in flight, 429s. Run against `scripts/controlplane/up`:
 *   CP_KUBECONFIG=... CP_PROTOCOL=h2 CP_QPS=200 CP_CREATES=2000 CP_SLOW_MS=3000 npx vite-node bench/request-path-cp.main.ts
 */
import https from 'node:https';
import { connectCluster } from '../src/kube/index.js';
import type { HttpProtocol } from '../src/kube/transport.js';
import { nowMs } from '../src/shared/clock.js';
import { makePki } from '../test/kube/helpers/certs.js';

export interface ControlPlaneFigure {
  protocol: HttpProtocol;
  qps: number;
  slowMs: number;
  creates: number;
  errors: number;
  sendSpanS: number;
  achievedPerS: number;
  cpuS: number;
  peakInFlight: number;
  throttled: number;
  retries: number;
}

/** A validating webhook that answers "allowed" after `delayMs`: the slow admission path. */
async function startSlowWebhook(delayMs: number): Promise<{ url: string; caBundle: string; close: () => void }> {
  const pki = makePki();
  const server = https.createServer({ key: pki.serverKey, cert: pki.serverCert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString()) as { request: { uid: string } };
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `https://127.0.0.1:${port}/validate`, caBundle: pki.ca.toString('base64'), close: () => server.close() };
}

export async function benchControlPlane(options: { kubeconfig: string; protocol: HttpProtocol; qps: number; creates: number; slowMs: number }): Promise<ControlPlaneFigure> {
  const { kubeconfig, protocol, qps, creates, slowMs } = options;
  const client = await connectCluster({ kubeconfig, protocol });
  const ns = `rp-${protocol}-${qps}-${slowMs}-${Date.now().toString(36)}`;
  const admin = client.unlimited();
  await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'burn-bench': ns } } });
  const webhook = slowMs > 0 ? await startSlowWebhook(slowMs) : undefined;
  const webhookName = `${ns}.burn.dev`;
  if (webhook) {
    await admin.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: webhookName },
      webhooks: [
        {
          name: webhookName,
          clientConfig: { url: webhook.url, caBundle: webhook.caBundle },
          rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }],
          namespaceSelector: { matchLabels: { 'burn-bench': ns } },
          objectSelector: { matchLabels: { 'burn-bench-slow': 'yes' } },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          timeoutSeconds: 30,
          failurePolicy: 'Fail',
        },
      ],
    });
    // the webhook takes effect once the apiserver's informer saw it: wait until a probe create is slow
    for (let i = 0; i < 50; i++) {
      const t = nowMs();
      await admin.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `probe-${i}`, namespace: ns, labels: { 'burn-bench-slow': 'yes' } } });
      if (nowMs() - t >= slowMs * 0.9) break;
    }
  }
  const job = client.withLimits({ qps, burst: qps });
  const spans: Array<[number, number]> = [];
  const off = client.onRequest((r) => {
    if (r.origin === 'workload' && r.resource === 'configmaps') spans.push([r.startMs, r.startMs + r.latencyMs]);
  });
  let errors = 0;
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: creates }, (_, i) =>
      job
        .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: ns, labels: { 'burn-bench-slow': 'yes' } }, data: { k: 'v' } }, { discardResponse: true })
        .catch(() => void errors++),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  off();
  // the send span: from the first request out to the last answer; the most requests in flight at once
  const first = Math.min(...spans.map(([start]) => start));
  const last = Math.max(...spans.map(([, end]) => end));
  const events = spans.flatMap(([start, end]) => [[start, 1] as const, [end, -1] as const]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let inFlight = 0;
  let peak = 0;
  for (const [, step] of events) peak = Math.max(peak, (inFlight += step));
  const figure: ControlPlaneFigure = {
    protocol,
    qps,
    slowMs,
    creates,
    errors,
    sendSpanS: Math.round(last - first) / 1000,
    achievedPerS: Math.round((creates / (last - first)) * 1000 * 10) / 10,
    cpuS: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
    peakInFlight: peak,
    throttled: job.requestCounts.throttled,
    retries: job.requestCounts.retries,
  };
  if (webhook) {
    await admin.delete('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', webhookName, undefined, { notFoundOk: true });
    webhook.close();
  }
  await admin.delete('v1', 'Namespace', ns, undefined, { notFoundOk: true });
  await client.close();
  return figure;
}

