import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const version: string = pkg.version;

/** How burn's simulator ends its gitVersion (`/version`): a measurement tells it from a real API server by it. */
export const SIMULATOR_VERSION_SUFFIX = '-burn-sim';
