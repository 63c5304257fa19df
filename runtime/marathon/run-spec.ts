/**
 * The app as Marathon runs it: the parsed definition plus the fields this layer adds on top of app-definition.ts
 * (`unreachableStrategy`). Also how PUT's partial updates are applied: the given fields over the current app's
 * JSON, then parsed again, so an update is validated exactly like a new app.
 */
import { parseAppDefinition, type AppDefinition } from './app-definition.ts';
import { isJsonObject, optionalField, type JsonObject } from './json-readers.ts';
import { DEFAULT_UNREACHABLE_STRATEGY, readUnreachableStrategy, type UnreachableStrategy } from './unreachable-strategy.ts';
import { INVALID_OBJECT_MESSAGE, ValidationErrors, type MarathonValidationError } from './validation-errors.ts';

export interface RunSpec extends AppDefinition {
  readonly unreachableStrategy: UnreachableStrategy;
}

export type ParseRunSpecResult =
  | { readonly ok: true; readonly spec: RunSpec }
  | { readonly ok: false; readonly error: MarathonValidationError };

export function parseRunSpec(json: unknown): ParseRunSpecResult {
  const parsed = parseAppDefinition(json);
  const errors = new ValidationErrors();
  const raw = isJsonObject(json) ? optionalField(json, 'unreachableStrategy') : undefined;
  const unreachableStrategy =
    raw === undefined ? DEFAULT_UNREACHABLE_STRATEGY : readUnreachableStrategy(raw, '/unreachableStrategy', errors);
  if (!parsed.ok || unreachableStrategy === undefined) {
    const details = [...(parsed.ok ? [] : parsed.error.details), ...(errors.isEmpty ? [] : errors.toError().details)];
    return { ok: false, error: Object.freeze({ message: INVALID_OBJECT_MESSAGE, details: Object.freeze(details) }) };
  }
  return { ok: true, spec: Object.freeze({ ...parsed.app, unreachableStrategy }) };
}

/** The spec as plain JSON (what is stored and what the API prints before server-side fields are added). */
export function runSpecJson(spec: RunSpec): Record<string, unknown> {
  return JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
}

/** Fields that replace one another: giving one in an update drops the other from the current app. */
const EXCLUSIVE: readonly (readonly [string, string])[] = [
  ['cmd', 'args'],
  ['args', 'cmd'],
  ['ports', 'portDefinitions'],
];

/**
 * The JSON a PUT produces: with `partial`, the update's fields laid over the current app (Marathon's default
 * `partialUpdate=true`); otherwise the update alone. The id always comes from the URL.
 */
export function applyAppUpdate(id: string, current: RunSpec | undefined, update: JsonObject, partial: boolean): JsonObject {
  const base: Record<string, unknown> = partial && current ? runSpecJson(current) : {};
  for (const [given, dropped] of EXCLUSIVE) if (optionalField(update, given) !== undefined) delete base[dropped];
  for (const [key, value] of Object.entries(update)) if (value !== null) base[key] = value;
  base.id = id;
  return base;
}

/** True when `next` differs from `current` in nothing but the instance count (Marathon's "scaling" change). */
export function isScaleOnly(current: RunSpec, next: RunSpec): boolean {
  const a = runSpecJson(current);
  const b = runSpecJson(next);
  delete a.instances;
  delete b.instances;
  return sortedJson(a) === sortedJson(b);
}

/** JSON with object keys sorted, so `env: {A, B}` and `env: {B, A}` compare equal. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isJsonObject(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}
