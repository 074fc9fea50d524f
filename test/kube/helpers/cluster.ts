import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectCluster, type KubeClient } from '../../../src/kube/index.js';
import type { ConnectOptions } from '../../../src/kube/index.js';
import { makePki, type TestPki } from './certs.js';
import { FakeApiServer } from './fake-apiserver.js';
import { writeKubeconfig } from './kubeconfig.js';

/** A fake API server with a token-authenticated kubeconfig for it, and clients to close after each test. */
export class TestCluster {
  pki!: TestPki;
  server!: FakeApiServer;
  kubeconfig!: string;
  private dir!: string;
  private clients: KubeClient[] = [];

  async start(): Promise<void> {
    this.pki = makePki();
    this.server = new FakeApiServer(this.pki);
    const url = await this.server.start();
    this.server.tokens.add('test-token');
    this.dir = mkdtempSync(path.join(tmpdir(), 'burn-cluster-'));
    this.kubeconfig = writeKubeconfig(this.dir, 'config', [
      { name: 'fake', server: url, cluster: { 'certificate-authority': this.pki.caFile }, user: { token: 'test-token' }, namespace: 'default' },
    ]);
  }

  async connect(options: ConnectOptions = {}): Promise<KubeClient> {
    const client = await connectCluster({ kubeconfig: this.kubeconfig, env: {}, retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 50 }, ...options });
    this.clients.push(client);
    return client;
  }

  async closeClients(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.destroy()));
    this.server.interceptors = [];
    this.server.requests.length = 0;
  }

  async stop(): Promise<void> {
    await this.closeClients();
    await this.server.stop();
    this.pki.remove();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
