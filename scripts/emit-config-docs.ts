import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configSchema, environmentKeys, loadConfig } from '../src/config';
import { markdownTable } from './markdown-table';

/** docs/configuration.md, written from the config schema by `npm run codegen`; a test fails on drift. */
export const configurationDocFile = join(__dirname, '..', 'docs', 'configuration.md');

type Schema = z.ZodType;

interface Row {
  key: string;
  environment: string;
  default: string;
  meaning: string;
}

/** What a key's schema says about itself, read through the wrappers `.default()`, `.optional()` and the like add. */
interface Leaf {
  inner: Schema;
  description?: string;
  defaultText?: string;
  defaultValue?: unknown;
  hasDefault: boolean;
  optional: boolean;
}

function unwrap(schema: Schema): Leaf {
  const leaf: Leaf = { inner: schema, hasDefault: false, optional: false };
  for (let node: Schema | undefined = schema; node;) {
    const meta = z.globalRegistry.get(node);
    leaf.description ??= meta?.description;
    if (leaf.defaultText === undefined && typeof meta?.defaultText === 'string')
      leaf.defaultText = meta.defaultText;
    leaf.inner = node;
    if (node instanceof z.ZodDefault) {
      if (!leaf.hasDefault) leaf.defaultValue = node.def.defaultValue;
      leaf.hasDefault = true;
      node = node.def.innerType as Schema;
    } else if (node instanceof z.ZodPrefault) {
      leaf.hasDefault = true;
      node = node.def.innerType as Schema;
    } else if (node instanceof z.ZodOptional) {
      leaf.optional = true;
      node = node.def.innerType as Schema;
    } else node = undefined;
  }
  return leaf;
}

const code = (value: string) => `\`${value}\``;

function formatDefault(key: string, leaf: Leaf, inOptional: boolean): string {
  if (leaf.defaultText !== undefined) return leaf.defaultText;
  if (!leaf.hasDefault) return leaf.optional || inOptional ? 'none' : 'required';
  const value = leaf.defaultValue;
  if (Array.isArray(value)) return value.length ? value.map(String).map(code).join(', ') : 'none';
  if (typeof value === 'number' && key.endsWith('Bytes')) {
    for (const [unit, size] of [
      ['GiB', 1024 ** 3],
      ['MiB', 1024 ** 2],
    ] as const)
      if (value >= size && value % size === 0)
        return `${code(String(value))} (${value / size} ${unit})`;
  }
  return code(String(value));
}

const variables = new Map(
  Object.entries(environmentKeys).map(([name, path]) => [path.join('.'), name]),
);

/** `inOptional`: the keys of an optional section (`tls`) are unset while the section is. */
function rows(shape: Record<string, Schema>, prefix: string[] = [], inOptional = false): Row[] {
  return Object.entries(shape).flatMap(([name, schema]) => {
    const key = [...prefix, name].join('.');
    const leaf = unwrap(schema);
    if (leaf.inner instanceof z.ZodObject && !leaf.description)
      return rows(leaf.inner.shape as Record<string, Schema>, [...prefix, name], leaf.optional);
    if (!leaf.description)
      throw new Error(
        `configuration key ${key} has no description: add .describe() in src/config.ts`,
      );
    const values = leaf.inner instanceof z.ZodEnum ? (leaf.inner.options as string[]) : [];
    const variable = variables.get(key);
    return [
      {
        key: code(key),
        environment: variable ? code(variable) : '(file only)',
        default: formatDefault(key, leaf, inOptional),
        meaning: values.length ? `${leaf.description}: ${values.join(', ')}` : leaf.description,
      },
    ];
  });
}

/** A markdown table laid out the way prettier lays it out, so `prettier --check` passes. */
/** The message regql stops with when a value is out of range, as the current code words it. */
function exampleError(): string {
  try {
    loadConfig({ env: { REGQL_PORT: '70000' } });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('REGQL_PORT=70000 was accepted: pick another example of a bad value');
}

/** `a`, `b` and `c` */
const and = (items: string[], word = 'and') =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} ${word} ${items.at(-1)}`;

/** The `registries` entry: its required and optional fields and the kinds it takes, read from the schema. */
function registryEntry(): { required: string[]; optional: string[]; kinds: string[] } {
  const list = unwrap(configSchema.shape.registries).inner as z.ZodArray<z.ZodObject>;
  const shape = list.element.shape as Record<string, Schema>;
  const required: string[] = [];
  const optional: string[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    const leaf = unwrap(schema);
    (leaf.hasDefault || leaf.optional ? optional : required).push(code(name));
  }
  const kind = unwrap(shape.kind).inner as z.ZodEnum;
  return { required, optional, kinds: kind.options as string[] };
}

/** The whole of docs/configuration.md. */
export function configurationDoc(): string {
  const { required, optional, kinds } = registryEntry();
  const header: Row = {
    key: 'key',
    environment: 'environment',
    default: 'default',
    meaning: 'meaning',
  };
  return `# Configuration

<!-- Generated from src/config.ts by scripts/emit-config-docs.ts (npm run codegen). Edit the descriptions there. -->

Defaults, then an optional YAML file (\`regql serve --config regql.yaml\`), then environment
variables. Everything is validated at start; a bad value stops regql with a message naming the
key, e.g. \`${exampleError()}\`.

${markdownTable(header, rows(configSchema.shape as Record<string, Schema>))}

## Registries

\`registries\` is set in the file only: a list of registries to federate.
Each entry has ${and(required)}, and may have ${and(optional)}.
\`kind\` is one of ${and(kinds.map(code), 'or')}.
[Registries and plugins](registries.md) says what each kind adds, which presets there are, and
what \`insecure\` and \`caFile\` are for.

Example file:

\`\`\`yaml
port: 4000
dataDir: /var/lib/regql
registries:
  - name: ghcr
    kind: DISTRIBUTION # ${and(kinds, 'or')}
    url: https://ghcr.io
\`\`\`

Registries added with the \`addRegistry\` mutation (cluster admins only) are stored and survive
restarts; those of the file cannot be removed through the API.
`;
}

if (require.main === module) {
  writeFileSync(configurationDocFile, configurationDoc());
  console.log(`wrote ${configurationDocFile}`);
}
