export { grade, gradeSlis, gradeMeasurements, failedVerdicts, inconclusiveVerdicts, overallState, gradingExitCode, type Verdict, type VerdictState } from './grade.js';
export { POD_STARTUP_SLO_MS, POD_STARTUP_SLO, apiSloName, apiThresholdMs } from './catalogue.js';
export { runSaturation, describeSaturation, type ClockOwner } from './saturation.js';
