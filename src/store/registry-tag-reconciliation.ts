import type { Logger } from 'pino';
import type { Db } from './database';
import { ImageStreamStore } from './image-stream-store';
import { RegistryContentStore } from './registry-content-store';
import { StoreSettings } from './store-settings';
import { StreamStatusStore } from './stream-status-store';

/** Set once the reconciliation has run: it runs once per store. */
export const RECONCILED = 'registry-tags-reconciled-with-streams';

interface TagRow {
  repository: string;
  tag: string;
  digest: string;
}

/**
 * Before deletes were kept in step, a `/v2` tag (registry_tags) could name another image than
 * the image stream's tag of the same name, or outlive it. Once, after the migrations, the stream
 * wins: such a row follows the stream's current image when that manifest is in the repository,
 * and goes otherwise. Each difference is logged. Rows are read in batches, one transaction each.
 */
export async function reconcileRegistryTags(db: Db, log: Logger, batchSize = 500): Promise<void> {
  const settings = new StoreSettings(db);
  if ((await settings.value(RECONCILED)) !== undefined) return;
  let after: TagRow | null = null;
  let changed = 0;
  do {
    const batch = await db
      .transaction()
      .execute((trx) => reconcileBatch(trx, after, batchSize, log));
    after = batch.last;
    changed += batch.changed;
  } while (after !== null);
  await settings.keep(RECONCILED, new Date().toISOString());
  log.info({ changed }, 'reconciled the /v2 tags with their image streams');
}

async function reconcileBatch(
  db: Db,
  after: TagRow | null,
  batchSize: number,
  log: Logger,
): Promise<{ last: TagRow | null; changed: number }> {
  const rows = await db
    .selectFrom('registry_tags')
    .select(['repository', 'tag', 'digest'])
    .$if(after !== null, (q) =>
      q.where(({ eb, or, and }) =>
        or([
          eb('repository', '>', after!.repository),
          and([eb('repository', '=', after!.repository), eb('tag', '>', after!.tag)]),
        ]),
      ),
    )
    .orderBy('repository')
    .orderBy('tag')
    .limit(batchSize)
    .execute();
  const streams = new ImageStreamStore(db);
  const status = new StreamStatusStore(db);
  const content = new RegistryContentStore(db);
  let changed = 0;
  for (const row of rows) {
    const [namespace, name] = row.repository.split('/');
    const stream = await streams.get(namespace, name);
    const current = (stream && (await status.latest(stream.id, row.tag))?.image) ?? null;
    if (current === row.digest) continue;
    const local =
      current !== null && (await content.resolve(row.repository, current)) !== undefined;
    if (local) await content.setTag(row.repository, row.tag, current);
    else await content.deleteTag(row.repository, row.tag);
    log.warn(
      {
        repository: row.repository,
        tag: row.tag,
        registryTag: row.digest,
        streamTag: current ?? (stream ? 'no such tag' : 'no such image stream'),
        action: local ? 'moved to the stream tag' : 'removed',
      },
      'reconciled a /v2 tag with its image stream',
    );
    changed += 1;
  }
  return { last: rows.length === batchSize ? rows[batchSize - 1] : null, changed };
}
