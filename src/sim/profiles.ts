import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '../shared/errors.js';
import type { LatencySpec, SimProfile } from './types.js';

/** The simulator's built-in profiles and the loader for profile files (YAML overriding a base). */

const ms = (p50: number, p99: number): LatencySpec => ({ p50, p99 });

const defaultProfile: SimProfile = {
  name: 'default',
  scheduling: ms(30, 150),
  sandbox: ms(400, 1000),
  imagePull: ms(600, 2000),
  containerStart: ms(300, 700),
  readiness: ms(200, 500),
  podDeletion: ms(300, 1000),
  controllerSync: ms(10, 60),
  jobPodRuntime: ms(2000, 5000),
  volumeProvisioning: ms(800, 3000),
  volumeResize: ms(1000, 4000),
  snapshotReady: ms(1500, 6000),
  podsPerNode: 110,
  nodeCpu: '4',
  nodeMemory: '16Gi',
  podCidrPrefix: 24,
  serviceTime: {
    get: ms(0.5, 3),
    list: ms(2, 20),
    create: ms(1, 6),
    update: ms(1, 6),
    patch: ms(1, 6),
    delete: ms(1, 6),
    deletecollection: ms(5, 50),
  },
  maxInflight: { readonly: 400, mutating: 200 },
  // APF's defaults for a priority level, and kube-apiserver's wait limit (--request-timeout 60 s / 4).
  flowControl: { queues: 64, handSize: 8, queueLengthLimit: 50, queueWaitSeconds: 15 },
  faults: { throttleRate: 0, retryAfterSeconds: 1, errorRate: 0, stallRate: 0, stallMs: 0, watchCutMs: 0, watchOutageEveryMs: 0, watchOutageMs: 0, watchWindow: 20_000, cpuMsPerRequest: 0 },
};

function derive(name: string, changes: Partial<SimProfile>): SimProfile {
  return { ...structuredClone(defaultProfile), ...structuredClone(changes), name };
}

export const builtinProfiles: Record<string, SimProfile> = {
  default: defaultProfile,
  // Pod startup p99 around 8 s: the 5 s pod startup SLO fails.
  // Pod startup (creation -> containers started) about 4.7 s at p50 and 8 s at p99: most pods miss the
  // 5 s SLO, so even a run of 10 pods fails it.
  'slow-pods': derive('slow-pods', {
    scheduling: ms(50, 400),
    sandbox: ms(1500, 3000),
    containerStart: ms(3000, 5500),
    readiness: ms(300, 900),
  }),
  flaky: derive('flaky', {
    faults: { throttleRate: 0.03, retryAfterSeconds: 1, errorRate: 0.01, stallRate: 0, stallMs: 0, watchCutMs: 5000, watchOutageEveryMs: 0, watchOutageMs: 0, watchWindow: 500, cpuMsPerRequest: 0 },
  }),
  // Thousands of nodes: cheaper requests, more seats, longer queues (one run's flow may hold 4,000
  // waiting requests: the wait limit, not the queue length, turns a run at qps 1,000 away), a long
  // watch history.
  large: derive('large', {
    serviceTime: { get: ms(0.2, 2), list: ms(5, 100), create: ms(0.5, 4), update: ms(0.5, 4), patch: ms(0.5, 4), delete: ms(0.5, 4), deletecollection: ms(10, 200) },
    maxInflight: { readonly: 1600, mutating: 800 },
    flowControl: { queues: 64, handSize: 8, queueLengthLimit: 500, queueWaitSeconds: 15 },
    faults: { throttleRate: 0, retryAfterSeconds: 1, errorRate: 0, stallRate: 0, stallMs: 0, watchCutMs: 0, watchOutageEveryMs: 0, watchOutageMs: 0, watchWindow: 50_000, cpuMsPerRequest: 0 },
  }),
};

type FieldKind = 'latency' | 'number' | 'string' | 'serviceTime' | 'maxInflight' | 'flowControl' | 'faults';

const FIELDS: Record<string, FieldKind> = {
  scheduling: 'latency',
  sandbox: 'latency',
  imagePull: 'latency',
  containerStart: 'latency',
  readiness: 'latency',
  podDeletion: 'latency',
  controllerSync: 'latency',
  jobPodRuntime: 'latency',
  volumeProvisioning: 'latency',
  volumeResize: 'latency',
  snapshotReady: 'latency',
  podsPerNode: 'number',
  nodeCpu: 'string',
  nodeMemory: 'string',
  podCidrPrefix: 'number',
  serviceTime: 'serviceTime',
  maxInflight: 'maxInflight',
  flowControl: 'flowControl',
  faults: 'faults',
};

const SERVICE_TIME_VERBS = ['get', 'list', 'create', 'update', 'patch', 'delete', 'deletecollection', 'watch'];
const FLOW_CONTROL_FIELDS = ['queues', 'handSize', 'queueLengthLimit', 'queueWaitSeconds'];
const FAULT_FIELDS = ['throttleRate', 'retryAfterSeconds', 'errorRate', 'stallRate', 'stallMs', 'watchCutMs', 'watchOutageEveryMs', 'watchOutageMs', 'watchWindow', 'cpuMsPerRequest'];
/** A second of CPU per request already starves the simulator at qps 1; more would only look like a hang. */
const MAX_CPU_MS_PER_REQUEST = 1000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class ProfileReader {
  constructor(private readonly file: string) {}

  fail(key: string, problem: string): never {
    throw new UserError(`profile ${this.file}: ${key}: ${problem}`, {
      hint: `profile keys: name, extends (${Object.keys(builtinProfiles).join(', ')}), ${Object.keys(FIELDS).join(', ')}`,
    });
  }

  record(key: string, value: unknown, allowed: string[]): Record<string, unknown> {
    if (!isRecord(value)) this.fail(key, 'must be a mapping');
    for (const k of Object.keys(value)) if (!allowed.includes(k)) this.fail(`${key}.${k}`, `unknown key (expected one of ${allowed.join(', ')})`);
    return value;
  }

  number(key: string, value: unknown, min = 0, max = Number.POSITIVE_INFINITY): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) this.fail(key, `must be a number from ${min} to ${max}`);
    return value;
  }

  latency(key: string, value: unknown): LatencySpec {
    const rec = this.record(key, value, ['p50', 'p99']);
    const p50 = this.number(`${key}.p50`, rec.p50);
    const p99 = this.number(`${key}.p99`, rec.p99);
    if (p99 < p50) this.fail(key, `p99 (${p99}) must not be below p50 (${p50})`);
    return { p50, p99 };
  }

  apply(base: SimProfile, doc: Record<string, unknown>): SimProfile {
    const profile = structuredClone(base);
    const target = profile as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(doc)) {
      if (key === 'name' || key === 'extends') continue;
      const kind = FIELDS[key];
      if (!kind) this.fail(key, 'unknown key');
      switch (kind) {
        case 'latency':
          target[key] = this.latency(key, value);
          break;
        case 'number':
          target[key] = this.number(key, value, key === 'podCidrPrefix' ? 8 : 1, key === 'podCidrPrefix' ? 30 : Number.POSITIVE_INFINITY);
          break;
        case 'string':
          if (typeof value !== 'string' && typeof value !== 'number') this.fail(key, 'must be a quantity such as "4" or "16Gi"');
          target[key] = String(value);
          break;
        case 'serviceTime': {
          const rec = this.record(key, value, SERVICE_TIME_VERBS);
          for (const [verb, spec] of Object.entries(rec)) (profile.serviceTime as Record<string, LatencySpec>)[verb] = this.latency(`${key}.${verb}`, spec);
          break;
        }
        case 'maxInflight': {
          const rec = this.record(key, value, ['readonly', 'mutating']);
          if (rec.readonly !== undefined) profile.maxInflight.readonly = this.number(`${key}.readonly`, rec.readonly, 1);
          if (rec.mutating !== undefined) profile.maxInflight.mutating = this.number(`${key}.mutating`, rec.mutating, 1);
          break;
        }
        case 'flowControl': {
          const rec = this.record(key, value, FLOW_CONTROL_FIELDS);
          const spec = profile.flowControl as unknown as Record<string, number>;
          for (const [field, v] of Object.entries(rec)) {
            const whole = field !== 'queueWaitSeconds';
            const n = this.number(`${key}.${field}`, v, field === 'queueLengthLimit' ? 0 : whole ? 1 : 0.001);
            if (whole && !Number.isInteger(n)) this.fail(`${key}.${field}`, 'must be a whole number');
            spec[field] = n;
          }
          if (profile.flowControl.handSize > profile.flowControl.queues) {
            this.fail(`${key}.handSize`, `${profile.flowControl.handSize} is more than the ${profile.flowControl.queues} queues it is dealt from`);
          }
          break;
        }
        case 'faults': {
          const rec = this.record(key, value, FAULT_FIELDS);
          const faults = profile.faults as unknown as Record<string, number>;
          for (const [field, v] of Object.entries(rec)) {
            const isRate = field === 'throttleRate' || field === 'errorRate' || field === 'stallRate';
            const max = isRate ? 1 : field === 'cpuMsPerRequest' ? MAX_CPU_MS_PER_REQUEST : Number.POSITIVE_INFINITY;
            faults[field] = this.number(`${key}.${field}`, v, field === 'watchWindow' ? 1 : 0, max);
          }
          const { watchOutageEveryMs: every, watchOutageMs: length } = profile.faults;
          if (every > 0 && length >= every) this.fail(`${key}.watchOutageMs`, `${length} is not shorter than watchOutageEveryMs ${every}: watches would never be served`);
          break;
        }
      }
    }
    return profile;
  }
}

/** A built-in profile by name, or a YAML file that overrides fields of `extends` (default: `default`). */
export function loadProfile(nameOrFile: string | SimProfile | undefined): SimProfile {
  if (nameOrFile === undefined) return structuredClone(defaultProfile);
  if (typeof nameOrFile !== 'string') return structuredClone(nameOrFile);
  const builtin = builtinProfiles[nameOrFile];
  if (builtin) return structuredClone(builtin);
  let text: string;
  try {
    text = readFileSync(nameOrFile, 'utf8');
  } catch {
    throw new UserError(`--profile ${nameOrFile}: neither a built-in profile nor a readable file`, {
      hint: `use one of ${Object.keys(builtinProfiles).join(', ')} or the path of a YAML profile file`,
    });
  }
  const reader: ProfileReader = new ProfileReader(nameOrFile);
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line;
    throw new UserError(`profile ${nameOrFile}${line ? `:${line}` : ''}: ${err.message.split('\n')[0]}`, { hint: 'fix the YAML syntax' });
  }
  const data: unknown = doc.toJS() ?? {};
  if (!isRecord(data)) reader.fail('(top level)', 'must be a mapping of profile settings');
  const baseName = data.extends === undefined ? 'default' : String(data.extends);
  const base = builtinProfiles[baseName];
  if (!base) reader.fail('extends', `unknown built-in profile "${baseName}" (expected one of ${Object.keys(builtinProfiles).join(', ')})`);
  const profile = reader.apply(base, data);
  profile.name = typeof data.name === 'string' ? data.name : basename(nameOrFile).replace(/\.ya?ml$/, '');
  return profile;
}
