/**
 * The `minidc` command.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { parseScenario, runScenario, ScenarioError } from './allocator/simulator.ts';
import { ConfigError } from './cluster/cluster-config.ts';
import type { NodeServiceDescriptor } from './cluster/node-service.ts';
import { RUNTIME_SERVICES } from './cluster/runtime-services.ts';
import { runStart, StartError } from './cluster/start-command.ts';

const VERSION = '0.1.0';

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

/** Prints one line to stderr and exits non-zero (1 unless a command documents another): the CLI's only way of failing. */
export function fail(message: string, exitCode = 1): never {
  process.stderr.write(`minidc: ${message}\n`);
  process.exit(exitCode);
}

/** Adds a command to the program: how the composition root adds the suite's commands (runtime/ imports no observer). */
export type CommandInstaller = (program: Command) => void;

/**
 * `services`: what `minidc start` places on the nodes (the composition root passes the runtime's plus the suite's);
 * `commands`: the suite's own commands (`minidc collect`).
 */
export function buildProgram(services: readonly NodeServiceDescriptor[] = RUNTIME_SERVICES, commands: readonly CommandInstaller[] = []): Command {
  const program = new Command();
  program
    .name('minidc')
    .description('A compact DC/OS-style datacenter runtime with its observability and diagnostics suite')
    .version(VERSION)
    .showHelpAfterError();

  program
    .command('start')
    .description('run the cluster (master, agents, Marathon) in the foreground until Ctrl-C; see README for the config keys')
    .option('--config <file>', 'JSON config file (keys: see README)')
    .option('--data-dir <dir>', 'where state, journals, sandboxes and endpoints.json live (default ./.minidc)')
    .option('--agents <n>', 'private agents (default 2)')
    .option('--public-agents <n>', 'public agents (default 1)')
    .option('--ports <mode>', "'standard' (DC/OS's ports on each node address) or 'ephemeral' (OS-chosen)")
    .option('--no-sample', 'do not deploy the sample app')
    .action(async (opts: { config?: string; dataDir?: string; agents?: string; publicAgents?: string; ports?: string; sample: boolean }) => {
      let code: number;
      try {
        code = await runStart(
          {
            ...(opts.config === undefined ? {} : { config: opts.config }),
            ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
            ...(opts.agents === undefined ? {} : { agents: opts.agents }),
            ...(opts.publicAgents === undefined ? {} : { publicAgents: opts.publicAgents }),
            ...(opts.ports === undefined ? {} : { ports: opts.ports }),
            sample: opts.sample,
          },
          (line) => process.stdout.write(`${line}\n`),
          services,
        );
      } catch (err) {
        if (err instanceof ConfigError || err instanceof StartError) fail(err.message);
        throw err;
      }
      process.exit(code);
    });

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
  for (const install of commands) install(program);
  return program;
}

export async function main(
  argv: string[],
  services: readonly NodeServiceDescriptor[] = RUNTIME_SERVICES,
  commands: readonly CommandInstaller[] = [],
): Promise<void> {
  const program = buildProgram(services, commands);
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    fail((err as Error).message.split('\n')[0] ?? 'unexpected error');
  }
}
