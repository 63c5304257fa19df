/**
 * A RecordSet as one compact binary buffer, so the serving thread can be handed each rebuild by transferring an
 * ArrayBuffer (no copy, no structured clone of a million values). Every name (record owners and SRV targets) is
 * written once and referred to by index; value lists shared by several names in the RecordSet (an agent's addresses,
 * a task group's SRV values) are written once too and stay shared after decoding.
 *
 * Layout (little-endian): u32 version, u32 counts of names, address lists, SRV lists, A, AAAA and SRV entries;
 * names (u8 length + latin1); address lists (u32 n, then n × (u8 length + latin1 text)); SRV lists (u32 n, then
 * n × (u32 target name, u16 port)); entries (u32 name, u32 list) for A, AAAA, SRV.
 */
import { RecordSet, SrvList } from './record-set.ts';

const VERSION = 1;
const HEADER_BYTES = 7 * 4;

/** A growable little-endian byte writer. */
class ByteWriter {
  buf = Buffer.allocUnsafe(1 << 20);
  at = 0;

  room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
  }

  /** A string of at most 255 latin1 characters (wire keys and IP texts are). */
  text(s: string): void {
    this.room(1 + s.length);
    this.buf[this.at] = s.length;
    this.buf.write(s, this.at + 1, s.length, 'latin1');
    this.at += 1 + s.length;
  }
}

export function encodeRecords(records: RecordSet): ArrayBuffer {
  const names = new Map<string, number>();
  const nameOf = (key: string) => {
    let i = names.get(key);
    if (i === undefined) names.set(key, (i = names.size));
    return i;
  };
  const ipLists = new Map<readonly string[], number>();
  const srvLists = new Map<SrvList, number>();
  const entries = (map: Map<string, readonly string[]>) => {
    const out: number[] = [];
    for (const [key, list] of map) {
      let li = ipLists.get(list);
      if (li === undefined) ipLists.set(list, (li = ipLists.size));
      out.push(nameOf(key), li);
    }
    return out;
  };
  const a = entries(records.a);
  const aaaa = entries(records.aaaa);
  const srv: number[] = [];
  for (const [key, list] of records.srvs) {
    let li = srvLists.get(list);
    if (li === undefined) srvLists.set(list, (li = srvLists.size));
    srv.push(nameOf(key), li);
  }
  // Targets get their name indexes before anything is written, so the name table is complete.
  const srvTargets = [...srvLists.keys()].map((list) => list.targets.map(nameOf));

  const w = new ByteWriter();
  for (const n of [VERSION, names.size, ipLists.size, srvLists.size, a.length / 2, aaaa.length / 2, srv.length / 2]) w.u32(n);
  for (const key of names.keys()) w.text(key);
  for (const list of ipLists.keys()) {
    w.u32(list.length);
    for (const ip of list) w.text(ip);
  }
  let k = 0;
  for (const list of srvLists.keys()) {
    const targets = srvTargets[k++]!;
    w.u32(list.length);
    w.room(list.length * 6);
    for (let i = 0; i < list.length; i++) {
      w.buf.writeUInt32LE(targets[i]!, w.at);
      w.buf.writeUInt16LE(list.ports[i]!, w.at + 4);
      w.at += 6;
    }
  }
  for (const pairs of [a, aaaa, srv]) {
    w.room(pairs.length * 4);
    for (const v of pairs) {
      w.buf.writeUInt32LE(v, w.at);
      w.at += 4;
    }
  }
  // A copy of exactly the used bytes, in an ArrayBuffer of its own (pool slices cannot be transferred).
  const out = new ArrayBuffer(w.at);
  w.buf.copy(new Uint8Array(out), 0, 0, w.at);
  return out;
}

export function decodeRecords(data: ArrayBuffer): RecordSet {
  const buf = Buffer.from(data);
  if (buf.length < HEADER_BYTES || buf.readUInt32LE(0) !== VERSION) throw new Error('not an encoded record set');
  const [nameCount, ipListCount, srvListCount, aCount, aaaaCount, srvCount] = [1, 2, 3, 4, 5, 6].map((i) => buf.readUInt32LE(i * 4)) as [
    number, number, number, number, number, number,
  ];
  let at = HEADER_BYTES;
  const text = () => {
    const len = buf[at]!;
    const s = buf.toString('latin1', at + 1, at + 1 + len);
    at += 1 + len;
    return s;
  };
  const u32 = () => {
    const v = buf.readUInt32LE(at);
    at += 4;
    return v;
  };
  const names = new Array<string>(nameCount);
  for (let i = 0; i < nameCount; i++) names[i] = text();
  const ipLists = new Array<readonly string[]>(ipListCount);
  for (let i = 0; i < ipListCount; i++) {
    const list = new Array<string>(u32());
    for (let j = 0; j < list.length; j++) list[j] = text();
    ipLists[i] = Object.freeze(list);
  }
  const srvLists = new Array<SrvList>(srvListCount);
  for (let i = 0; i < srvListCount; i++) {
    const n = u32();
    const targets = new Array<string>(n);
    const ports = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      targets[j] = names[buf.readUInt32LE(at)]!;
      ports[j] = buf.readUInt16LE(at + 4);
      at += 6;
    }
    srvLists[i] = SrvList.ofDistinct(targets, ports);
  }
  const records = new RecordSet();
  for (let i = 0; i < aCount; i++) records.a.set(names[u32()]!, ipLists[u32()]!);
  for (let i = 0; i < aaaaCount; i++) records.aaaa.set(names[u32()]!, ipLists[u32()]!);
  for (let i = 0; i < srvCount; i++) records.srvs.set(names[u32()]!, srvLists[u32()]!);
  if (at !== buf.length) throw new Error('encoded record set has trailing bytes');
  return records.seal();
}
