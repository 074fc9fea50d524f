import { benchSimScale } from './sim-scale.js';

const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
console.table([await benchSimScale({ pods: env('SIM_PODS'), nodes: env('SIM_NODES'), watchers: env('SIM_WATCHERS') })]);
