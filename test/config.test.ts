import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { ConfigError } from '../src/core/errors';

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'regql-config-')), 'regql.yaml');
  writeFileSync(file, text);
  return file;
}

describe('configuration', () => {
  it('has embedded defaults', () => {
    expect(loadConfig({ env: {} })).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      dataDir: './data',
      graphql: { introspection: true, maxDepth: 12, maxBodyBytes: 1048576 },
      registries: [],
    });
  });

  it('layers defaults < file < environment', () => {
    const file = yamlFile('port: 5000\ndataDir: /srv/regql\ngraphql:\n  maxDepth: 20\n');
    const config = loadConfig({ file, env: { REGQL_PORT: '6000', REGQL_INTROSPECTION: 'false' } });
    expect(config).toMatchObject({
      port: 6000,
      dataDir: '/srv/regql',
      graphql: { maxDepth: 20, introspection: false },
    });
  });

  it.each([
    [{ REGQL_PORT: 'eighty' }, '', /port \(REGQL_PORT\)/],
    [{ REGQL_PORT: '70000' }, '', /port \(REGQL_PORT\): .*65535/],
    [
      { REGQL_ADMIN_TOKEN: 'short' },
      '',
      /adminToken \(REGQL_ADMIN_TOKEN\): must be at least 16 characters/,
    ],
    [{ REGQL_INTROSPECTION: 'maybe' }, '', /graphql.introspection \(REGQL_INTROSPECTION\)/],
    [{ REGQL_PUBLIC_URL: 'not a url' }, '', /publicUrl \(REGQL_PUBLIC_URL\)/],
    [
      { REGQL_DATABASE_URL: 'mysql://regql:pw@db/regql' },
      '',
      /databaseUrl \(REGQL_DATABASE_URL\): must be a postgres:\/\/ URL$/,
    ],
    [{}, 'prot: 1\n', /prot: unknown key/],
    [{}, 'graphql:\n  depth: 3\n', /graphql.depth: unknown key/],
    [
      {},
      'registries:\n  - name: Bad\n    kind: QUAY\n    url: https://quay.io\n',
      /registries.0.name: must be a DNS label/,
    ],
    [
      {},
      'registries:\n  - name: q\n    kind: HARBOUR\n    url: https://quay.io\n',
      /registries.0.kind/,
    ],
    [{}, '- just\n- a list\n', /must hold a mapping/],
    [
      { REGQL_TRUSTED_PROXIES: '10.0.0.0/8,10.0.0.0/33' },
      '',
      /server.trustedProxies.1: must be an address or a CIDR network/,
    ],
    [{ REGQL_MAX_TOKENS: '10' }, '', /graphql.maxTokens \(REGQL_MAX_TOKENS\)/],
    [
      { REGQL_METRIC_OPERATIONS: 'Deploy,no-dash' },
      '',
      /graphql.metricOperations.1: must be a GraphQL name/,
    ],
    [{}, 'port: [unclosed\n', /not valid YAML/],
  ])('names the bad key: %j %j', (env, yaml, message) => {
    const load = () => loadConfig({ env, ...(yaml && { file: yamlFile(yaml) }) });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it('says when the file cannot be read', () => {
    expect(() => loadConfig({ file: '/nonexistent/regql.yaml', env: {} })).toThrow(
      /cannot read configuration file/,
    );
  });
});
