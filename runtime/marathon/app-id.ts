/**
 * App ids are Marathon path ids: `/group/sub/app`. A relative id is taken relative to the root group (what
 * POST /v2/apps does), so `web` becomes `/web`; empty segments are dropped and `.`/`..` resolved.
 *
 * Each segment is one or more dot-separated labels of lowercase letters, digits and dashes, a label neither
 * starting nor ending with a dash: the segments also become DNS names (`web.group.marathon.mesos`).
 */

const LABEL = '(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])';
const SEGMENT = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);

/** The segment pattern as Marathon quotes it in its error message. */
const MARATHON_SEGMENT_PATTERN =
  '^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$';

/** Marathon reserves these as the last segment because they are sub-resources of /v2/apps/{id}. */
const RESERVED_LAST_SEGMENTS = ['restart', 'tasks', 'versions'];

export const AppIdErrors = {
  invalidSegment: `must fully match regular expression '${MARATHON_SEGMENT_PATTERN}'`,
  reservedKeyword: `must not end with any of the following reserved keywords: ${RESERVED_LAST_SEGMENTS.join(', ')}`,
  empty: 'Path must contain at least one path element',
} as const;

export type AppIdResult =
  | { readonly ok: true; readonly id: string }
  | { readonly ok: false; readonly errors: string[] };

/** Validates and normalises an app id to its absolute form. */
export function normalizeAppId(raw: string): AppIdResult {
  const segments: string[] = [];
  const errors: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      segments.pop();
      continue;
    }
    if (!SEGMENT.test(part)) {
      if (!errors.includes(AppIdErrors.invalidSegment)) errors.push(AppIdErrors.invalidSegment);
      continue;
    }
    segments.push(part);
  }
  const last = segments[segments.length - 1];
  if (errors.length === 0 && last === undefined) errors.push(AppIdErrors.empty);
  if (last !== undefined && RESERVED_LAST_SEGMENTS.includes(last)) errors.push(AppIdErrors.reservedKeyword);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, id: '/' + segments.join('/') };
}
