import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRegqlSchema, printSortedSchema } from '../src/graphql/schema';

async function main(): Promise<void> {
  const file = join(__dirname, '..', 'schema', 'schema.graphql');
  writeFileSync(file, printSortedSchema(await buildRegqlSchema()));
  console.log(`wrote ${file}`);
}

void main();
