/**
 * Every object a create job will send, rendered as create-job.ts renders them (burn's labels, the
 * iteration's namespace), for a measurement that must know them before they exist: netpolLatency
 * hands its client pods the connections the job's NetworkPolicies will allow, as kube-burner does.
 * Rendered lazily: only a measurement that asks pays for it.
 */
import { createsInIteration, namespaceForIteration, type Job } from '../config/index.js';
import type { KubeObject } from '../kube/index.js';
import type { ObjectRenderer } from './objects.js';

export function plannedObjects(job: Job, renderer: ObjectRenderer): () => AsyncIterable<KubeObject> {
  return async function* () {
    if (job.jobType !== 'create') return;
    for (let iteration = 0; iteration < job.jobIterations; iteration++) {
      const namespace = namespaceForIteration(job, iteration);
      for (const object of job.objects.filter((o) => createsInIteration(o, iteration))) {
        for (let replica = 1; replica <= object.replicas; replica++) {
          for (const obj of await renderer.render({ job, object, iteration, replica })) {
            if (!obj.metadata.namespace && namespace) obj.metadata.namespace = namespace;
            yield obj;
          }
        }
      }
    }
  };
}
