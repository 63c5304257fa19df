// The sink collectors write through, over a real zip: a streamed file reaches the archive while it is still being
// read (not held whole), redacted also where chunk boundaries split a secret; a stream that fails midway leaves a
// valid zip whose entry says where it was cut, and the failure reaches the collector; an empty stream gets a note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { BundleSink } from '../../diagnostics/bundles/bundle-content.ts';
import { RedactingSink } from '../../diagnostics/bundles/content/redacting-sink.ts';
import { ZipFileWriter } from '../../diagnostics/bundles/zip-file-writer.ts';

const SECRET = 's3cr3t-t0ken-value';

test('a streamed file reaches the archive as it is read, redacted across chunk boundaries', async () => {
  let added: ((name: string) => void) | undefined;
  const addedCalled = new Promise<string>((resolve) => (added = resolve));
  const inner: { name: string; content: Promise<Buffer> }[] = [];
  const sink: BundleSink = {
    add: async (name, source) => {
      assert.ok(source instanceof Readable, 'a stream is handed on as a stream');
      added!(name);
      const content = buffer(source);
      inner.push({ name, content });
      await content;
    },
  };
  const line = `I1207 03:00:00.000000 4000 slave.cpp:1] token ${SECRET} and AUTH_TOKEN=abc123xyz, ü ok\n`;
  const lines = 2000;
  // 7-byte chunks split the secret and the KEY=value shape at every offset.
  const text = Buffer.from(line.repeat(lines));
  async function* source() {
    for (let i = 0; i < text.length / 2; i += 7) yield text.subarray(i, Math.min(i + 7, text.length / 2));
    // The rest only once the archive has the entry: a sink that waits for the whole file never gets here.
    assert.equal(await addedCalled, 'dcos-mesos-slave.service.1');
    for (let i = text.length / 2; i < text.length; i += 7) yield text.subarray(i, Math.min(i + 7, text.length));
  }
  await new RedactingSink(sink, [SECRET]).add('dcos-mesos-slave.service.1', Readable.from(source()));
  assert.equal(inner.length, 1);
  const expected = line.replace(SECRET, '[REDACTED]').replace('AUTH_TOKEN=abc123xyz', 'AUTH_TOKEN=[REDACTED]').repeat(lines);
  assert.equal((await inner[0]!.content).toString('utf8'), expected);
});

test('a stream failing midway: a valid zip, the entry says where it was cut, the collector gets the error; empty: a note', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-redacting-sink-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const zip = new ZipFileWriter(join(dir, 'b.zip'));
  const sink = new RedactingSink(zip, [SECRET]);
  // More than the Redaction keeps back (a shape's longest value), so part of it has reached the archive.
  const firstPart = `first part ${SECRET}\n`.repeat(2000);
  async function* failing() {
    yield Buffer.from(firstPart);
    throw new Error('EIO: i/o error, read');
  }
  await assert.rejects(sink.add('broken.log', Readable.from(failing())), /EIO: i\/o error, read/);
  await sink.add('empty.log', Readable.from([]));
  await sink.add('after.log', `still written ${SECRET}\n`);
  await zip.close();
  const path = join(dir, 'b.zip');
  assert.match(execFileSync('unzip', ['-t', path], { encoding: 'utf8' }), /No errors detected/);
  const entry = (name: string) => execFileSync('unzip', ['-p', path, name], { encoding: 'utf8' });
  const broken = entry('broken.log');
  const note = '\n(broken.log was cut off here: EIO: i/o error, read)\n';
  assert.ok(broken.endsWith(note), broken.slice(-200));
  // What came before the cut is redacted text (the tail the Redaction held back is dropped, never sent unredacted).
  const before = broken.slice(0, -note.length);
  assert.ok(before.length > 1000 && firstPart.replaceAll(SECRET, '[REDACTED]').startsWith(before), before.slice(-100));
  assert.equal(entry('empty.log'), '(empty.log was empty when collected)\n');
  assert.equal(entry('after.log'), 'still written [REDACTED]\n');
});
