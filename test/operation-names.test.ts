import { readFileSync } from 'node:fs';
import {
  operationNamesFile,
  printOperationNames,
  projectOperationNames,
} from '../scripts/operation-names';

describe('operation names allowed as metric labels', () => {
  it('match the committed schema/operation-names.json (run `npm run codegen` after changing the documents)', () => {
    expect(readFileSync(operationNamesFile, 'utf8')).toBe(
      printOperationNames(projectOperationNames()),
    );
  });
});
