import type { Kysely, Migration, MigrationProvider } from 'kysely';
import * as foundation from './001-foundation';
import * as credentials from './002-credentials';
import * as status from './003-image-stream-status';
import * as integrated from './004-integrated-registry';
import * as events from './005-events';
import * as triggerFirstAttempt from './006-trigger-first-attempt';
import * as storeSettings from './007-store-settings';
import * as pullGrants from './008-pull-grants';
import * as registryUploads from './009-registry-uploads';
import * as mirrorJobs from './011-mirror-jobs';
import type { StoreDialect } from './dialect';

export type { StoreDialect } from './dialect';

/**
 * A migration step. Where SQLite and PostgreSQL differ (64-bit integers, generated ids) it asks
 * which one it writes to.
 */
interface Step {
  up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
}

/**
 * Versioned migrations, applied in name order at start. Never change what one that has shipped
 * does on a dialect it already ran on.
 */
const steps: Record<string, Step> = {
  '001-foundation': foundation,
  '002-credentials': credentials,
  '003-image-stream-status': status,
  '004-integrated-registry': integrated,
  '005-events': events,
  '006-trigger-first-attempt': triggerFirstAttempt,
  '007-store-settings': storeSettings,
  '008-pull-grants': pullGrants,
  '009-registry-uploads': registryUploads,
  '011-mirror-jobs': mirrorJobs,
};

export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  const migrations: Record<string, Migration> = {};
  for (const [name, step] of Object.entries(steps))
    migrations[name] = { up: (db) => step.up(db, dialect) };
  return { getMigrations: async () => migrations };
}
