import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v1';

/** AES-256-GCM with a random 96-bit nonce per secret; the stored form is `v1.<nonce>.<tag>.<ciphertext>`. */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, nonce, cipher.getAuthTag(), sealed]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** `context` (the credential id) is authenticated too, so a sealed secret cannot be moved to another row. */
  open(stored: string, context: string): string {
    const [version, nonce, tag, sealed] = stored.split('.');
    if (version !== VERSION || !nonce || !tag || sealed === undefined)
      throw new Error('unknown secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

/** The configured key (base64 or hex of 32 bytes), or a key file made with mode 0600 on first start. */
export function loadSecretKey(dataDir: string, configured?: string): Buffer {
  if (configured) {
    const key = /^[0-9a-fA-F]{64}$/.test(configured)
      ? Buffer.from(configured, 'hex')
      : Buffer.from(configured, 'base64');
    if (key.length !== 32)
      throw new Error('secretKey (REGQL_SECRET_KEY) must be 32 bytes, as 64 hex digits or base64');
    return key;
  }
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file))
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return loadSecretKey(dataDir, readFileSync(file, 'utf8').trim());
}
