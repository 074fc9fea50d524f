import { UserError } from '../shared/errors.js';
import type { Measurement, MeasurementFactory } from './types.js';

const factories = new Map<string, MeasurementFactory>();

/** Registers a measurement under the name users write in `measurements: - name: ...`. */
export function registerMeasurement(name: string, factory: MeasurementFactory): void {
  if (factories.has(name)) throw new Error(`measurement "${name}" registered twice`);
  factories.set(name, factory);
}

export function measurementNames(): string[] {
  return [...factories.keys()].sort();
}

/** A fresh instance of the named measurement; a UserError naming the known ones when unknown. */
export function createMeasurement(name: string): Measurement {
  const factory = factories.get(name);
  if (!factory) {
    throw new UserError(`unknown measurement "${name}"`, {
      hint: `measurements burn knows: ${measurementNames().join(', ')}`,
    });
  }
  return factory();
}
