/**
 * Domain names in two forms: presentation (`app.marathon.mesos.`, what records and HTTP use) and the lower-cased
 * wire key — the name's wire bytes without the final zero, as a latin1 string (`\x03app\x08marathon\x05mesos`).
 * The wire key is what a query's question holds, so the hot path finds an answer with one `toLowerCase()` of a
 * buffer slice and one Map lookup; length bytes keep `a.b` and a label containing a literal dot apart.
 */

const MAX_LABEL = 63;
const MAX_NAME_WIRE = 255;

/** `foo.Mesos.` or `foo.mesos` → wire key; undefined when the name cannot be encoded (empty or long labels). */
export function nameToWireKey(name: string): string | undefined {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed === '') return '';
  let key = '';
  for (const label of trimmed.toLowerCase().split('.')) {
    if (label.length === 0 || label.length > MAX_LABEL) return undefined;
    key += String.fromCharCode(label.length) + label;
  }
  // eslint-disable-next-line no-control-regex
  if (key.length + 1 > MAX_NAME_WIRE || /[^\u0000-\u00ff]/.test(key)) return undefined;
  return key;
}

/** Wire key → presentation name with the trailing dot; dots and unprintable bytes inside labels are escaped. */
export function wireKeyToName(key: string): string {
  if (key === '') return '.';
  let out = '';
  let pos = 0;
  while (pos < key.length) {
    const len = key.charCodeAt(pos);
    for (let i = pos + 1; i <= pos + len && i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c === 0x2e || c === 0x5c) out += '\\' + key[i];
      else if (c <= 0x20 || c >= 0x7f) out += '\\' + String(c).padStart(3, '0');
      else out += key[i];
    }
    out += '.';
    pos += len + 1;
  }
  return out;
}

/** Whether `key` is `zoneKey` or a name below it (compared on label boundaries). */
export function isAtOrBelow(key: string, zoneKey: string): boolean {
  if (zoneKey === '') return true;
  if (!key.endsWith(zoneKey)) return false;
  const boundary = key.length - zoneKey.length;
  let pos = 0;
  while (pos < boundary) pos += key.charCodeAt(pos) + 1;
  return pos === boundary;
}

/** The labels of a wire key, left to right. */
export function wireKeyLabels(key: string): string[] {
  const labels: string[] = [];
  let pos = 0;
  while (pos < key.length) {
    const len = key.charCodeAt(pos);
    labels.push(key.slice(pos + 1, pos + 1 + len));
    pos += len + 1;
  }
  return labels;
}

/** Wire key of the labels given, left to right. */
export function labelsToWireKey(labels: readonly string[]): string {
  let key = '';
  for (const l of labels) key += String.fromCharCode(l.length) + l;
  return key;
}
