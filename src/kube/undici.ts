/**
 * The parts of undici burn's requests to the API server use: Client, Pool, the TLS connector and
 * the request API on every dispatcher. undici's index also loads fetch, WebSocket, EventSource, the
 * mocks, caches and interceptors (1.2 MB of source: 0.15-0.2 s of CPU and 10 MB of RSS at every
 * start); these four modules are a third of it. The paths are undici 7's own files (package.json pins
 * the version; test/kube/undici.test.ts checks they are the classes its index exports). Code that
 * needs more of undici (exec's WebSocket, the Prometheus client) imports 'undici' when it runs.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const load = createRequire(import.meta.url);

// What undici's index does to give every dispatcher request(), stream(), pipeline(), connect() and upgrade().
const Dispatcher = load('undici/lib/dispatcher/dispatcher') as typeof Undici.Dispatcher;
Object.assign(Dispatcher.prototype, load('undici/lib/api'));

export const Client = load('undici/lib/dispatcher/client') as typeof Undici.Client;
export type Client = Undici.Client;
export const Pool = load('undici/lib/dispatcher/pool') as typeof Undici.Pool;
export type Pool = Undici.Pool;
export const buildConnector = load('undici/lib/core/connect') as typeof Undici.buildConnector;
