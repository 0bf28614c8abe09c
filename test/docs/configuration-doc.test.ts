import { readFileSync } from 'node:fs';
import { configurationDoc, configurationDocFile } from '../../scripts/emit-config-docs';

describe('docs/configuration.md', () => {
  it('matches the config schema (run `npm run codegen` after changing src/config.ts)', () => {
    expect(readFileSync(configurationDocFile, 'utf8')).toBe(configurationDoc());
  });
});
