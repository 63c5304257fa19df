/**
 * How a state-summary is stored compactly. A summary is a JSON object whose bulk is arrays of objects (`slaves`,
 * `frameworks`) that mostly stay the same from one poll to the next, so each such array element is stored once
 * (by content hash, see history-database.ts) and a sample keeps only its layout: the object's members in order,
 * each either a literal JSON text or a count of element references. Composing joins the element texts back.
 *
 * The body is split where its bytes are, not parsed and printed again: a JSON.parse and JSON.stringify of a
 * 1,000-agent summary cost ~20 ms of event loop every 2 s, a byte scan ~1 ms, and the texts stay the master's
 * verbatim. The scan checks only the structure it splits; the literals are parsed here, and an element is parsed
 * before it is first stored (`validateElement`), so nothing that is not JSON reaches an answer.
 */
import { hash } from 'node:crypto';

/** A member of the summary object: `[key, literal JSON text]` or `[key, number of stored elements]`. */
export type LayoutMember = [key: string, value: string | number];

export interface SummaryElement {
  /** The element's JSON text (a view into the polled body). */
  body: Buffer;
  hash: string;
}

export interface DecomposedSummary {
  layout: LayoutMember[];
  /** The array elements in order. */
  elements: SummaryElement[];
}

/** Thrown for a body that is not a JSON object: the poll counts as failed. */
export class NotASummaryError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Splits a polled body; throws NotASummaryError when it is not a JSON object. */
export function decomposeSummary(body: Buffer): DecomposedSummary {
  const scan = new Scanner(body);
  const layout: LayoutMember[] = [];
  const elements: SummaryElement[] = [];
  scan.expect(OPEN_OBJECT, 'a JSON object');
  if (!scan.consume(CLOSE_OBJECT))
    for (;;) {
      const key = scan.parse(scan.string(), 'a member name');
      scan.expect(COLON, "':'");
      const start = scan.position();
      const objects = scan.objectsOfArray();
      if (objects !== undefined && objects.length > 0) {
        layout.push([key as string, objects.length]);
        for (const element of objects) elements.push({ body: element, hash: hash('sha1', element, 'base64') });
      } else {
        const literal = objects === undefined ? scan.value(start) : body.subarray(start, scan.position());
        scan.parse(literal, `the value of '${key as string}'`);
        layout.push([key as string, literal.toString('utf8').trim()]);
      }
      if (scan.consume(CLOSE_OBJECT)) break;
      scan.expect(COMMA, "',' or '}'");
    }
  scan.end();
  return { layout, elements };
}

/** An element not stored before must be JSON itself (the scan only found where it ends). */
export function validateElement(element: Buffer): void {
  try {
    JSON.parse(element.toString('utf8'));
  } catch (err) {
    throw new NotASummaryError(`an array element is not JSON (${(err as Error).message})`);
  }
}

/** A cursor over the body's bytes, skipping whitespace between tokens. */
class Scanner {
  private i = 0;

  constructor(private readonly b: Buffer) {}

  position(): number {
    this.skipSpace();
    return this.i;
  }

  consume(byte: number): boolean {
    this.skipSpace();
    if (this.b[this.i] !== byte) return false;
    this.i++;
    return true;
  }

  expect(byte: number, what: string): void {
    if (!this.consume(byte)) this.fail(`expected ${what}`);
  }

  end(): void {
    this.skipSpace();
    if (this.i !== this.b.length) this.fail('unexpected text after the object');
  }

  /** A string token (its raw text, quotes included). */
  string(): Buffer {
    this.skipSpace();
    if (this.b[this.i] !== QUOTE) this.fail('expected a string');
    const start = this.i;
    this.i = this.stringEnd(this.i);
    return this.b.subarray(start, this.i);
  }

  /**
   * If the value here is an array whose items are all objects (or empty), consumes it and returns the items' texts;
   * otherwise consumes nothing and returns undefined.
   */
  objectsOfArray(): Buffer[] | undefined {
    const start = this.position();
    if (this.b[start] !== OPEN_ARRAY) return undefined;
    this.i = start + 1;
    const items: Buffer[] = [];
    if (this.consume(CLOSE_ARRAY)) return items;
    for (;;) {
      const itemStart = this.position();
      if (this.b[itemStart] !== OPEN_OBJECT) {
        this.i = start;
        return undefined;
      }
      this.i = this.compositeEnd(itemStart);
      items.push(this.b.subarray(itemStart, this.i));
      if (this.consume(CLOSE_ARRAY)) return items;
      this.expect(COMMA, "',' or ']'");
    }
  }

  /** Any value's text, from `start`. */
  value(start: number): Buffer {
    const c = this.b[start];
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.i = this.compositeEnd(start);
    else if (c === QUOTE) this.i = this.stringEnd(start);
    else {
      let j = start;
      while (j < this.b.length && !isDelimiter(this.b[j]!)) j++;
      if (j === start) this.fail('expected a value');
      this.i = j;
    }
    return this.b.subarray(start, this.i);
  }

  parse(text: Buffer, what: string): unknown {
    try {
      return JSON.parse(text.toString('utf8'));
    } catch (err) {
      return this.fail(`${what} is not JSON (${(err as Error).message})`);
    }
  }

  /** The index after the object or array opening at `start` (strings skipped, brackets counted). */
  private compositeEnd(start: number): number {
    const b = this.b;
    let depth = 0;
    for (let j = start; j < b.length; j++) {
      const c = b[j];
      if (c === QUOTE) j = this.stringEnd(j) - 1;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && --depth === 0) return j + 1;
    }
    return this.fail('the body ends inside an object or array');
  }

  /** The index after the string opening at `start`. */
  private stringEnd(start: number): number {
    const b = this.b;
    for (let j = start + 1; j < b.length; j++) {
      const c = b[j];
      if (c === BACKSLASH) j++;
      else if (c === QUOTE) return j + 1;
    }
    return this.fail('the body ends inside a string');
  }

  private skipSpace(): void {
    const b = this.b;
    while (this.i < b.length && isSpace(b[this.i]!)) this.i++;
  }

  private fail(why: string): never {
    throw new NotASummaryError(`not a JSON object: ${why} at byte ${this.i}`);
  }
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDelimiter = (c: number): boolean => isSpace(c) || c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY;

const OPEN = Buffer.from('{');
const CLOSE = Buffer.from('}');
const SEPARATOR = Buffer.from(',');
const ARRAY_OPEN = Buffer.from('[');
const ARRAY_CLOSE = Buffer.from(']');

/** The summary's JSON text from its layout and its elements' texts (in order), as one buffer. */
export function composeSummary(layout: readonly LayoutMember[], elements: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [OPEN];
  let next = 0;
  layout.forEach(([key, value], i) => {
    if (i > 0) parts.push(SEPARATOR);
    parts.push(Buffer.from(`${JSON.stringify(key)}:`));
    if (typeof value === 'string') {
      parts.push(Buffer.from(value));
      return;
    }
    parts.push(ARRAY_OPEN);
    for (let j = 0; j < value; j++) {
      if (j > 0) parts.push(SEPARATOR);
      const element = elements[next++];
      if (element === undefined) throw new Error(`sample layout wants more elements than the ${elements.length} stored`);
      parts.push(element);
    }
    parts.push(ARRAY_CLOSE);
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
