/**
 * The `package_list` event: what is installed on the cluster, as Cosmos's `/package/list` answered dcos-signal
 * (`packages[].{appId, packageInformation.packageDefinition.{name, version}}`). minidc has no Cosmos, so Marathon's
 * apps stand in: an app Cosmos would have installed names its package in the `DCOS_PACKAGE_NAME` and
 * `DCOS_PACKAGE_VERSION` labels; any other app is listed under its id and its Marathon version.
 */
import { objectOf, SourceShapeError, type JsonReader, type Reporter } from './reporter.ts';
import { marathonAppsUrl, type MasterEndpoints } from './signal-sources.ts';

export interface InstalledPackage {
  appId: string;
  packageInformation: { packageDefinition: { name: string; version: string } };
}

interface MarathonApp {
  id?: unknown;
  version?: unknown;
  labels?: Record<string, unknown>;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function installedPackages(apps: readonly unknown[]): InstalledPackage[] {
  return apps.map((raw) => {
    const app = (typeof raw === 'object' && raw !== null ? raw : {}) as MarathonApp;
    const appId = text(app.id) ?? '';
    const labels = typeof app.labels === 'object' && app.labels !== null ? app.labels : {};
    return {
      appId,
      packageInformation: {
        packageDefinition: {
          name: text(labels.DCOS_PACKAGE_NAME) ?? appId.replace(/^\//, ''),
          version: text(labels.DCOS_PACKAGE_VERSION) ?? text(app.version) ?? '',
        },
      },
    };
  });
}

export function packageListReporter(endpoints: () => MasterEndpoints): Reporter {
  return {
    event: 'package_list',
    properties: async (read: JsonReader) => {
      const url = marathonAppsUrl(endpoints());
      const apps = objectOf(await read(url), url, "Marathon's app list").apps;
      if (!Array.isArray(apps)) throw new SourceShapeError(`GET ${url}: not Marathon's app list ({"apps":[…]})`);
      return { package_list: installedPackages(apps) };
    },
  };
}
