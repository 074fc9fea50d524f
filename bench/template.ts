/**
 * Template rendering speed: 10,000 small kube-burner-style objects through the cached Go template
 * (and the Handlebars twin). Run: BURN_BENCH=template npx vite-node bench/template.ts
 */
import { compileTemplate } from '../src/template/index.js';

const GO_POD = `apiVersion: v1
kind: Pod
metadata:
  name: {{ .JobName }}-{{ printf "%05d" .Iteration }}-{{ .Replica }}
  labels:
    app: {{ .JobName }}
    shard: "{{ mod .Iteration 8 }}"
spec:
  containers:
  {{- range $i := until .containers }}
  - name: c{{ $i }}
    image: {{ $.image | default "registry.k8s.io/pause:3.10" }}
    resources:
      requests:
        cpu: {{ add 10 (mul $i 5) }}m
        memory: {{ printf "%dMi" (div 256 (add1 $i)) }}
  {{- end }}
`;

const HBS_POD = `apiVersion: v1
kind: Pod
metadata:
  name: {{JobName}}-{{printf "%05d" Iteration}}-{{Replica}}
  labels:
    app: {{JobName}}
    shard: "{{mod Iteration 8}}"
spec:
  containers:
{{#each (until containers)}}
  - name: c{{this}}
    image: {{default "registry.k8s.io/pause:3.10" @root.image}}
    resources:
      requests:
        cpu: {{add 10 (mul this 5)}}m
        memory: {{printf "%dMi" (div 256 (add1 this))}}
{{/each}}
`;

export interface TemplateFigure {
  objects: number;
  /** Go engine, cached parse. */
  objectsPerSecond: number;
  msFor10k: number;
  handlebarsObjectsPerSecond: number;
  /** One parse of the Go template (cache miss). */
  compileMs: number;
}

function renderMany(render: (data: Record<string, unknown>) => string, objects: number): number {
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < objects; i++) {
    bytes += render({ Iteration: i, Replica: 1, JobName: 'bench', UUID: 'u', RunID: 'r', containers: 2, image: '' }).length;
  }
  if (bytes === 0) throw new Error('nothing rendered');
  return performance.now() - start;
}

export function benchTemplate(objects = 10_000): TemplateFigure {
  const compileStart = performance.now();
  const go = compileTemplate(GO_POD, { file: `bench-${Date.now()}.yaml` });
  const compileMs = performance.now() - compileStart;
  const hbs = compileTemplate(HBS_POD, { file: 'bench.hbs' });
  renderMany(go.render, 1000); // warm up
  renderMany(hbs.render, 1000);
  const goMs = renderMany(go.render, objects);
  const hbsMs = renderMany(hbs.render, objects);
  return {
    objects,
    objectsPerSecond: Math.round((objects / goMs) * 1000),
    msFor10k: Math.round((goMs / objects) * 10_000 * 10) / 10,
    handlebarsObjectsPerSecond: Math.round((objects / hbsMs) * 1000),
    compileMs: Math.round(compileMs * 100) / 100,
  };
}

// vite-node hides the script path from argv, so a direct run is flagged by BURN_BENCH (plain node keeps argv).
if (process.env.BURN_BENCH === 'template' || process.argv.some((a) => a.endsWith('bench/template.ts'))) {
  console.log(JSON.stringify(benchTemplate(), null, 2));
}
