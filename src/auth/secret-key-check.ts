import type { StoreSettings } from '../store/store-settings';
import type { SecretBox } from './secret-box';

const CHECK = 'secret_key_check';

/**
 * Refuses to run with a secret key other than the one the store's credentials are sealed with
 * (a second process on a shared store that generated its own key, say): the store keeps a
 * value sealed with the first key, and every start must be able to open it.
 */
export async function checkSecretKey(settings: StoreSettings, box: SecretBox): Promise<void> {
  const stored = await settings.keep(CHECK, box.seal('regql', CHECK));
  try {
    box.open(stored, CHECK);
  } catch {
    throw new Error(
      "secretKey (REGQL_SECRET_KEY) is not the key this store's credentials are sealed with: " +
        'every process on one store needs the same key',
    );
  }
}
