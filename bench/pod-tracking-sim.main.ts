import { benchPodTrackingSim } from './pod-tracking-sim.js';

const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
console.log(JSON.stringify(await benchPodTrackingSim({ pods: env('PODS'), nodes: env('NODES'), qps: env('QPS'), profile: process.env.SIM_PROFILE, cpuProfileDir: process.env.SIM_CPU_PROF, samplesFile: process.env.SAMPLES }), null, 2));
