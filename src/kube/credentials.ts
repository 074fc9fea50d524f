import type https from 'node:https';
import type { User } from '@kubernetes/client-node';
import { nowMs } from '../shared/clock.js';
import { runExecPlugin, type ExecConfig } from './exec-credential.js';
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
 * Resolves the kubeconfig user's credentials and keeps them fresh: exec plugins (e.g.
 * `aws eks get-token`, run by exec-credential.ts) are re-run before their expirationTimestamp;
 * tokens and basic auth are read from the user; auth providers (token files, OIDC, the legacy
 * azure and gcp ones) are served by client-node's authenticators, loaded only for a user that has
 * one; after a 401 the caller can force one refresh.
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
    const { user } = this.target;
    const extraHeaders: Record<string, string> = {};
    if (user.impersonateUser) extraHeaders['Impersonate-User'] = user.impersonateUser;
    const exec = execConfig(user);
    if (exec) return { ...(await this.runExecPlugin(exec)), extraHeaders };
    // As client-node's KubeConfig: the auth provider first, a token in the user wins over it, basic auth last.
    let authorization = user.authProvider ? await authProviderHeader(user) : undefined;
    if (user.token) authorization = `Bearer ${user.token}`;
    if (!authorization && user.username) authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
    return {
      authorization,
      extraHeaders,
      refreshAtMs: user.authProvider ? nowMs() + PROVIDER_REFRESH_MS : Number.POSITIVE_INFINITY,
    };
  }

  private async runExecPlugin(exec: ExecConfig): Promise<Omit<Credential, 'extraHeaders'>> {
    const { user, server, tls } = this.target;
    const status = await runExecPlugin(exec, {
      userName: user.name,
      cluster: {
        server,
        ...(tls.ca ? { 'certificate-authority-data': tls.ca.toString('base64') } : {}),
        ...(tls.rejectUnauthorized ? {} : { 'insecure-skip-tls-verify': true }),
        ...(tls.servername ? { 'tls-server-name': tls.servername } : {}),
      },
    });
    return {
      authorization: status.token ? `Bearer ${status.token}` : undefined,
      cert: status.clientCertificateData || undefined,
      key: status.clientKeyData || undefined,
      refreshAtMs: refreshTime(status.expirationTimestamp),
    };
  }
}

interface Authenticator {
  isAuthProvider(user: User): boolean;
  applyAuthentication(user: User, opts: https.RequestOptions): Promise<void>;
}

let authenticators: Promise<Authenticator[]> | undefined;

/** client-node's authenticators for kubeconfig auth providers, loaded once, on first need. */
function authProviders(): Promise<Authenticator[]> {
  authenticators ??= Promise.all([
    import('@kubernetes/client-node/dist/azure_auth.js').then((m) => new m.AzureAuth()),
    import('@kubernetes/client-node/dist/gcp_auth.js').then((m) => new m.GoogleCloudPlatformAuth()),
    import('@kubernetes/client-node/dist/file_auth.js').then((m) => new m.FileAuth()),
    import('@kubernetes/client-node/dist/oidc_auth.js').then((m) => new m.OpenIDConnectAuth()),
  ]);
  return authenticators;
}

/** The Authorization header the user's auth provider gives, if one of client-node's authenticators serves it. */
async function authProviderHeader(user: User): Promise<string | undefined> {
  const provider = (await authProviders()).find((a) => a.isAuthProvider(user));
  if (!provider) return undefined;
  const opts: https.RequestOptions = { headers: {} };
  await provider.applyAuthentication(user, opts);
  const headers = opts.headers as Record<string, string | undefined>;
  return headers.Authorization ?? headers.authorization;
}

/** The user's exec plugin: `user.exec`, or the older form nested in an auth provider's config. */
function execConfig(user: User): ExecConfig | undefined {
  const nested = (user.authProvider as { config?: { exec?: ExecConfig } } | undefined)?.config?.exec;
  return (user.exec as ExecConfig | undefined) ?? nested ?? undefined;
}

function refreshTime(expirationTimestamp: string | undefined): number {
  if (!expirationTimestamp) return Number.POSITIVE_INFINITY; // valid until the server says 401
  const expiresAt = Date.parse(expirationTimestamp);
  if (Number.isNaN(expiresAt)) return Number.POSITIVE_INFINITY;
  const now = nowMs();
  const margin = Math.min(EXPIRY_MARGIN_MS, Math.max(0, expiresAt - now) / 5);
  return expiresAt - margin;
}
