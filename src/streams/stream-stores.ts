import { EventLog } from '../events/event-log';
import type { Db } from '../store/database';
import { ImageStreamStore } from '../store/image-stream-store';
import { StreamStatusStore } from '../store/stream-status-store';

export interface StreamStores {
  /** The connection (or transaction) the stores use, for other stores in the same unit of work. */
  db: Db;
  imageStreams: ImageStreamStore;
  status: StreamStatusStore;
  /** Events append in the transaction of the change they report. */
  events: EventLog;
}

export const streamStoresOn = (db: Db): StreamStores => ({
  db,
  imageStreams: new ImageStreamStore(db),
  status: new StreamStatusStore(db),
  events: new EventLog(db),
});

/** Runs `work` in one transaction: all of its writes land, or none. */
export function inTransaction<T>(db: Db, work: (stores: StreamStores) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => work(streamStoresOn(trx)));
}
