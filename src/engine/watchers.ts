/**
 * kube-burner's job `watchers`: for the length of a job, `replicas` list+watch streams (informers in
 * kube-burner) per entry on one kind across every namespace, filtered by `labelSelector`, to put the
 * load of watching clients on the API server. Started (and synced) before the job's measurements,
 * stopped after them. Nothing is measured from them: burn records what each one saw.
 */
import type { Job, Watcher } from '../config/index.js';
import type { KubeClient, WatchHandle } from '../kube/index.js';
import type { WatcherRecord } from '../report/index.js';
import type { Logger } from '../shared/log.js';

/** kube-burner gives a watcher's first list this long. */
const SYNC_TIMEOUT_MS = 60_000;

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function selectorText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

interface Running {
  record: WatcherRecord;
  handle?: WatchHandle;
  /** namespace/name of what the watcher holds now. */
  objects: Set<string>;
}

export class JobWatchers {
  private readonly running: Running[] = [];

  constructor(
    private readonly job: Job,
    private readonly client: KubeClient,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {}

  /** Starts every watcher replica and waits until each has listed; resolves the errors of those that could not. */
  async start(): Promise<string[]> {
    const starts: Array<Promise<string | undefined>> = [];
    this.job.watchers.forEach((watcher, i) => {
      for (let replica = 1; replica <= watcher.replicas; replica++) starts.push(this.startOne(watcher, i + 1, replica));
    });
    const errors = (await Promise.all(starts)).filter((e): e is string => e !== undefined);
    const synced = this.running.filter((r) => r.record.synced).length;
    if (this.running.length) this.log.info(`job ${this.job.name}: ${synced} of ${this.running.length} watcher(s) listed and watching`);
    return errors;
  }

  private async startOne(watcher: Watcher, index: number, replica: number): Promise<string | undefined> {
    const apiVersion = watcher.apiVersion || 'v1';
    const labelSelector = selectorText(watcher.labelSelector);
    // kube-burner's name for it
    const name = `${watcher.kind.toLowerCase()}_watcher_${index}_replica_${replica}`;
    const record: WatcherRecord = { name, kind: watcher.kind, apiVersion, labelSelector, synced: false, objectsAtSync: 0, added: 0, modified: 0, deleted: 0, objectsAtStop: 0, errors: [] };
    const objects = new Set<string>();
    const entry: Running = { record, objects };
    this.running.push(entry);
    let syncing = true;
    const keyOf = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    try {
      entry.handle = this.client.watchResources<string>({
        apiVersion,
        kind: watcher.kind,
        labelSelector: labelSelector || undefined,
        project: keyOf,
        signal: this.signal,
        onEvent: (type, key) => {
          if (type === 'DELETED') objects.delete(key);
          else objects.add(key);
          if (syncing) return;
          if (type === 'ADDED') record.added++;
          else if (type === 'MODIFIED') record.modified++;
          else record.deleted++;
        },
        onError: (err) => record.errors.push(messageOf(err)),
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not listed after ${SYNC_TIMEOUT_MS / 1000}s`)), SYNC_TIMEOUT_MS);
      });
      try {
        await Promise.race([entry.handle.synced, timeout]);
      } finally {
        clearTimeout(timer);
      }
      syncing = false;
      record.synced = true;
      record.objectsAtSync = objects.size;
      return undefined;
    } catch (err) {
      const message = `watcher ${name} (${watcher.kind} ${apiVersion}${labelSelector ? `, ${labelSelector}` : ''}) did not start: ${messageOf(err)}`;
      record.errors.push(message);
      await entry.handle?.stop().catch(() => undefined);
      entry.handle = undefined;
      return this.signal.aborted ? undefined : message;
    }
  }

  /** Stops every watcher; resolves what each one saw. */
  async stop(): Promise<WatcherRecord[]> {
    for (const entry of this.running) {
      await entry.handle?.stop().catch((err: unknown) => entry.record.errors.push(`stopping: ${messageOf(err)}`));
      entry.handle = undefined;
      entry.record.objectsAtStop = entry.record.synced ? entry.objects.size : 0;
    }
    return this.running.map((r) => r.record);
  }
}
