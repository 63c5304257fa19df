/**
 * Unit names as systemd spells them (`dcos-mesos-master.service`, `dcos-logrotate-agent.timer`).
 *
 * Checked up front because the name becomes a file name (`journal/<name>.log`): restricting it to systemd's
 * character set keeps a name from reaching outside the journal directory.
 */
const UNIT_NAME = /^[A-Za-z0-9:_.@-]+\.(service|socket|timer|target|path|mount)$/;
/** systemd's UNIT_NAME_MAX. */
const MAX_LENGTH = 255;

export function isValidUnitName(name: string): boolean {
  return name.length <= MAX_LENGTH && !name.startsWith('.') && UNIT_NAME.test(name);
}

export function assertUnitName(name: string): void {
  if (!isValidUnitName(name))
    throw new TypeError(`invalid unit name '${name}': expected e.g. dcos-mesos-master.service (letters, digits, :_.@- and a unit type suffix)`);
}
