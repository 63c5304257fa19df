/**
 * Mesos-DNS's label sanitising. Default RFC 1123 labels: letters lower-cased, digits kept, `-` `.` `_` become `-`,
 * anything else dropped; no leading `-`; at most 63 characters; no trailing `-` (when trimming the cut shortens it,
 * the label is refilled from what follows the cut). The opt-in RFC 952 mode also drops leading digits and caps at 24.
 */

export type LabelSpec = 'rfc1123' | 'rfc952';

const MAX = { rfc1123: 63, rfc952: 24 } as const;

function mapped(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) out += name[i];
    else if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(c + 0x20);
    else if (c === 0x2d || c === 0x2e || c === 0x5f) out += '-';
  }
  return out;
}

/** One DNS label from any text; may be empty when nothing usable is left. */
export function sanitizeLabel(name: string, spec: LabelSpec = 'rfc1123'): string {
  // Fast path: already a clean RFC 1123 label (the usual case for task and framework names).
  if (spec === 'rfc1123' && name.length <= 63 && /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(name)) return name;
  const max = MAX[spec];
  const trimmed = mapped(name).replace(spec === 'rfc952' ? /^[-0-9]+/ : /^-+/, '');
  const size = Math.min(trimmed.length, max);
  const head = trimmed.slice(0, size).replace(/-+$/, '');
  if (head.length === size) return head;
  const tail = trimmed.slice(size).replace(/^-+/, '');
  return (head + tail.slice(0, size - head.length)).replace(/-+$/, '');
}

/** A dotted name whose dots stay label separators (framework names): each label sanitised, empty ones dropped. */
export function sanitizeDomainFragment(name: string, spec: LabelSpec = 'rfc1123'): string {
  return name
    .split('.')
    .map((label) => sanitizeLabel(label, spec))
    .filter((label) => label !== '')
    .join('.');
}
