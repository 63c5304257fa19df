/**
 * How a state-summary is stored compactly. A summary is a JSON object whose bulk is arrays of objects (`slaves`,
 * `frameworks`) that mostly stay the same from one sample to the next, so each such array element is stored once
 * (by content hash, see history-database.ts) and a sample keeps only its layout: the object's members in order,
 * each either a literal JSON value or a count of element references. Composing joins the stored element texts
 * back into the summary's JSON text.
 */
import { hash } from 'node:crypto';

/** A member of the summary object: `[key, literal JSON text]` or `[key, number of stored elements]`. */
export type LayoutMember = [key: string, value: string | number];

export interface DecomposedSummary {
  layout: LayoutMember[];
  /** The array elements in order, each as its JSON text with its content hash. */
  elements: { text: string; hash: string }[];
}

/** Thrown for a body that is not a JSON object: the poll counts as failed. */
export class NotASummaryError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function decomposeSummary(text: string): DecomposedSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new NotASummaryError(`not JSON (${(err as Error).message})`);
  }
  if (!isObject(parsed)) throw new NotASummaryError('not a JSON object');
  const layout: LayoutMember[] = [];
  const elements: DecomposedSummary['elements'] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
      layout.push([key, value.length]);
      for (const element of value) {
        const json = JSON.stringify(element);
        elements.push({ text: json, hash: hash('sha1', json, 'base64') });
      }
    } else layout.push([key, JSON.stringify(value)]);
  }
  return { layout, elements };
}

const OPEN = Buffer.from('{');
const CLOSE = Buffer.from('}');
const COMMA = Buffer.from(',');
const OPEN_ARRAY = Buffer.from('[');
const CLOSE_ARRAY = Buffer.from(']');

/** The summary's JSON text from its layout and its elements' texts (in order), as one buffer. */
export function composeSummary(layout: readonly LayoutMember[], elements: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [OPEN];
  let next = 0;
  layout.forEach(([key, value], i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(Buffer.from(`${JSON.stringify(key)}:`));
    if (typeof value === 'string') {
      parts.push(Buffer.from(value));
      return;
    }
    parts.push(OPEN_ARRAY);
    for (let j = 0; j < value; j++) {
      if (j > 0) parts.push(COMMA);
      const element = elements[next++];
      if (element === undefined) throw new Error(`sample layout wants more elements than the ${elements.length} stored`);
      parts.push(element);
    }
    parts.push(CLOSE_ARRAY);
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
