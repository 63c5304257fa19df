/**
 * The `minidc` command.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { parseScenario, runScenario, ScenarioError } from './allocator/simulator.ts';

const VERSION = '0.1.0';

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

/** Prints one line to stderr and exits non-zero: the CLI's only way of failing. */
function fail(message: string): never {
  process.stderr.write(`minidc: ${message}\n`);
  process.exit(1);
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('minidc')
    .description('A compact DC/OS-style datacenter runtime with its observability and diagnostics suite')
    .version(VERSION)
    .showHelpAfterError();

  const allocator = program.command('allocator').description("Mesos's Hierarchical DRF allocator");
  allocator
    .command('simulate')
    .description('replay a scenario of cluster events and print the offers each allocation makes, one JSON line each')
    .argument('<file>', "scenario JSON file, or '-' for standard input")
    .action((file: string) => {
      let text: string;
      try {
        text = readInput(file);
      } catch (err) {
        fail(`cannot read ${file === '-' ? 'standard input' : file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      try {
        runScenario(parseScenario(text), (out) => process.stdout.write(JSON.stringify(out) + '\n'));
      } catch (err) {
        if (err instanceof ScenarioError) fail(err.message);
        throw err;
      }
    });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    fail((err as Error).message.split('\n')[0] ?? 'unexpected error');
  }
}
