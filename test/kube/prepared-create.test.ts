import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { parseRenderedDocuments } from '../../src/engine/rendered-yaml.js';
import type { KubeObject } from '../../src/kube/client.js';
import { labelsSent, prepareCreate, type PreparedCreate } from '../../src/kube/prepared-create.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A rendered ConfigMap whose YAML text is mostly a 256 KB comment: what the object's strings point into. */
function rendered(i: number): KubeObject {
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-density-configmap-${i}\n  namespace: cluster-density-${i}\n  labels:\n    kube-burner.io/job: cluster-density-job\n    app: cluster-density-application\ndata:\n  key: value\n${'#'.repeat(256 * 1024)}\n`;
  return parseRenderedDocuments(text)[0] as KubeObject;
}

/** Heap used after keeping, for each of 40 rendered documents, what `keep` keeps of it. */
function heapKeeping(keep: (obj: KubeObject) => unknown): { grown: number; kept: unknown[] } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: unknown[] = [];
  for (let i = 0; i < 40; i++) kept.push(keep(rendered(i)));
  gc();
  return { grown: process.memoryUsage().heapUsed - before, kept };
}

describe('prepareCreate', () => {
  it('keeps the body and names of a create without the rendered YAML they were read from; the labels sent are read back from the body', () => {
    // The names and labels as read: slices of the text, so the 40 texts stay.
    const sliced = heapKeeping((obj) => ({ name: obj.metadata.name, labels: obj.metadata.labels }));
    const prepared = heapKeeping((obj) => prepareCreate(obj));
    expect(sliced.grown).toBeGreaterThan(8 * 1024 * 1024);
    expect(prepared.grown).toBeLessThan(1024 * 1024);
    const seventh = prepared.kept[7] as PreparedCreate;
    expect(seventh).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'cluster-density-7', name: 'cluster-density-configmap-7' });
    const labels = { 'kube-burner.io/job': 'cluster-density-job', app: 'cluster-density-application' };
    expect(labelsSent(seventh.body)).toEqual(labels);
    expect(JSON.parse(seventh.body)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-density-configmap-7', namespace: 'cluster-density-7', labels }, data: { key: 'value' } });
  });

  it('takes the namespace asked for when the object names none, and leaves the name to the server for generateName', () => {
    const prepared = prepareCreate({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'client-' } }, 'traffic');
    expect(prepared).toMatchObject({ namespace: 'traffic', name: undefined, generateName: 'client-' });
    expect(labelsSent(prepared.body)).toEqual({});
  });
});
