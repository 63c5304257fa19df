/**
 * The report's JSON text in pieces: their concatenation is exactly `JSON.stringify(report)`, but no piece is larger
 * than one node's entry. At 1,000 nodes × 30 units the whole text is tens of MB (every unit lists a copy of every
 * node, `Output` included), so it is never held as one string: the pieces go straight into a compressor.
 */
import type { ClusterReport, ReportUnit } from './cluster-report.ts';

/** Pieces of `JSON.stringify(report)`, in order. */
export function* reportJsonPieces(report: ClusterReport): Generator<string> {
  yield '{"Units":';
  if (report.Units === null) yield 'null';
  else yield* objectPieces(report.Units, unitPieces);
  yield ',"Nodes":';
  if (report.Nodes === null) yield 'null';
  else yield* objectPieces(report.Nodes, (node) => [JSON.stringify(node)]);
  yield `,"UpdatedTime":${JSON.stringify(report.UpdatedTime)}}`;
}

/** The same text, joined into strings of at least `minLength` characters (one write each into a stream). */
export function* reportJsonChunks(report: ClusterReport, minLength = 64 * 1024): Generator<string> {
  let batch: string[] = [];
  let length = 0;
  for (const piece of reportJsonPieces(report)) {
    batch.push(piece);
    length += piece.length;
    if (length >= minLength) {
      yield batch.join('');
      batch = [];
      length = 0;
    }
  }
  if (batch.length > 0) yield batch.join('');
}

function* objectPieces<T>(map: Record<string, T>, valuePieces: (value: T) => Iterable<string>): Generator<string> {
  yield '{';
  let first = true;
  for (const [key, value] of Object.entries(map)) {
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* valuePieces(value);
  }
  yield '}';
}

/** A unit with its node copies one by one (a unit keyed otherwise than buildClusterReport keys it: whole). */
function* unitPieces(unit: ReportUnit): Generator<string> {
  const keys = Object.keys(unit);
  const nodes = unit.Nodes;
  if (nodes === undefined || keys[0] !== 'UnitName' || keys[1] !== 'Nodes' || keys.length < 3) {
    yield JSON.stringify(unit);
    return;
  }
  const after: Partial<ReportUnit> = { ...unit };
  delete after.UnitName;
  delete after.Nodes;
  yield `{"UnitName":${JSON.stringify(unit.UnitName)},"Nodes":[`;
  for (let i = 0; i < nodes.length; i++) yield `${i === 0 ? '' : ','}${JSON.stringify(nodes[i])}`;
  yield `],${JSON.stringify(after).slice(1)}`;
}
