import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './001-foundation';
import * as credentials from './002-credentials';
import * as status from './003-image-stream-status';
import * as integrated from './004-integrated-registry';
import * as events from './005-events';
import * as triggerFirstAttempt from './006-trigger-first-attempt';

/** Versioned migrations, applied in name order at start. Never edit one that has shipped. */
const migrations: Record<string, Migration> = {
  '001-foundation': foundation,
  '002-credentials': credentials,
  '003-image-stream-status': status,
  '004-integrated-registry': integrated,
  '005-events': events,
  '006-trigger-first-attempt': triggerFirstAttempt,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
