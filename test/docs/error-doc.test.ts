import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  errorDoc,
  errorDocFile,
  readmeFile,
  readmeWithErrorTable,
} from '../../scripts/emit-error-docs';
import { registerErrorCodes, registeredErrorCodes } from '../../src/core/error-codes';

describe('the error-code registry', () => {
  it('is what docs/errors.md and the README say (run `npm run codegen` after changing it)', () => {
    expect(readFileSync(errorDocFile, 'utf8')).toBe(errorDoc());
    const readme = readFileSync(readmeFile, 'utf8');
    expect(readme).toBe(readmeWithErrorTable(readme));
  });

  it('refuses a code registered twice', () => {
    expect(() => registerErrorCodes('graphql', { FORBIDDEN: [[200], 'again'] })).toThrow(
      'error code graphql:FORBIDDEN is registered twice',
    );
  });

  it('holds every code the source answers with', () => {
    const root = join(__dirname, '..', '..');
    const used = execFileSync(
      'grep',
      [
        '-rhoE',
        // Stand-ins speak for other vendors' servers, with those vendors' codes.
        '--exclude=stand-in*.ts',
        "(code: |RegqlError\\(\\s*|upstreamError\\(|sendJsonError\\(res, [0-9a-z.]+, )'[A-Z_]+'",
        'src',
        'plugins',
      ],
      { cwd: root, encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean)
      .map((match) => match.slice(match.indexOf("'") + 1, -1));
    const known = new Set(
      errorDoc()
        .match(/`[A-Z_]+`/g)!
        .map((c) => c.slice(1, -1)),
    );
    expect(used.filter((code) => !known.has(code))).toEqual([]);
  });
});

describe('the statuses registered with each code', () => {
  it('include every status the source answers that code with', () => {
    const root = join(__dirname, '..', '..');
    const answers = execFileSync(
      'grep',
      ['-rhoE', "(new OciError\\(|sendJsonError\\(res, )[0-9]{3}, '[A-Z_]+'", 'src'],
      { cwd: root, encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean)
      .map((match) => match.match(/([0-9]{3}), '([A-Z_]+)'/)!.slice(1, 3));
    expect(answers.length).toBeGreaterThan(20);
    const statuses = new Map(registeredErrorCodes().map((c) => [c.code, c.statuses]));
    const unregistered = answers.filter(
      ([status, code]) => !statuses.get(code)?.includes(Number(status)),
    );
    expect(unregistered).toEqual([]);
  });
});
