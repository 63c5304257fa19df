/**
 * Turns stored sample rows back into summary texts. Consecutive samples share almost all their elements, so the
 * composer keeps the previous sample's element bodies and reads only the others from the database (one batched
 * query per sample): composing an hour reads each distinct element about once.
 */
import type { HistoryReader, SampleRow } from './history-database.ts';
import { composeSummary } from './summary-layout.ts';

export class SampleComposer {
  private previous = new Map<number, Buffer>();

  constructor(private readonly reader: HistoryReader) {}

  compose(row: SampleRow): Buffer {
    const current = new Map<number, Buffer>();
    const missing: number[] = [];
    for (const id of row.refs) {
      const body = this.previous.get(id);
      if (body === undefined) missing.push(id);
      else current.set(id, body);
    }
    if (missing.length > 0) for (const [id, body] of this.reader.elementBodies(missing)) current.set(id, body);
    const elements = row.refs.map((id) => {
      const body = current.get(id);
      if (body === undefined) throw new Error(`history sample ${row.id} references element ${id}, which is not stored`);
      return body;
    });
    this.previous = current;
    return composeSummary(row.layout, elements);
  }
}
