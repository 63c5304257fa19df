/**
 * `unreachableStrategy`: what Marathon does with a task whose agent became unreachable. After
 * `inactiveAfterSeconds` the task stops counting towards the app's instances and a replacement is launched; after
 * `expungeAfterSeconds` it is forgotten, and killed should it ever come back. `"disabled"` keeps waiting for it.
 *
 * minidc's default is 0/0 (replace at once, expunge at once), which is what later Marathon releases ship.
 */
import type { ValidationErrors } from './validation-errors.ts';
import { FieldReader, JsonErrors } from './json-readers.ts';
import { keyPath } from './validation-errors.ts';

export interface UnreachableEnabled {
  readonly inactiveAfterSeconds: number;
  readonly expungeAfterSeconds: number;
}

export type UnreachableStrategy = UnreachableEnabled | 'disabled';

export const DEFAULT_UNREACHABLE_STRATEGY: UnreachableEnabled = Object.freeze({
  inactiveAfterSeconds: 0,
  expungeAfterSeconds: 0,
});

export const UnreachableStrategyErrors = {
  expungeBeforeInactive: 'must be greater than or equal to inactiveAfterSeconds',
} as const;

const NON_NEGATIVE_INT = { integer: true, min: 0 } as const;

export function readUnreachableStrategy(
  raw: unknown,
  path: string,
  errors: ValidationErrors,
): UnreachableStrategy | undefined {
  if (raw === 'disabled') return 'disabled';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.add(path, JsonErrors.expectedObject);
    return undefined;
  }
  const fields = new FieldReader(raw as Record<string, unknown>, path, errors);
  const inactiveAfterSeconds = fields.number('inactiveAfterSeconds', NON_NEGATIVE_INT);
  const expungeAfterSeconds = fields.number('expungeAfterSeconds', NON_NEGATIVE_INT);
  if (fields.hasInvalidField) return undefined;
  const inactive = inactiveAfterSeconds ?? DEFAULT_UNREACHABLE_STRATEGY.inactiveAfterSeconds;
  // Only inactiveAfterSeconds given: expunge no earlier than that, rather than reject the defaults' combination.
  const strategy = {
    inactiveAfterSeconds: inactive,
    expungeAfterSeconds: expungeAfterSeconds ?? Math.max(inactive, DEFAULT_UNREACHABLE_STRATEGY.expungeAfterSeconds),
  };
  if (strategy.expungeAfterSeconds < strategy.inactiveAfterSeconds) {
    errors.add(keyPath(path, 'expungeAfterSeconds'), UnreachableStrategyErrors.expungeBeforeInactive);
    return undefined;
  }
  return Object.freeze(strategy);
}
