import type https from 'node:https';
import type { User } from '@kubernetes/client-node';
import { ExecAuth, type Credential as ExecCredential } from '@kubernetes/client-node/dist/exec_auth.js';
import { nowMs } from '../shared/clock.js';
import { UserError } from '../shared/errors.js';
import type { ClusterTarget } from './kubeconfig.js';

/** What goes on each request (and, for exec plugins that return certificates, on each connection). */
export interface Credential {
  /** Value of the Authorization header, if any. */
  authorization?: string;
  /** Other headers the user asks for (Impersonate-User). */
  extraHeaders: Record<string, string>;
  /** Client certificate from an exec plugin (kubeconfig certificates live in ClusterTarget.tls). */
  cert?: string;
  key?: string;
  /** When to fetch it again (ms since epoch); Infinity for static credentials. */
  refreshAtMs: number;
}

/** Providers that may change what they return over time (token files, OIDC refresh) are re-asked this often. */
const PROVIDER_REFRESH_MS = 60_000;
/** Refresh exec credentials this long before they expire, at most a fifth of their lifetime. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Resolves the kubeconfig user's credentials through client-node and keeps them fresh:
 * exec plugins (e.g. `aws eks get-token`) are re-run before their expirationTimestamp, and
 * after a 401 the caller can force one refresh.
 */
export class CredentialSource {
  private cached: Credential | undefined;
  private pending: Promise<Credential> | undefined;

  constructor(private readonly target: ClusterTarget) {}

  /** The current credential if it is still fresh: the hot path, no promise. */
  fresh(): Credential | undefined {
    const c = this.cached;
    return c !== undefined && nowMs() < c.refreshAtMs ? c : undefined;
  }

  /** The current credential, fetching it when missing or due for refresh (one fetch at a time). */
  get(): Promise<Credential> {
    const fresh = this.fresh();
    if (fresh) return Promise.resolve(fresh);
    return this.refresh();
  }

  /** Fetches again now (after a 401), unless a fetch is already running. */
  refresh(): Promise<Credential> {
    if (!this.pending) {
      this.pending = this.fetch().then(
        (credential) => {
          this.cached = credential;
          this.pending = undefined;
          return credential;
        },
        (err: unknown) => {
          this.pending = undefined;
          throw err;
        },
      );
    }
    return this.pending;
  }

  private async fetch(): Promise<Credential> {
    const { user, kubeConfig } = this.target;
    const extraHeaders: Record<string, string> = {};
    if (user.impersonateUser) extraHeaders['Impersonate-User'] = user.impersonateUser;
    if (isExecUser(user)) return { ...(await this.runExecPlugin(user)), extraHeaders };
    const opts: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(opts);
    const headers = (opts.headers ?? {}) as Record<string, string | undefined>;
    let authorization = headers.Authorization ?? headers.authorization;
    if (!authorization && opts.auth) authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return {
      authorization,
      extraHeaders,
      refreshAtMs: user.authProvider ? nowMs() + PROVIDER_REFRESH_MS : Number.POSITIVE_INFINITY,
    };
  }

  private async runExecPlugin(user: User): Promise<Omit<Credential, 'extraHeaders'>> {
    // A new ExecAuth each time: client-node would otherwise hand back its cached credential until
    // the very moment it expires, and we want one ahead of expiry (or right after a 401).
    // Its credential (with expirationTimestamp) is only reachable through getCredential.
    const exec = new ExecAuth() as unknown as { getCredential(user: User): Promise<ExecCredential | null> };
    const command = (user.exec as { command?: string } | undefined)?.command ?? 'exec plugin';
    let credential: ExecCredential | null;
    try {
      credential = await exec.getCredential(user);
    } catch (err) {
      const detail = ((err as Error).message || String(err)).trim();
      throw new UserError(`the kubeconfig user "${user.name}" credential plugin \`${command}\` failed: ${detail}`, {
        hint: 'run the plugin by hand to see why (e.g. expired cloud login), or pick another --kube-context',
        cause: err,
      });
    }
    const status = credential?.status;
    if (!status || (!status.token && !status.clientCertificateData)) {
      throw new UserError(`the kubeconfig user "${user.name}" credential plugin \`${command}\` returned no token or certificate`);
    }
    return {
      authorization: status.token ? `Bearer ${status.token}` : undefined,
      cert: status.clientCertificateData || undefined,
      key: status.clientKeyData || undefined,
      refreshAtMs: refreshTime(status.expirationTimestamp),
    };
  }
}

function isExecUser(user: User): boolean {
  return Boolean(user.exec) || Boolean((user.authProvider as { config?: { exec?: unknown } } | undefined)?.config?.exec);
}

function refreshTime(expirationTimestamp: string | undefined): number {
  if (!expirationTimestamp) return Number.POSITIVE_INFINITY; // valid until the server says 401
  const expiresAt = Date.parse(expirationTimestamp);
  if (Number.isNaN(expiresAt)) return Number.POSITIVE_INFINITY;
  const now = nowMs();
  const margin = Math.min(EXPIRY_MARGIN_MS, Math.max(0, expiresAt - now) / 5);
  return expiresAt - margin;
}
