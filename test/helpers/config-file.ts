import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ConfiguredRegistry } from '../../src/federation/catalog';

/** A `regql.yaml` that configures these registries, in `dir` or a new temporary directory. */
export function registriesConfigFile(
  registries: Pick<ConfiguredRegistry, 'name' | 'kind' | 'url' | 'apiUrl'>[],
  dir = mkdtempSync(join(tmpdir(), 'regql-config-')),
): string {
  const file = join(dir, 'regql.yaml');
  writeFileSync(file, stringify({ registries }));
  return file;
}
