/**
 * z-base-32 (Zooko's human-oriented base-32) and the task-ID hash Mesos-DNS puts in canonical task names
 * (`nginx-jhy6r-s1`): the first five characters of z-base-32(SHA-1(task id)).
 */
import { hash } from 'node:crypto';

const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

export function taskIdHash(taskId: string): string {
  // Five characters = the digest's first 25 bits.
  const bits = parseInt(hash('sha1', taskId, 'hex').slice(0, 8), 16);
  let out = '';
  for (let shift = 27; shift >= 7; shift -= 5) out += ALPHABET[(bits >>> shift) & 31];
  return out;
}

/**
 * Task ID hashes kept across reloads: tasks outlive reloads, so most hashes are reused. IDs not seen for a whole
 * reload are pruned when they make up more than half of the memo.
 */
export class TaskHashCache {
  private hashes = new Map<string, string>();
  private seen: string[] = [];

  get(taskId: string): string {
    this.seen.push(taskId);
    let h = this.hashes.get(taskId);
    if (h === undefined) {
      h = taskIdHash(taskId);
      this.hashes.set(taskId, h);
    }
    return h;
  }

  /** Call after each reload. */
  rotate(): void {
    if (this.hashes.size > 2 * this.seen.length) {
      const kept = new Map<string, string>();
      for (const id of this.seen) kept.set(id, this.hashes.get(id)!);
      this.hashes = kept;
    }
    this.seen = [];
  }
}
