/**
 * Marathon placement constraints: `[field, operator, value?]`, where field is `hostname` (or `@hostname`) or the
 * name of an agent attribute. Kept in the array form Marathon accepts and prints, so the app definition can be
 * served back unchanged.
 *
 * Matching follows Marathon's offer checker: an agent lacking the attribute only satisfies UNLIKE; LIKE/UNLIKE
 * regexes must match the whole value (Java's String.matches); GROUP_BY spreads over the values seen so far.
 */
import type { ValidationErrors } from './validation-errors.ts';
import { JsonErrors } from './json-readers.ts';
import { indexPath } from './validation-errors.ts';

export const CONSTRAINT_OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'] as const;
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

export type Constraint =
  | readonly [field: string, operator: ConstraintOperator]
  | readonly [field: string, operator: ConstraintOperator, value: string];

/** What the matcher needs to know about an agent: the offered one, or one already running a task of the app. */
export interface PlacementNode {
  readonly hostname: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export const ConstraintErrors = {
  arity: 'Each constraint must have either 2 or 3 fields',
  missingField: 'Missing field and operator',
  unknownOperator: `Constraint operator must be one of the following ${CONSTRAINT_OPERATORS.join(', ')}`,
  valueNotUsed: 'Value specified but not used',
  missingValue: 'Missing value',
  groupByNotNumber: 'Value was specified but is not a number',
  maxPerNotNumber: 'Value was not specified or is not a number',
  missingRegex: 'A regular expression value must be provided',
  invalidRegex: (value: string) => `'${value}' is not a valid regular expression`,
} as const;

const HOSTNAME_FIELDS = new Set(['hostname', '@hostname']);
// Java's Integer.parseInt accepts an optional sign; Marathon validates with it.
const INT_PATTERN = /^[+-]?\d+$/;

function parseInt32(value: string): number | undefined {
  if (!INT_PATTERN.test(value)) return undefined;
  const n = Number(value);
  return n <= 2 ** 31 - 1 && n >= -(2 ** 31) ? n : undefined;
}

// Compiled once per pattern: matching runs for every offer against every constrained app.
const regexCache = new Map<string, RegExp | null>();
function fullMatchRegex(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    regexCache.set(pattern, re);
  }
  return re;
}

function isOperator(op: string): op is ConstraintOperator {
  return (CONSTRAINT_OPERATORS as readonly string[]).includes(op);
}

/** Reads one constraint; errors are reported at the constraint's own path, as Marathon does. */
export function readConstraint(raw: unknown, path: string, errors: ValidationErrors): Constraint | undefined {
  if (!Array.isArray(raw)) {
    errors.add(path, JsonErrors.expectedArray);
    return undefined;
  }
  const parts: string[] = [];
  raw.forEach((part: unknown, i) => {
    if (typeof part === 'string') parts.push(part);
    else errors.add(indexPath(path, i), JsonErrors.expectedString);
  });
  if (parts.length !== raw.length) return undefined;
  const [field, op, value] = parts;
  if (parts.length < 2 || parts.length > 3 || field === undefined || op === undefined) {
    errors.add(path, ConstraintErrors.arity);
    return undefined;
  }
  if (field === '') {
    errors.add(path, ConstraintErrors.missingField);
    return undefined;
  }
  if (!isOperator(op)) {
    errors.add(path, ConstraintErrors.unknownOperator);
    return undefined;
  }
  const problem = valueProblem(op, value);
  if (problem !== undefined) {
    errors.add(path, problem);
    return undefined;
  }
  return value === undefined ? [field, op] : [field, op, value];
}

function valueProblem(op: ConstraintOperator, value: string | undefined): string | undefined {
  switch (op) {
    case 'UNIQUE':
      return value === undefined ? undefined : ConstraintErrors.valueNotUsed;
    case 'CLUSTER':
      // No value means "whichever value the first task lands on".
      return undefined;
    case 'IS':
      return value === undefined || value === '' ? ConstraintErrors.missingValue : undefined;
    case 'GROUP_BY':
      return value === undefined || parseInt32(value) !== undefined ? undefined : ConstraintErrors.groupByNotNumber;
    case 'MAX_PER':
      return value !== undefined && parseInt32(value) !== undefined ? undefined : ConstraintErrors.maxPerNotNumber;
    case 'LIKE':
    case 'UNLIKE':
      if (value === undefined || value === '') return ConstraintErrors.missingRegex;
      return fullMatchRegex(value) ? undefined : ConstraintErrors.invalidRegex(value);
  }
}

function fieldValue(node: PlacementNode, field: string): string | undefined {
  if (HOSTNAME_FIELDS.has(field)) return node.hostname;
  return Object.hasOwn(node.attributes, field) ? node.attributes[field] : undefined;
}

/**
 * True if placing one more task of the app on `candidate` keeps every constraint satisfied, given the agents
 * its tasks already run on (`placed`, one entry per task).
 */
export function matchesConstraints(
  constraints: readonly Constraint[],
  candidate: PlacementNode,
  placed: readonly PlacementNode[],
): boolean {
  return constraints.every((c) => matchesConstraint(c, candidate, placed));
}

export function matchesConstraint(
  constraint: Constraint,
  candidate: PlacementNode,
  placed: readonly PlacementNode[],
): boolean {
  const [field, op, value = ''] = constraint;
  const offered = fieldValue(candidate, field);
  if (offered === undefined) return op === 'UNLIKE';
  const placedValues = () => placed.map((p) => fieldValue(p, field));
  switch (op) {
    case 'UNIQUE':
      return placed.every((p) => fieldValue(p, field) !== offered);
    case 'CLUSTER':
      return value === '' ? placed.every((p) => fieldValue(p, field) === offered) : offered === value;
    case 'IS':
      return offered === value;
    case 'LIKE':
      return fullMatchRegex(value)?.test(offered) ?? false;
    case 'UNLIKE':
      return !(fullMatchRegex(value)?.test(offered) ?? true);
    case 'MAX_PER':
      return countWhere(placedValues(), offered) < (parseInt32(value) ?? 0);
    case 'GROUP_BY':
      return groupByAllows(placedValues(), offered, Math.max(0, parseInt32(value) ?? 0));
  }
}

function countWhere(values: readonly (string | undefined)[], wanted: string): number {
  let n = 0;
  for (const v of values) if (v === wanted) n++;
  return n;
}

/**
 * A value not yet used is always welcome (that is how new groups appear); a used one only while it is among
 * the smallest groups, and only once at least `minGroups` groups exist, so tasks spread evenly.
 */
function groupByAllows(placedValues: readonly (string | undefined)[], offered: string, minGroups: number): boolean {
  const sizes = new Map<string | undefined, number>();
  for (const v of placedValues) sizes.set(v, (sizes.get(v) ?? 0) + 1);
  const mine = sizes.get(offered);
  if (mine === undefined) return true;
  const smallest = Math.min(...sizes.values());
  return sizes.size >= minGroups && mine === smallest;
}
