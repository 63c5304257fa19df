/** How executors word a task's end in its status message, as Mesos's command executor does. */

/** glibc's strsignal() texts, which Mesos puts in its messages ("Command terminated with signal Killed"). */
const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
  SIGVTALRM: 'Virtual timer expired',
  SIGPROF: 'Profiling timer expired',
  SIGSYS: 'Bad system call',
};

/** Mesos's WSTRINGIFY of a wait status: "exited with status 3" or "terminated with signal Killed". */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `terminated with signal ${SIGNAL_TEXT[signal] ?? signal}`;
  if (code !== null) return `exited with status ${code}`;
  return 'exited with an unknown status';
}
