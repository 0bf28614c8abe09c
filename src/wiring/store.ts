import { join } from 'node:path';
import Keyv from 'keyv';
import type { Logger } from 'pino';
import { Identities, type AdminBootstrap } from '../auth/identities';
import type { Identity } from '../auth/roles';
import { loadSecretKey, SecretBox } from '../auth/secret-box';
import { checkSecretKey } from '../auth/secret-key-check';
import type { Config } from '../config';
import { BlobStore } from '../integrated-registry/blob-store';
import { openStore, type Store } from '../store/open-store';
import { reconcileRegistryTags } from '../store/registry-tag-reconciliation';
import { StoreSettings } from '../store/store-settings';
import { TokenStore } from '../store/token-store';
import { startPart, type Stoppable } from './teardown';

export interface StorePart extends Stoppable {
  store: Store;
  /** The integrated registry's content-addressed files under the data directory. */
  blobStore: BlobStore;
  identities: Identities;
  admin: AdminBootstrap;
  /** The key that seals stored secrets and signs registry tokens, checked against the store. */
  secretKey: Buffer;
  secretBox: SecretBox;
}

/**
 * Where state lives: the SQL store (migrated, its /v2 tags reconciled once with the image streams),
 * the blob directory, the first admin token and the secret key, checked against what the store was
 * sealed with. Stopping closes the store.
 */
export function startStore(config: Config, log: Logger): Promise<StorePart> {
  return startPart(log, async (teardown) => {
    const store = await openStore(config.dataDir, { databaseUrl: config.databaseUrl, log });
    teardown.add('store', () => store.close());
    const identities = new Identities(new TokenStore(store.db), new Keyv<Identity>());
    const admin = await identities.bootstrapAdmin(config.dataDir, config.adminToken);
    const secretKey = loadSecretKey(config.dataDir, config.secretKey);
    const secretBox = new SecretBox(secretKey);
    await checkSecretKey(new StoreSettings(store.db), secretBox);
    await reconcileRegistryTags(store.db, log);
    const blobStore = new BlobStore(join(config.dataDir, 'registry'));
    await blobStore.init();
    return { store, blobStore, identities, admin, secretKey, secretBox };
  });
}
