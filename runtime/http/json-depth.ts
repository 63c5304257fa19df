/**
 * How deeply a JSON text nests, found by a scan rather than by parsing: `JSON.parse` happily builds 400,000 nested
 * arrays from a 1 MB body (a few hundred MB of heap and seconds of CPU, then whatever walks the value recurses),
 * so bodies are checked first and refused when they nest deeper than any real API document does.
 */

/** True when `text` opens more than `maxDepth` arrays/objects inside one another (brackets in strings are skipped). */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}
