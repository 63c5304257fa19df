/**
 * `/v1/enumerate`: every framework with its running tasks and each task's records. Built on request by running the
 * generator over the last good state with a collecting sink, so reloads do not pay for per-task bookkeeping.
 */
import type { EnumeratingSink, GeneratorConfig } from './record-generator.ts';
import { generateRecords } from './record-generator.ts';
import { wireKeyToName } from '../wire/dns-names.ts';
import type { RecordType, SrvList } from './record-set.ts';
import { srvText } from './record-set.ts';

export interface EnumeratedRecord {
  name: string;
  host: string;
  rtype: RecordType;
}

export interface EnumeratedTask {
  name: string;
  id: string;
  records: EnumeratedRecord[];
}

export interface Enumeration {
  frameworks: { name: string; tasks: EnumeratedTask[] }[];
}

class EnumerationCollector implements EnumeratingSink {
  readonly result: Enumeration = { frameworks: [] };
  private readonly tasksByFramework = new Map<string, EnumeratedTask[]>();
  private readonly tasksByOwner = new Map<object, EnumeratedTask>();

  framework(id: string, rawName: string): void {
    const tasks: EnumeratedTask[] = [];
    this.tasksByFramework.set(id, tasks);
    this.result.frameworks.push({ name: rawName, tasks });
  }

  task(frameworkId: string, rawName: string, id: string, owner: object): void {
    const task = { name: rawName, id, records: [] };
    this.tasksByOwner.set(owner, task);
    this.tasksByFramework.get(frameworkId)?.push(task);
  }

  address(name: string, ip: string, owner?: object): void {
    this.record(owner, wireKeyToName(name), ip.includes(':') ? 'AAAA' : 'A', ip);
  }

  addresses(name: string, ips: readonly string[], owner?: object): void {
    for (const ip of ips) this.address(name, ip, owner);
  }

  srv(name: string, target: string, port: number, owner?: object): void {
    this.record(owner, wireKeyToName(name), 'SRV', srvText({ target, port }));
  }

  srvList(name: string, list: SrvList, owners: readonly object[]): void {
    for (let i = 0; i < list.length; i++) this.srv(name, list.targets[i]!, list.ports[i]!, owners[i]);
  }

  private record(owner: object | undefined, name: string, rtype: RecordType, host: string): void {
    const records = owner === undefined ? undefined : this.tasksByOwner.get(owner)?.records;
    if (records !== undefined && !records.some((r) => r.name === name && r.rtype === rtype && r.host === host)) {
      records.push({ name, host, rtype });
    }
  }
}

export function enumerate(state: unknown, config: GeneratorConfig): Enumeration {
  const collector = new EnumerationCollector();
  generateRecords(state, config, collector);
  return collector.result;
}
