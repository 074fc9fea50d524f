import type { HttpProtocol } from '../src/kube/transport.js';
import { benchControlPlane } from './request-path-cp.js';

// CP_KUBECONFIG, CP_PROTOCOL (h2 | http1), CP_QPS, CP_CREATES, CP_SLOW_MS
const env = process.env;
const figure = await benchControlPlane({ kubeconfig: env.CP_KUBECONFIG!, protocol: (env.CP_PROTOCOL ?? 'h2') as HttpProtocol, qps: Number(env.CP_QPS ?? 20), creates: Number(env.CP_CREATES ?? 200), slowMs: Number(env.CP_SLOW_MS ?? 0) });
process.stdout.write(`${JSON.stringify(figure)}\n`);
