// The lint rules that keep the layers apart: observers import only runtime's named public modules, and nothing in
// runtime/ prints except the CLI. Run through ESLint's API on fixture text placed at the paths the rules cover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.line}:${m.ruleId ?? m.message}`);
}

const OBSERVER_FIXTURE = `import type { UnitReader } from '../../runtime/units/unit-reader.ts';
import { UnitRegistry } from '../../runtime/units/unit-registry.ts';
import type { Master } from '../../runtime/master/master.ts';
export type Seen = [UnitReader, UnitRegistry, Master];
`;

test('diagnostics/ (and every observer) may import the unit read interface but no other runtime module', async () => {
  for (const dir of ['diagnostics', 'collectors', 'signal', 'dashboards'])
    assert.deepEqual(await ruleIds(`${dir}/health/fixture.ts`, OBSERVER_FIXTURE), [
      '2:no-restricted-imports',
      '3:no-restricted-imports',
    ]);
  // The same imports are fine from the composition root, which sits above runtime/.
  assert.deepEqual(await ruleIds('app/fixture.ts', OBSERVER_FIXTURE), []);
});

test('console.* inside runtime/ is an error, except in the CLI', async () => {
  const code = "console.error('hello');\n";
  assert.deepEqual(await ruleIds('runtime/master/fixture.ts', code), ['1:no-console']);
  assert.deepEqual(await ruleIds('runtime/cli.ts', code), []);
});
