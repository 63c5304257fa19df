/** Mesos range resources as `/master/state` prints them: `"[31000-31000, 31005-31006]"`. */

/** The ports of a range string in order (31000, 31005, 31006); undefined if the text is not a range list. */
export function expandPortRanges(text: string): number[] | undefined {
  const m = /^\s*\[(.*)\]\s*$/.exec(text);
  if (!m) return undefined;
  const ports: number[] = [];
  const body = m[1]!.trim();
  if (body === '') return ports;
  for (const part of body.split(',')) {
    const r = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (!r) return undefined;
    const lo = Number(r[1]);
    const hi = Number(r[2]);
    if (hi < lo || hi > 65535) return undefined;
    for (let p = lo; p <= hi; p++) ports.push(p);
  }
  return ports;
}
