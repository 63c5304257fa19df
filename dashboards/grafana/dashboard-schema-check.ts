/**
 * Checks dashboard JSON against Grafana's own dashboard types (@grafana/schema's `Dashboard`) with the TypeScript
 * compiler: each JSON text becomes an object literal assigned to that type, so a missing required field, a wrong
 * type or a field the schema does not have is a compile error. String enums are compared by value (JSON has
 * `"value"`, not `MappingType.ValueToText`).
 */
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));

const PRELUDE = [
  "import type { Dashboard } from '@grafana/schema';",
  // A type as JSON can satisfy it: string enums become their values.
  'type Json<T> = T extends string ? `${T}` : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;',
  'export const dashboard: Json<Dashboard> = ',
].join('\n');

/** The compiler's complaints about each named JSON text (empty when it is a valid dashboard). */
export function schemaErrors(jsonTexts: ReadonlyMap<string, string>): Map<string, string[]> {
  const sources = new Map<string, { name: string; text: string }>();
  for (const [name, json] of jsonTexts) sources.set(`${HERE}__schema_check_${sources.size}.ts`, { name, text: `${PRELUDE}${json.trimEnd()};\n` });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readSource = host.getSourceFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.getSourceFile = (file, language, ...rest) => {
    const virtual = sources.get(file);
    return virtual === undefined ? readSource(file, language, ...rest) : ts.createSourceFile(file, virtual.text, language);
  };
  host.fileExists = (file) => sources.has(file) || exists(file);
  const program = ts.createProgram([...sources.keys()], options, host);
  const errors = new Map<string, string[]>([...jsonTexts.keys()].map((name) => [name, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file === undefined ? undefined : sources.get(d.file.fileName)?.name;
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (name === undefined) throw new Error(`dashboard schema check: ${message}`);
    errors.get(name)!.push(message);
  }
  return errors;
}
