/**
 * `minidc node list` (the Mesos master's nodes, as `dcos node list`) and `minidc node diagnostics
 * create|status|list|download|delete` (diagnostics bundles through the master's dcos-diagnostics v2 cluster API,
 * as `dcos node diagnostics` of DC/OS's CLI v2).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { BundleClient, checkBundleId, FINAL_STATUSES, selectionOf, type Bundle } from './cli/bundle-client.ts';
import { downloadBundle } from './cli/bundle-download.ts';
import { bundleStatusText, bundleTable } from './cli/bundle-table.ts';
import { addClusterOptions, CliError, oneLineUsageErrors, runClusterCommand, timeoutOf, urlOf, type ClusterOptions } from './cli/cluster-options.ts';
import { listNodes, nodesJson, nodeTable } from './cli/node-list.ts';
import { humanBytes } from './cli/text-table.ts';

/** How often `create --wait` asks for the status: a bundle takes seconds to minutes. */
const WAIT_POLL_MS = 1000;

interface JsonOption extends ClusterOptions {
  json?: boolean;
}

const print = (text: string) => process.stdout.write(`${text}\n`);

async function clientOf(options: ClusterOptions): Promise<BundleClient> {
  return new BundleClient(await urlOf('diagnostics', options), timeoutOf(options));
}

/** Polls until the bundle is final, showing its status on stderr: one updated line on a terminal, else a line per change. */
async function waitFor(client: BundleClient, id: string): Promise<Bundle> {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let shown = '';
  for (;;) {
    const bundle = await client.status(id);
    const line = `bundle ${id}: ${bundle.status}`;
    if (tty) process.stderr.write(`\r${line} (${Math.round((Date.now() - started) / 1000)} s)\x1b[K`);
    else if (line !== shown) process.stderr.write(`${line}\n`);
    shown = line;
    if (FINAL_STATUSES.includes(bundle.status)) {
      if (tty) process.stderr.write('\n');
      return bundle;
    }
    await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
  }
}

function installDiagnostics(node: Command): void {
  const diagnostics = node.command('diagnostics').description("diagnostics bundles, through the master's dcos-diagnostics (v2 cluster bundle API)");
  const command = (name: string, description: string) => addClusterOptions(diagnostics.command(name).description(description), 'diagnostics');

  command('create', 'start a cluster bundle of all nodes, the masters, the agents, or one node; prints its id')
    .argument('<selector>', 'all | masters | agents | a node (address, Mesos id or hostname)')
    .option('--wait', 'poll its status until Done or Failed (exit 1 unless Done)')
    .action((selector: string, options: ClusterOptions & { wait?: boolean }) =>
      runClusterCommand(async () => {
        const selection = selectionOf(selector);
        const client = await clientOf(options);
        const bundle = await client.create(randomUUID(), selection);
        print(bundle.id);
        if (!options.wait) return 0;
        const done = await waitFor(client, bundle.id);
        if (done.status !== 'Done') throw new CliError(`bundle ${done.id} ${done.status}${done.errors?.length ? `: ${done.errors.join('; ')}` : ''}`);
        process.stderr.write(`bundle ${done.id} is ready${done.size === undefined ? '' : ` (${humanBytes(done.size)})`}: minidc node diagnostics download ${done.id}\n`);
        return 0;
      }),
    );

  const showList = (options: JsonOption) =>
    runClusterCommand(async () => {
      const bundles = await (await clientOf(options)).list();
      print(options.json ? JSON.stringify(bundles, null, 2) : bundles.length === 0 ? 'no bundles' : bundleTable(bundles));
      return 0;
    });

  command('status', 'the status of one bundle, or of every bundle')
    .argument('[id]', 'bundle id')
    .option('--json', 'print the bundle object(s) as the API answers')
    .action((id: string | undefined, options: JsonOption) => {
      if (id === undefined) return showList(options);
      return runClusterCommand(async () => {
        const bundle = await (await clientOf(options)).status(checkBundleId(id));
        print(options.json ? JSON.stringify(bundle, null, 2) : bundleStatusText(bundle));
        return 0;
      });
    });

  command('list', 'every bundle the masters hold')
    .option('--json', 'print the bundle objects as the API answers')
    .action((options: JsonOption) => showList(options));

  command('download', 'download a finished bundle to DIR/<id>.zip, with a progress bar on a terminal')
    .argument('<id>', 'bundle id')
    .option('--location <dir>', 'directory to write the zip into (default: the current directory)')
    .action((id: string, options: ClusterOptions & { location?: string }) =>
      runClusterCommand(async () => {
        const client = await clientOf(options);
        const { path, bytes } = await downloadBundle(client, checkBundleId(id), options.location ?? '.', timeoutOf(options));
        print(`downloaded bundle ${id} to ${path} (${humanBytes(bytes)})`);
        return 0;
      }),
    );

  command('delete', 'delete a bundle from the masters')
    .argument('<id>', 'bundle id')
    .action((id: string, options: ClusterOptions) =>
      runClusterCommand(async () => {
        await (await clientOf(options)).delete(checkBundleId(id));
        print(`deleted bundle ${id}`);
        return 0;
      }),
    );
}

export function installNodeCommand(program: Command): void {
  const node = oneLineUsageErrors(program.command('node').description('the cluster\'s nodes and their diagnostics bundles'));
  addClusterOptions(node.command('list').description('the leading master and every agent (HOSTNAME IP ID TYPE), from the Mesos master'), 'mesos')
    .option('--json', "print the nodes as Mesos describes them, each with its 'type'")
    .action((options: JsonOption) =>
      runClusterCommand(async () => {
        const nodes = await listNodes(await urlOf('mesos', options), timeoutOf(options));
        print(options.json ? JSON.stringify(nodesJson(nodes), null, 2) : nodeTable(nodes));
        return 0;
      }),
    );
  installDiagnostics(node);
}
