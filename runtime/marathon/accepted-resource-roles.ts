/**
 * `acceptedResourceRoles`: the reservation roles whose resources an app may be launched on, e.g. `["*"]`
 * (unreserved only) or `["slave_public"]` (public agents). Role names are checked with Marathon's rules, which
 * are flat names: unlike Mesos's hierarchical roles they may not contain `/`.
 */
import type { ValidationErrors } from './validation-errors.ts';
import { JsonErrors } from './json-readers.ts';
import { indexPath } from './validation-errors.ts';

export const RoleErrors = {
  empty: 'must not be empty',
} as const;

const FORBIDDEN_NAMES: ReadonlyMap<string, string> = new Map([
  ['', 'A role name must not be "".'],
  ['.', 'A role name must not be ".".'],
  ['..', 'A role name must not be "..".'],
]);

const FORBIDDEN_CHARS: ReadonlyMap<string, string> = new Map([
  ['\t', 'horizontal tab (\\x09)'],
  ['\n', 'line feed (\\x0a)'],
  ['\v', 'vertical tab (\\x0b)'],
  ['\f', 'form feed (\\x0c)'],
  ['\r', 'carriage return (\\x0d)'],
  [' ', 'space (\\x20)'],
  ['/', 'slash (\\x2f)'],
  ['\x7f', 'backspace (\\x7f)'],
]);

/** Marathon's complaints about one role name; empty if it is acceptable. */
export function roleNameProblems(role: string): string[] {
  const named = FORBIDDEN_NAMES.get(role);
  if (named) return [named];
  const problems: string[] = [];
  if (role.startsWith('-')) problems.push("A role name must not start with a '-'.");
  for (const [char, description] of FORBIDDEN_CHARS) {
    if (role.includes(char)) problems.push(`A role name must not include a ${description} character.`);
  }
  return problems;
}

export function readAcceptedResourceRoles(raw: unknown, path: string, errors: ValidationErrors): string[] | undefined {
  if (!Array.isArray(raw)) {
    errors.add(path, JsonErrors.expectedArray);
    return undefined;
  }
  let ok = true;
  const roles: string[] = [];
  raw.forEach((item: unknown, i) => {
    const itemPath = indexPath(path, i);
    if (typeof item !== 'string') {
      errors.add(itemPath, JsonErrors.expectedString);
      ok = false;
      return;
    }
    const problems = roleNameProblems(item);
    for (const p of problems) errors.add(itemPath, p);
    if (problems.length > 0) ok = false;
    roles.push(item);
  });
  if (!ok) return undefined;
  if (roles.length === 0) {
    errors.add(path, RoleErrors.empty);
    return undefined;
  }
  // Marathon keeps the roles as a set, so repeats are harmless.
  return [...new Set(roles)];
}
