import type { Command } from 'commander';
import { register as registerCheckAlerts } from './check-alerts.js';
import { register as registerCompletion } from './completion.js';
import { register as registerDestroy } from './destroy.js';
import { register as registerDiff } from './diff.js';
import { register as registerImport } from './import.js';
import { register as registerIndex } from './index-cmd.js';
import { register as registerHistory } from './history.js';
import { register as registerHealthCheck } from './health-check.js';
import { register as registerInit } from './init.js';
import { register as registerMeasure } from './measure.js';
import { register as registerReport } from './report.js';
import { register as registerRbac } from './rbac.js';
import { register as registerRender } from './render.js';
import { register as registerSim } from './sim.js';
import { register as registerTrafficAgent } from './traffic-agent.js';
import { register as registerValidate } from './validate.js';
import { register as registerVersion } from './version.js';

/**
 * Every `burn` subcommand registers itself here: one line per command module.
 * A command module exports `register(program)`, parses flags, and calls one function of the core.
 */
export const commands: Array<(program: Command) => void> = [registerInit, registerDestroy, registerValidate, registerRender, registerSim, registerReport, registerDiff, registerHistory, registerMeasure, registerCheckAlerts, registerIndex, registerImport, registerHealthCheck, registerRbac, registerTrafficAgent, registerVersion, registerCompletion];
