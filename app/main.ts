/** The `minidc` command with every node service placed and the suite's commands added (run by bin/minidc.js). */
import { main } from '../runtime/cli.ts';
import { installCollectCommand } from './collect-command.ts';
import { NODE_SERVICES } from './node-services.ts';

await main(process.argv, NODE_SERVICES, [installCollectCommand]);
