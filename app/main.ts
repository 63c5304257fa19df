/** The `minidc` command with every node service placed and the suite's commands added (run by bin/minidc.js). */
import { main } from '../runtime/cli.ts';
import { OtelConfigError, otelSettingsFromEnv } from '../collectors/otel/otel-settings.ts';
import { installAlertsCommand } from './cli/alerts-command.ts';
import { installAuthCommand } from './auth-command.ts';
import { installCollectCommand } from './collect-command.ts';
import { installDashboardsCommand } from './cli/dashboards-command.ts';
import { installDiagnosticsCommand } from './diagnostics-command.ts';
import { installHealthCommand } from './health-command.ts';
import { installNodeCommand } from './node-command.ts';
import { NODE_SERVICES } from './node-services.ts';
import { installSignalCommand } from './signal-command.ts';

// OpenTelemetry first, so the runtime's spans go to the SDK from the start; without OTEL_* settings nothing of the
// SDK is even loaded.
let settings;
try {
  settings = otelSettingsFromEnv(process.env);
} catch (err) {
  if (!(err instanceof OtelConfigError)) throw err;
  process.stderr.write(`minidc: ${err.message}\n`);
  process.exit(1);
}
const otel = settings === undefined ? undefined : await (await import('../collectors/otel/otel-sdk.ts')).startOtel(settings);

const services = otel === undefined ? NODE_SERVICES : [...NODE_SERVICES, (await import('./otel-export-service.ts')).otelExportService(otel)];
await main(process.argv, services, [installCollectCommand, installNodeCommand, installHealthCommand, installDiagnosticsCommand, installSignalCommand, installAuthCommand, installDashboardsCommand, installAlertsCommand]);
// Commands that return rather than exit (`minidc start` flushes through its export unit before it exits).
await otel?.shutdown();
