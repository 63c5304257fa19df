// A task's stdout and stderr go through this process into the sandbox files, as Mesos's LogrotateContainerLogger
// pipes them through mesos-logrotate-logger: the task writes into pipes, and this writer owns the files, so log
// rotation can rename them while the task runs. Before each write it checks that its file is still the one at the
// path (inode); once the rotation has renamed it, the write goes to a fresh file there. Nothing is lost or written
// twice: a write is either before the rename (in the rotated file) or after it (in the new one). Plain JavaScript,
// started per task with `node task-output-logger.mjs <stdout path> <stderr path>` and the task's pipes on fds 0
// and 3; in its own session, so it outlives the agent (kill -9) with the task, and ends when the task's side of
// both pipes is closed — every byte the task wrote is in the files by then.
import { closeSync, fchownSync, fstatSync, openSync, statSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';

class ReopeningFile {
  constructor(path) {
    this.path = path;
    this.fd = openSync(path, 'a', 0o644);
  }

  write(chunk) {
    if (!this.stillAtPath()) this.reopen();
    for (let offset = 0; offset < chunk.length; ) offset += writeSync(this.fd, chunk, offset);
  }

  stillAtPath() {
    try {
      const atPath = statSync(this.path);
      const held = fstatSync(this.fd);
      return atPath.ino === held.ino && atPath.dev === held.dev;
    } catch (err) {
      if (err.code === 'ENOENT') return false;
      throw err;
    }
  }

  reopen() {
    const { uid, gid } = fstatSync(this.fd);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a', 0o644);
    // The new file belongs to whoever the old one did (the task's user when the agent switched users).
    if (process.getuid?.() === 0) fchownSync(this.fd, uid, gid);
  }
}

let open = 0;
for (const [fd, path] of [
  [0, process.argv[2]],
  [3, process.argv[3]],
]) {
  const file = new ReopeningFile(path);
  const pipe = new Socket({ fd, readable: true, writable: false });
  open++;
  pipe.on('data', (chunk) => {
    try {
      file.write(chunk);
    } catch {
      // A file that cannot be written (disk full) loses this chunk; the pipe keeps being drained so the task never
      // blocks on a full pipe or dies of EPIPE.
    }
  });
  pipe.on('error', () => pipe.destroy());
  pipe.on('close', () => {
    if (--open === 0) process.exit(0);
  });
}
