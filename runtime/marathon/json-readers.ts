/**
 * Typed reads of untrusted JSON values that report failures with the error codes Marathon's play-json readers
 * emit (`error.expected.jsnumber`, `error.min`, ...), so clients that map those codes (the DC/OS UI does) keep
 * working. Each reader returns `undefined` after recording an error, letting the caller carry on and collect more.
 */
import type { ValidationErrors } from './validation-errors.ts';
import { indexPath, keyPath } from './validation-errors.ts';

export const JsonErrors = {
  missing: 'error.path.missing',
  expectedObject: 'error.expected.jsobject',
  expectedArray: 'error.expected.jsarray',
  expectedString: 'error.expected.jsstring',
  expectedNumber: 'error.expected.jsnumber',
  expectedBoolean: 'error.expected.jsboolean',
  expectedInt: 'error.expected.int',
  min: 'error.min',
  max: 'error.max',
  minLength: 'error.minLength',
  pattern: 'error.pattern',
  unknownEnum: 'error.unknown.enum.literal',
} as const;

export type JsonObject = Readonly<Record<string, unknown>>;

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field's value, with JSON `null` read as absent (play-json's readNullable does the same). */
export function optionalField(obj: JsonObject, key: string): unknown {
  const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
  return value === null ? undefined : value;
}

export function readObject(value: unknown, path: string, errors: ValidationErrors): JsonObject | undefined {
  if (isJsonObject(value)) return value;
  errors.add(path, JsonErrors.expectedObject);
  return undefined;
}

export interface StringRule {
  readonly minLength?: number;
  readonly pattern?: RegExp;
}

export function readString(
  value: unknown,
  path: string,
  errors: ValidationErrors,
  rule: StringRule = {},
): string | undefined {
  if (typeof value !== 'string') {
    errors.add(path, JsonErrors.expectedString);
    return undefined;
  }
  if (rule.minLength !== undefined && value.length < rule.minLength) {
    errors.add(path, JsonErrors.minLength);
    return undefined;
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    errors.add(path, JsonErrors.pattern);
    return undefined;
  }
  return value;
}

export interface NumberRule {
  /** An int32, as Marathon's `type: integer, format: int32` fields are. */
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
}

export function readNumber(
  value: unknown,
  path: string,
  errors: ValidationErrors,
  rule: NumberRule = {},
): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.add(path, JsonErrors.expectedNumber);
    return undefined;
  }
  if (rule.integer && (!Number.isInteger(value) || value > INT32_MAX || value < INT32_MIN)) {
    errors.add(path, JsonErrors.expectedInt);
    return undefined;
  }
  if (rule.min !== undefined && value < rule.min) {
    errors.add(path, JsonErrors.min);
    return undefined;
  }
  if (rule.max !== undefined && value > rule.max) {
    errors.add(path, JsonErrors.max);
    return undefined;
  }
  return value;
}

export function readBoolean(value: unknown, path: string, errors: ValidationErrors): boolean | undefined {
  if (typeof value === 'boolean') return value;
  errors.add(path, JsonErrors.expectedBoolean);
  return undefined;
}

/**
 * One of `allowed`, matched ignoring case as Marathon's generated enum readers do, returned in its canonical
 * spelling.
 */
export function readEnum<T extends string>(
  value: unknown,
  path: string,
  errors: ValidationErrors,
  allowed: readonly T[],
): T | undefined {
  if (typeof value !== 'string') {
    errors.add(path, JsonErrors.expectedString);
    return undefined;
  }
  const lower = value.toLowerCase();
  const match = allowed.find((a) => a.toLowerCase() === lower);
  if (match === undefined) errors.add(path, JsonErrors.unknownEnum);
  return match;
}

/** Reads every element (so every bad element is reported); undefined if the array or any element is bad. */
export function readArray<T>(
  value: unknown,
  path: string,
  errors: ValidationErrors,
  readItem: (item: unknown, itemPath: string) => T | undefined,
): T[] | undefined {
  if (!Array.isArray(value)) {
    errors.add(path, JsonErrors.expectedArray);
    return undefined;
  }
  const out: T[] = [];
  let ok = true;
  value.forEach((item: unknown, i) => {
    const read = readItem(item, indexPath(path, i));
    if (read === undefined) ok = false;
    else out.push(read);
  });
  return ok ? out : undefined;
}

export function readStringArray(value: unknown, path: string, errors: ValidationErrors): string[] | undefined {
  return readArray(value, path, errors, (item, itemPath) => readString(item, itemPath, errors));
}

/** A JSON object whose values must all be strings (env, labels). Keys are kept in input order. */
export function readStringMap(
  value: unknown,
  path: string,
  errors: ValidationErrors,
): Record<string, string> | undefined {
  const obj = readObject(value, path, errors);
  if (!obj) return undefined;
  const out: Record<string, string> = {};
  let ok = true;
  for (const [key, v] of Object.entries(obj)) {
    const s = readString(v, keyPath(path, key), errors);
    if (s === undefined) ok = false;
    else out[key] = s;
  }
  return ok ? out : undefined;
}

/** Reads the optional fields of one JSON object, remembering whether any field present was invalid. */
export class FieldReader {
  private sawInvalidField = false;

  constructor(
    private readonly obj: JsonObject,
    private readonly path: string,
    private readonly errors: ValidationErrors,
  ) {}

  get hasInvalidField(): boolean {
    return this.sawInvalidField;
  }

  has(key: string): boolean {
    return optionalField(this.obj, key) !== undefined;
  }

  /** The field read with `read`, or undefined if it is absent or invalid. */
  get<T>(key: string, read: (value: unknown, path: string) => T | undefined): T | undefined {
    const value = optionalField(this.obj, key);
    if (value === undefined) return undefined;
    const result = read(value, keyPath(this.path, key));
    if (result === undefined) this.sawInvalidField = true;
    return result;
  }

  number(key: string, rule: NumberRule = {}): number | undefined {
    return this.get(key, (v, p) => readNumber(v, p, this.errors, rule));
  }

  string(key: string, rule: StringRule = {}): string | undefined {
    return this.get(key, (v, p) => readString(v, p, this.errors, rule));
  }

  boolean(key: string): boolean | undefined {
    return this.get(key, (v, p) => readBoolean(v, p, this.errors));
  }

  enumOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    return this.get(key, (v, p) => readEnum(v, p, this.errors, allowed));
  }

  stringMap(key: string): Record<string, string> | undefined {
    return this.get(key, (v, p) => readStringMap(v, p, this.errors));
  }
}
