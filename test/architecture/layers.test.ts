import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Cruises a throw-away tree laid out like regql's with the project's own rules. */
async function violationsIn(files: Record<string, string>): Promise<Violation[]> {
  const dir = mkdtempSync(join(tmpdir(), 'regql-layers-'));
  try {
    copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }),
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const output = await run(
      depcruise,
      ['src', 'plugins', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    ).catch((err: { stdout: string }) => err);
    return (JSON.parse(output.stdout) as { summary: { violations: Violation[] } }).summary
      .violations;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const exporting = 'export const value = 1;\n';
const importing = (from: string) =>
  `import { value } from '${from}';\nexport const next = value;\n`;

describe('the layering rule', () => {
  it('passes on the project itself', async () => {
    await expect(
      run(depcruise, ['src', 'plugins', '--config', '.dependency-cruiser.cjs'], { cwd: root }),
    ).resolves.toBeDefined();
  });

  it('refuses an upward import, a sideways import nobody listed, and cycles', async () => {
    const violations = await violationsIn({
      'src/core/leaf.ts': importing('../server/handler'),
      'src/server/handler.ts': exporting,
      'src/events/intake.ts': importing('../streams/importer'),
      'src/streams/importer.ts': exporting,
      'plugins/quay/index.ts': importing('../../src/federation/catalog'),
      'src/federation/catalog.ts': exporting,
      'src/domain/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'src/domain/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      'src/domain/reads.ts':
        "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      'src/auth/token.ts': importing('../egress/policy'),
      'src/egress/policy.ts': importing('../auth/roles'),
      'src/auth/roles.ts': exporting,
    });
    const found = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'core-points-down: src/core/leaf.ts -> src/server/handler.ts',
        'events-independent-of-its-level: src/events/intake.ts -> src/streams/importer.ts',
        'plugins-points-down: plugins/quay/index.ts -> src/federation/catalog.ts',
        'no-file-cycles: src/domain/a.ts -> src/domain/b.ts',
        'domain-does-no-io: src/domain/reads.ts -> fs',
        'no-folder-cycles: src/auth -> src/egress',
      ]),
    );
  });

  it('lets a folder import a lower layer and the listed sideways pairs', async () => {
    const violations = await violationsIn({
      'src/graphql/resolver.ts': importing('../streams/importer'),
      'src/streams/importer.ts': importing('../events/feed'),
      'src/events/feed.ts': importing('../store/log'),
      'plugins/quay/index.ts': importing('../../src/store/log'),
      'src/store/log.ts': importing('../core/errors'),
      'src/core/errors.ts': exporting,
    });
    expect(violations).toEqual([]);
  });
});
