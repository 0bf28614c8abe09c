import type { Db } from './database';
import { ImageStreamStore } from './image-stream-store';
import { StreamStatusStore } from './stream-status-store';

export interface StreamStores {
  imageStreams: ImageStreamStore;
  status: StreamStatusStore;
}

export const streamStoresOn = (db: Db): StreamStores => ({
  imageStreams: new ImageStreamStore(db),
  status: new StreamStatusStore(db),
});

/** Runs `work` in one transaction: all of its writes land, or none. */
export function inTransaction<T>(db: Db, work: (stores: StreamStores) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => work(streamStoresOn(trx)));
}
