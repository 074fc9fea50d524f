import { benchPodAccuracy, benchPodTracking } from './pod-tracking.js';

console.table([await benchPodTracking()]);
const accuracy = await benchPodAccuracy();
console.log(`pod latency accuracy, 2,000 pods (1-min load average ${accuracy.loadAverage.toFixed(1)}):`);
console.table(accuracy.figures);
