/**
 * kube-burner's job hooks: commands run as processes of their own at a stage of a job, in burn's
 * working directory and with burn's environment. At a stage, every background hook starts first,
 * then the foreground hooks run one after another; the first foreground hook that fails ends the
 * stage (the job goes on, and fails). Background hooks are waited for at the end of the job; one
 * that failed fails the job then. Each run's stdout and stderr go to a file of the run folder
 * (hooks/<job>/<stage>-<hook>-<run>.log) and its exit to the job's record.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hook, HookStage, Job } from '../config/index.js';
import type { HookRecord } from '../report/index.js';
import type { Logger } from '../shared/log.js';

/** How long a hook gets to exit after SIGTERM when the run stops, before SIGKILL. */
const KILL_GRACE_MS = 5000;

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The command as a user would type it, for messages. */
export function commandLine(cmd: readonly string[]): string {
  return cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The last lines a failing hook printed, for its error message. */
async function outputTail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const lines = text.trimEnd().split('\n').filter(Boolean).slice(-3).join(' | ');
  return lines.length > 300 ? `...${lines.slice(-300)}` : lines;
}

interface Started {
  /** Resolves once the process runs; rejects when it could not be started. */
  spawned: Promise<void>;
  /** Resolves with the record once the process ended (or could not start). */
  done: Promise<HookRecord>;
}

function notStarted(record: HookRecord): Started {
  const spawned = Promise.reject(new Error(record.error));
  spawned.catch(() => undefined);
  return { spawned, done: Promise.resolve(record) };
}

export class JobHooks {
  /** Every hook run of the job so far, in start order. */
  readonly records: HookRecord[] = [];
  private readonly running = new Set<ChildProcess>();
  private readonly background = new Set<Promise<HookRecord>>();
  private readonly runsOf = new Map<number, number>();
  private readonly onAbort = () => this.killAll();

  constructor(
    private readonly job: Job,
    private readonly options: { reportDir: string; log: Logger; signal: AbortSignal },
  ) {
    options.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Whether the job has a hook for `stage`. */
  has(stage: HookStage): boolean {
    return this.job.hooks.some((h) => h.when === stage);
  }

  /**
   * Runs the hooks of one stage: background ones started (not awaited), then foreground ones in
   * order. Resolves the stage's errors: the first foreground hook that failed, or a background
   * hook that could not start. Nothing runs once the run is stopped.
   */
  async run(stage: HookStage): Promise<string[]> {
    const hooks = this.job.hooks.filter((h) => h.when === stage);
    if (hooks.length === 0 || this.options.signal.aborted) return [];
    for (const hook of hooks.filter((h) => h.background)) {
      const started = await this.start(hook);
      try {
        await started.spawned;
      } catch {
        const record = await started.done;
        return [this.failure(record)];
      }
      const done = started.done;
      this.background.add(done);
      void done.finally(() => this.background.delete(done));
    }
    for (const hook of hooks.filter((h) => !h.background)) {
      if (this.options.signal.aborted) return [];
      const record = await (await this.start(hook)).done;
      if (record.error) return [this.failure(record)];
    }
    return [];
  }

  /** At the end of the job: waits for every background hook still running; resolves the errors of those that failed. */
  async settle(): Promise<string[]> {
    const pending = [...this.background];
    if (pending.length) this.options.log.info(`job ${this.job.name}: waiting for ${pending.length} background hook run(s) to end`);
    const records = await Promise.all(pending);
    return records.filter((r) => r.error).map((r) => this.failure(r));
  }

  /** The errors of every background run that ended in failure, including those that ended before settle. */
  private failure(record: HookRecord): string {
    return `hook ${record.hook} (${record.when}${record.background ? ', background' : ''}: ${commandLine(record.cmd)}) ${record.error}; output in ${record.log}`;
  }

  private async start(hook: Hook): Promise<Started> {
    const { job, options } = this;
    const run = (this.runsOf.get(hook.index) ?? 0) + 1;
    this.runsOf.set(hook.index, run);
    const log = join('hooks', job.name, `${hook.when}-${hook.index + 1}-${run}.log`);
    const record: HookRecord = { hook: hook.index + 1, when: hook.when, cmd: hook.cmd, background: hook.background, run, start: new Date().toISOString(), exitCode: null, signal: null, log };
    this.records.push(record);
    const t0 = performance.now();
    const finish = (fields: Partial<HookRecord>): HookRecord => {
      Object.assign(record, fields, { end: new Date().toISOString(), durationMs: Math.round(performance.now() - t0) });
      return record;
    };
    const where = `job ${job.name}: hook ${hook.index + 1} (${hook.when}${hook.background ? ', background' : ''})`;
    options.log.info(`${where}: ${commandLine(hook.cmd)}`);

    let output;
    try {
      await mkdir(join(options.reportDir, 'hooks', job.name), { recursive: true });
      output = await open(join(options.reportDir, log), 'w');
    } catch (err) {
      return notStarted(finish({ error: `could not start: its output file ${log} cannot be written (${messageOf(err)})` }));
    }
    const file = output;
    let child: ChildProcess;
    try {
      // detached: a process group of its own, so a stopped run can end the hook and what it started.
      child = spawn(hook.cmd[0]!, hook.cmd.slice(1), { cwd: process.cwd(), env: process.env, stdio: ['ignore', file.fd, file.fd], detached: true });
    } catch (err) {
      await file.close();
      return notStarted(finish({ error: `could not start: ${messageOf(err)}` }));
    }
    this.running.add(child);
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    spawned.catch(() => undefined);
    let ended = false;
    const done = new Promise<HookRecord>((resolve) => {
      child.once('error', (err) => {
        if (ended) return;
        ended = true;
        this.running.delete(child);
        void file.close().finally(() => resolve(finish({ error: `could not start: ${messageOf(err)}` })));
      });
      child.once('exit', (code, signal) => {
        if (ended) return;
        ended = true;
        this.running.delete(child);
        void file.close().finally(async () => {
          const killed = this.options.signal.aborted && signal !== null;
          let error: string | undefined;
          if (killed) error = 'was stopped: the run stopped before it ended';
          else if (signal) error = `was killed by ${signal}`;
          else if (code !== 0) error = `exited with code ${code}`;
          if (error && !killed) {
            const tail = await outputTail(join(options.reportDir, log));
            if (tail) error += ` (last output: ${tail})`;
          }
          resolve(finish({ exitCode: code, signal, ...(error ? { error } : {}) }));
          if (error) options.log.error(`${where} ${error}`);
          else options.log.info(`${where} ended with exit code 0 after ${((record.durationMs ?? 0) / 1000).toFixed(2)}s`);
        });
      });
    });
    return { spawned, done };
  }

  /** The run stopped: every hook still running gets SIGTERM, then SIGKILL after a grace period. */
  private killAll(): void {
    for (const child of this.running) {
      const pid = child.pid;
      if (pid === undefined) continue;
      const signalGroup = (sig: NodeJS.Signals) => {
        try {
          process.kill(-pid, sig);
        } catch {
          // already gone
        }
      };
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
      timer.unref();
      child.once('exit', () => clearTimeout(timer));
    }
  }
}
