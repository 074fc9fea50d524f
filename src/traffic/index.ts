/**
 * burn's traffic job type: open-model HTTP load (src/traffic/agent.ts) on an ideal timeline
 * (schedule.ts), measured in HDR histograms (histogram.ts, recorder.ts), merged exactly across
 * agents (summary.ts) and turned into a graded measurement result (result.ts).
 */
export { runAgent, type AgentPlan, type ResolvedTarget } from './agent.js';
export { arrivals, arrivalsBefore, totalArrivals, timelineMs, type Arrival } from './schedule.js';
export { mergeSummaries, type TrafficSummary, type TrafficCounts, type TrafficWindow } from './summary.js';
export { trafficResult, trafficLine, senderVerdict, achievedRate, targetRate, TRAFFIC_MEASUREMENT, type SenderVerdict } from './result.js';
export { latencyFigures, decodeHistogram, type LatencyFigures } from './histogram.js';
export { agentEnvironment, readAgentEnvironment, summaryLine, parseSummaryLine, PLAN_ENV, INDEX_ENV, type AgentWork } from './agent-env.js';
