export { grade, gradeSlis, gradeMeasurements, failedVerdicts, gradingExitCode, type Verdict } from './grade.js';
export { POD_STARTUP_SLO_MS, POD_STARTUP_SLO, apiSloName, apiThresholdMs } from './catalogue.js';
