import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The runtime modules observers (collectors/, diagnostics/, signal/, dashboards/) may import, relative to runtime/.
 * Everything else they reach through the public HTTP APIs, so they run unchanged against a real cluster. Adding a
 * permitted module is one line here.
 */
const OBSERVER_VISIBLE_RUNTIME_MODULES = [
  'units/unit-reader.ts', // the read-only unit interface
  'time/clock.ts', // Clock and Timers: an embedded cluster hands observers its own time
  'time/system-time.ts',
  'storage/atomic-file.ts', // durable state files (bundles' state.json): a ground-floor utility, no runtime state
  'storage/node-config-file.ts', // a node's optional per-unit config file (etc/<name>.json): read at a unit's start
  'dns/dns-lookup.ts', // one A lookup at one server (the DNS liveness probes): a client utility, no runtime state
];

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const observerVisible = OBSERVER_VISIBLE_RUNTIME_MODULES.map(escapeRegex).join('|');

export default tseslint.config(
  { ignores: ['node_modules/**', '.minidc/**', 'coverage/**', 'ui/dist/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
    },
  },
  {
    // The status page runs in the browser: its globals, not node's.
    files: ['ui/client/**'],
    languageOptions: {
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'performance', 'fetch', 'requestAnimationFrame', 'setTimeout', 'clearTimeout', 'addEventListener', 'removeEventListener', 'ResizeObserver', 'FormData', 'URLSearchParams', 'AbortSignal', 'HTMLElement', 'HTMLButtonElement', 'HTMLInputElement', 'HTMLSelectElement', 'HTMLFormElement', 'HTMLDivElement', 'MouseEvent', 'Event', 'Response'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Components log to their unit's journal (the UnitLog they are given); only the CLI prints.
    files: ['runtime/**'],
    ignores: ['runtime/cli.ts', 'runtime/cluster/start-command.ts', 'runtime/cluster/sample-server.mjs'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['collectors/**', 'diagnostics/**', 'signal/**', 'dashboards/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `(^|/)runtime/(?!(${observerVisible})$)`,
              message:
                'Observers see the runtime only through its public APIs; the runtime modules they may import are listed in eslint.config.js.',
            },
          ],
        },
      ],
    },
  },
);
