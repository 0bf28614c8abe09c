import { writeFileSync } from 'node:fs';
import { operationNamesFile, printOperationNames, projectOperationNames } from './operation-names';

writeFileSync(operationNamesFile, printOperationNames(projectOperationNames()));
console.log(`wrote ${operationNamesFile}`);
