/**
 * `burn completion` scripts load in the real shells and complete burn's commands, flags and flag values;
 * `burn version` prints kube-burner's version lines. The scripts are checked with each shell that is
 * installed (bash always; zsh and fish where Debian's packages are: `apt-get install zsh fish`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'burn-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function burn(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, 'bin', 'burn.js'), ...args], { cwd: repo }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function installed(shell: string): boolean {
  try {
    execFileSync(shell, ['-c', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(shell: string, args: string[]): string {
  return execFileSync(shell, args, { encoding: 'utf8', env: { ...process.env, HOME: dir } });
}

const scripts: Record<string, string> = {};
beforeAll(async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await burn(['completion', shell]);
    expect(r.code, r.stderr).toBe(0);
    scripts[shell] = path.join(dir, `burn.${shell}`);
    writeFileSync(scripts[shell]!, r.stdout);
  }
});

describe('burn completion', () => {
  it('prints the bash script without an argument, as kube-burner completion does, and refuses other shells', async () => {
    const plain = await burn(['completion']);
    expect(plain.stdout).toContain('complete -o default -F _burn burn');
    const tcsh = await burn(['completion', 'tcsh']);
    expect(tcsh.code).toBe(1);
    expect(tcsh.stderr).toMatch(/'tcsh' is invalid .* bash, zsh, fish/);
  });

  it('bash: the script parses and completes commands, flags, flag values and the shell argument', () => {
    run('bash', ['-n', scripts.bash!]);
    const complete = (...words: string[]) =>
      run('bash', ['-c', `source ${scripts.bash}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _burn; printf '%s\\n' "\${COMPREPLY[@]}"`]).trim().split('\n');
    expect(complete('burn', 'he')).toEqual(['health-check']);
    expect(complete('burn', 'init', '--sim-p')).toEqual(['--sim-profile']);
    expect(complete('burn', 'init', '--log-level', '')).toEqual(['debug', 'info', 'warn', 'error', 'fatal']);
    expect(complete('burn', 'measure', '-c', 'x.yml', '--job')).toEqual(['--job-name']);
    expect(complete('burn', 'sim', '')).toContain('serve');
    expect(complete('burn', 'completion', '')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
  });

  it.skipIf(!installed('zsh'))('zsh: the script parses and defines a completion function per command (skipped when zsh is not installed)', () => {
    run('zsh', ['-n', scripts.zsh!]);
    const functions = run('zsh', ['-c', `autoload -U compinit; compinit -u -d ${dir}/zcompdump; source ${scripts.zsh}; print -l \${(ok)functions[(I)_burn*]}`]);
    expect(functions.split('\n')).toEqual(expect.arrayContaining(['_burn', '_burn_init', '_burn_health_check', '_burn_sim_serve', '_burn_completion']));
  });

  it.skipIf(!installed('fish'))('fish: the script parses and completes commands, flags and values (skipped when fish is not installed)', () => {
    run('fish', ['--no-execute', scripts.fish!]);
    const complete = (line: string) => run('fish', ['-c', `source ${scripts.fish}; complete -C '${line}'`]).trim().split('\n').map((l) => l.split('\t')[0]);
    expect(complete('burn health')).toEqual(['health-check']);
    expect(complete('burn init --sim-p')).toEqual(['--sim-profile']);
    expect(complete('burn completion ')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
    expect(complete('burn destroy --time')).toEqual(['--timeout']);
  });
});

describe('burn version', () => {
  it("prints kube-burner's version lines with burn's values, then the kube-burner release burn follows; --version stays one line", async () => {
    const r = await burn(['version']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['Version', 'Git Commit', 'Build Date', 'Node Version', 'OS/Arch', 'kube-burner compatibility']);
    expect(lines[0]).toMatch(/^Version: \d+\.\d+\.\d+/);
    expect(lines[1]).toMatch(/^Git Commit: ([0-9a-f]{40}(-dirty)?|unknown)$/);
    expect(lines[3]).toBe(`Node Version: ${process.version}`);
    expect(lines[5]).toBe('kube-burner compatibility: v2.7.3');
    const short = await burn(['--version']);
    expect(short.stdout.trim()).toBe(lines[0]!.slice('Version: '.length));
  });
});
