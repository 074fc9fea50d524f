/**
 * Every flag of every kube-burner v2.7.3 subcommand burn has (read from kube-burner's cmd/kube-burner and
 * pkg/util/cmd.go at v2.7.3; index, import and check-alerts are listed with their own commands' tests)
 * is accepted by the same burn command, under the same long and short names, and is listed in its help.
 * The actions are replaced by a recorder, so nothing runs: this is about the command line.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

interface Flag {
  long: string;
  short?: string;
  /** A value to pass (cobra's string, duration and slice flags); booleans take none. */
  value?: string;
}

/** kube-burner v2.7.3: `kube-burner <command> --help`, as facts. */
const KUBE_BURNER_FLAGS: Record<string, Flag[]> = {
  init: [
    { long: 'uuid', value: 'flags-test' },
    { long: 'metrics-endpoint', short: 'e', value: 'endpoints.yml' },
    { long: 'skip-tls-verify' },
    { long: 'timeout', value: '4h' },
    { long: 'config', short: 'c', value: 'config.yml' },
    { long: 'configmap', value: 'kube-burner-config' },
    { long: 'namespace', short: 'n', value: 'default' },
    { long: 'user-metadata', value: 'metadata.yml' },
    { long: 'kubeconfig', value: 'kubeconfig' },
    { long: 'kube-context', value: 'ctx' },
    { long: 'user-data', value: 'data.yml' },
    { long: 'allow-missing' },
    { long: 'skip-log-file' },
    { long: 'set', value: 'jobs.0.qps=5' },
  ],
  destroy: [
    { long: 'user-data', value: 'data.yml' },
    { long: 'timeout', value: '4h' },
    { long: 'kubeconfig', value: 'kubeconfig' },
    { long: 'kube-context', value: 'ctx' },
    { long: 'skip-log-file' },
    { long: 'config', short: 'c', value: 'config.yml' },
  ],
  measure: [
    { long: 'uuid', value: 'flags-test' },
    { long: 'user-metadata', value: 'metadata.yml' },
    { long: 'config', short: 'c', value: 'config.yml' },
    { long: 'job-name', short: 'j', value: 'kube-burner-measure' },
    { long: 'selector', short: 'l', value: 'app=x' },
    { long: 'kubeconfig', value: 'kubeconfig' },
    { long: 'kube-context', value: 'ctx' },
    { long: 'skip-log-file' },
    { long: 'duration', value: '10m' },
  ],
  'health-check': [
    { long: 'kubeconfig', value: 'kubeconfig' },
    { long: 'kube-context', value: 'ctx' },
    { long: 'skip-log-file' },
  ],
  version: [],
  completion: [],
};
/** The root command's persistent flags, accepted by every subcommand. */
const GLOBAL_FLAGS: Flag[] = [{ long: 'log-level', value: 'debug' }];

/** The program with every action replaced by one that records the options the command got. */
async function recordingProgram(): Promise<{ program: Command; seen: Map<string, Record<string, unknown>> }> {
  const program = await buildProgram();
  program.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const seen = new Map<string, Record<string, unknown>>();
  for (const command of program.commands) command.action((...args: unknown[]) => void seen.set(command.name(), (args.at(-1) as Command).opts()));
  return { program, seen };
}

async function parse(args: string[]): Promise<Map<string, Record<string, unknown>>> {
  const { program, seen } = await recordingProgram();
  await program.parseAsync(['node', 'burn', ...args]);
  return seen;
}

const camel = (long: string) => long.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
const cases = Object.entries(KUBE_BURNER_FLAGS).flatMap(([command, flags]) => [...flags, ...GLOBAL_FLAGS].map((flag) => ({ command, flag })));

describe("kube-burner's flags", () => {
  it('burn has every kube-burner subcommand but those of the indexing commands', async () => {
    const names = (await buildProgram()).commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(Object.keys(KUBE_BURNER_FLAGS)));
  });

  it.each(cases)('$command --$flag.long is accepted and listed in the help', async ({ command, flag }) => {
    const { program } = await recordingProgram();
    const sub = program.commands.find((c) => c.name() === command)!;
    const options = [...sub.options, ...program.options];
    const option = options.find((o) => o.long === `--${flag.long}`);
    expect(option, `burn ${command} has no --${flag.long}`).toBeDefined();
    if (flag.short) expect(option!.short, `burn ${command} --${flag.long} lacks -${flag.short}`).toBe(`-${flag.short}`);
    expect(option!.hidden).toBe(false);

    const forms = [[`--${flag.long}`, ...(flag.value !== undefined ? [flag.value] : [])]];
    if (flag.value !== undefined) forms.push([`--${flag.long}=${flag.value}`]);
    if (flag.short) forms.push([`-${flag.short}`, ...(flag.value !== undefined ? [flag.value] : [])]);
    for (const form of forms) {
      const seen = await parse([command, ...form]);
      expect(seen.has(command), `burn ${command} ${form.join(' ')}`).toBe(true);
      const value = seen.get(command)![camel(flag.long)];
      expect(value, `burn ${command} ${form.join(' ')}`).toBeDefined();
    }
  });

  it('takes boolean flags written with a value, as cobra does (--skip-tls-verify=false)', async () => {
    expect((await parse(['init', '--skip-tls-verify=false'])).get('init')!.skipTlsVerify).toBe(false);
    expect((await parse(['init', '--skip-tls-verify=true'])).get('init')!.skipTlsVerify).toBe(true);
    expect((await parse(['init', '--allow-missing'])).get('init')!.allowMissing).toBe(true);
    expect((await parse(['measure', '--skip-log-file=false'])).get('measure')!.skipLogFile).toBe(false);
    await expect(parse(['init', '--skip-tls-verify=maybe'])).rejects.toThrow(/"maybe" is not true or false/);
  });

  it('takes --log-level before or after the command, with kube-burner level names', async () => {
    expect((await parse(['--log-level', 'debug', 'measure'])).get('measure')!.logLevel).toBe('debug');
    expect((await parse(['measure', '--log-level', 'warn'])).get('measure')!.logLevel).toBe('warn');
    expect((await parse(['health-check', '--log-level=fatal'])).get('health-check')!.logLevel).toBe('error');
    expect((await parse(['destroy', '-c', 'x.yml'])).get('destroy')!.logLevel).toBe('info');
  });

  it("keeps kube-burner's defaults where burn has the flag: measure for 10m as job kube-burner-measure, destroy waits 4h", async () => {
    const measure = (await parse(['measure'])).get('measure')!;
    expect(measure).toMatchObject({ duration: 600_000, jobName: 'kube-burner-measure', selector: '' });
    expect((await parse(['init', '-c', 'x.yml'])).get('init')).toMatchObject({ namespace: 'default', set: [] });
    expect((await parse(['init', '--set', 'a=1,b=2', '--set', 'c=3'])).get('init')!.set).toEqual(['a=1,b=2', 'c=3']);
  });
});
