import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Kind, parse } from 'graphql';
import { parse as parseYaml } from 'yaml';

const root = join(__dirname, '..');

/** Files of one codegen `documents` pattern: a plain path, or `dir/*.ext` (a `*` in the file name only). */
function filesOf(pattern: string): string[] {
  if (!pattern.includes('*')) return [join(root, pattern)];
  const dir = dirname(pattern);
  const [prefix, suffix, ...more] = basename(pattern).split('*');
  if (dir.includes('*') || more.length > 0)
    throw new Error(`codegen.yml: documents pattern ${pattern} is not supported: use dir/*.ext`);
  return readdirSync(join(root, dir))
    .filter((name) => name.startsWith(prefix) && name.endsWith(suffix))
    .map((name) => join(root, dir, name));
}

/** The names of every operation in the documents codegen.yml lists, sorted and unique. */
export function projectOperationNames(): string[] {
  const codegen = parseYaml(readFileSync(join(root, 'codegen.yml'), 'utf8')) as {
    documents?: string | string[];
  };
  const patterns = [codegen.documents ?? []].flat();
  const names = new Set<string>();
  for (const file of patterns.flatMap(filesOf)) {
    for (const definition of parse(readFileSync(file, 'utf8')).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      if (!definition.name) throw new Error(`${file}: every operation needs a name`);
      names.add(definition.name.value);
    }
  }
  return [...names].sort();
}

export const operationNamesFile = join(root, 'schema', 'operation-names.json');

export const printOperationNames = (names: string[]) => `${JSON.stringify(names, null, 2)}\n`;
