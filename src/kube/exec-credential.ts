/**
 * Kubeconfig exec credential plugins (`users[].user.exec`, e.g. `aws eks get-token`,
 * `gke-gcloud-auth-plugin`, `kubelogin`), run as client-go runs them: the command with its args,
 * the user's environment plus the entry's `env`, KUBERNETES_EXEC_INFO describing the call, the
 * terminal's stdin only when the plugin may be interactive; its stdout is an ExecCredential
 * (client.authentication.k8s.io/v1 or v1beta1). Caching until expirationTimestamp is the
 * caller's (CredentialSource).
 */
import { spawn } from 'node:child_process';
import { UserError } from '../shared/errors.js';

export const EXEC_CREDENTIAL_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;

export type InteractiveMode = 'Never' | 'IfAvailable' | 'Always';

/** The kubeconfig's `exec:` entry, as written there. */
export interface ExecConfig {
  apiVersion?: string;
  command?: string;
  args?: string[];
  env?: Array<{ name: string; value: string }> | null;
  installHint?: string;
  interactiveMode?: InteractiveMode;
  provideClusterInfo?: boolean;
}

/** `status` of the ExecCredential a plugin prints. */
export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

export interface ExecCall {
  /** The kubeconfig user's name, for messages. */
  userName: string;
  /** Sent in KUBERNETES_EXEC_INFO when the entry sets provideClusterInfo. */
  cluster?: { server: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean; 'tls-server-name'?: string };
  /** Whether stdin is a terminal the plugin may prompt on (default: process.stdin.isTTY). */
  stdinIsTerminal?: boolean;
  /** A non-interactive plugin that has not answered after this long is stopped (default 2 minutes). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Of a failing plugin's stderr, this much goes into the message (its last lines are the reason). */
const STDERR_KEPT = 2_000;

/** Runs the plugin once and returns the credential it printed; a UserError naming the command otherwise. */
export async function runExecPlugin(exec: ExecConfig, call: ExecCall): Promise<ExecCredentialStatus> {
  const command = exec.command;
  const fail = (why: string, hint?: string, cause?: unknown): UserError =>
    new UserError(`the kubeconfig user "${call.userName}" credential plugin \`${command ?? 'exec'}\` ${why}`, {
      hint: hint ?? 'run the plugin by hand to see why (e.g. an expired cloud login), or pick another --kube-context',
      cause,
    });
  if (!command) throw fail('has no command', 'set users[].user.exec.command in the kubeconfig');
  const apiVersion = exec.apiVersion ?? EXEC_CREDENTIAL_VERSIONS[1];
  if (!(EXEC_CREDENTIAL_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw fail(`asks for apiVersion "${apiVersion}", which burn does not speak`, `use ${EXEC_CREDENTIAL_VERSIONS.join(' or ')}`);
  }
  const mode: InteractiveMode = exec.interactiveMode ?? 'IfAvailable';
  const terminal = call.stdinIsTerminal ?? Boolean(process.stdin.isTTY);
  if (mode === 'Always' && !terminal) {
    throw fail('needs an interactive terminal (interactiveMode: Always) and stdin is not one', 'log in once by hand in a terminal, or run burn from one');
  }
  const interactive = mode !== 'Never' && terminal;
  const info = {
    apiVersion,
    kind: 'ExecCredential',
    spec: { interactive, ...(exec.provideClusterInfo && call.cluster ? { cluster: call.cluster } : {}) },
  };
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const { name, value } of exec.env ?? []) env[name] = value;

  const { code, stdout, stderr, error } = await run(command, exec.args ?? [], env, interactive, interactive ? 0 : (call.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  if (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing) throw fail('is not installed (command not found)', exec.installHint?.trim() || 'install it or fix users[].user.exec.command in the kubeconfig', error);
    throw fail(`could not run: ${error.message}`, undefined, error);
  }
  if (code !== 0) throw fail(`failed (${code}): ${stderr.trim().slice(-STDERR_KEPT) || 'no message'}`);

  let printed: { apiVersion?: unknown; kind?: unknown; status?: ExecCredentialStatus };
  try {
    printed = JSON.parse(stdout);
  } catch {
    throw fail(`printed something that is not an ExecCredential JSON document: ${stdout.trim().slice(0, 200) || '(nothing)'}`);
  }
  if (printed?.kind !== 'ExecCredential') throw fail(`printed kind "${String(printed?.kind)}", not ExecCredential`);
  if (printed.apiVersion !== apiVersion) {
    throw fail(`answered with apiVersion "${String(printed.apiVersion)}" where the kubeconfig asks for "${apiVersion}"`, 'set users[].user.exec.apiVersion to the version the plugin prints');
  }
  const status = printed.status;
  if (!status || (!status.token && !(status.clientCertificateData && status.clientKeyData))) {
    throw fail('returned no token and no client certificate with key');
  }
  return status;
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  interactive: boolean,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: [interactive ? 'inherit' : 'ignore', 'pipe', interactive ? 'inherit' : 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    let error: Error | undefined;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            error = new Error(`no answer after ${Math.round(timeoutMs / 1000)} s`);
            child.kill('SIGKILL');
          }, timeoutMs)
        : undefined;
    child.on('error', (e) => {
      error ??= e;
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), error });
    });
  });
}
