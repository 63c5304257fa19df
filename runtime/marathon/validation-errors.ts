/**
 * Marathon's 422 body for a rejected definition:
 * `{"message":"Object is not valid","details":[{"path":"/instances","errors":["error.min"]}]}`.
 *
 * Paths follow Marathon's rendering (play-json JsPath / accord descriptions): object keys as `/key`, array
 * elements as `(index)` appended to the array's path, e.g. `/healthChecks(0)/timeoutSeconds`; the object itself
 * is `/`. Every problem is collected so one round trip shows the user all of them.
 */

export const INVALID_OBJECT_MESSAGE = 'Object is not valid';

export interface ValidationErrorDetail {
  readonly path: string;
  readonly errors: readonly string[];
}

export interface MarathonValidationError {
  readonly message: typeof INVALID_OBJECT_MESSAGE;
  readonly details: readonly ValidationErrorDetail[];
}

/** The path of the root object; rendered as `/`. */
export const ROOT_PATH = '';

export function keyPath(parent: string, key: string): string {
  return `${parent}/${key}`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}(${index})`;
}

/** Collects errors per path, keeping first-seen order of paths and dropping exact repeats. */
export class ValidationErrors {
  private readonly byPath = new Map<string, string[]>();

  add(path: string, error: string): void {
    const key = path === ROOT_PATH ? '/' : path;
    const errors = this.byPath.get(key);
    if (!errors) this.byPath.set(key, [error]);
    else if (!errors.includes(error)) errors.push(error);
  }

  get isEmpty(): boolean {
    return this.byPath.size === 0;
  }

  toError(): MarathonValidationError {
    const details = [...this.byPath].map(([path, errors]) =>
      Object.freeze({ path, errors: Object.freeze([...errors]) }),
    );
    return Object.freeze({ message: INVALID_OBJECT_MESSAGE, details: Object.freeze(details) });
  }
}
