import type { Readable } from 'node:stream';
import { upstreamError } from '../upstream-error';
import type { RegistryCredential } from './credential';
import { expectStatus } from './expect-status';
import { repositoryScope } from './registry-client';
import type { RegistrySession } from './registry-session';
import { header, type UpstreamResponse } from './transport';

const pushScope = (repository: string) => `repository:${repository}:pull,push`;

/**
 * Writes to one registry over the OCI Distribution API, on the session (challenge and tokens) its
 * reading client uses: blob checks, cross-repository mounts, monolithic streamed uploads and
 * manifest PUTs. Every body is checked against its digest by the registry itself.
 */
export class RegistryPusher {
  constructor(private readonly session: RegistrySession) {}

  async hasBlob(
    repository: string,
    digest: string,
    credential: RegistryCredential | null,
  ): Promise<boolean> {
    return this.exists(`/v2/${repository}/blobs/${digest}`, repository, credential, {});
  }

  async hasManifest(
    repository: string,
    digest: string,
    credential: RegistryCredential | null,
  ): Promise<boolean> {
    return this.exists(`/v2/${repository}/manifests/${digest}`, repository, credential, {
      accept: '*/*',
    });
  }

  /**
   * Asks the registry to link a blob `from` another of its repositories into `repository`. False
   * when it declined (it may have opened an upload instead, which is cancelled): push the bytes.
   */
  async mountBlob(
    repository: string,
    digest: string,
    from: string,
    credential: RegistryCredential | null,
  ): Promise<boolean> {
    const query = new URLSearchParams({ mount: digest, from });
    const res = await this.session.send(`/v2/${repository}/blobs/uploads/?${query}`, {
      method: 'POST',
      scopes: [pushScope(repository), repositoryScope(from)],
      credential,
    });
    await expectStatus(res, [201, 202], `mount of ${digest} into ${repository}`);
    await res.body.dump();
    if (res.status === 201) return true;
    await this.cancel(res, repository, credential);
    return false;
  }

  /**
   * Uploads a blob in one streamed PUT. `body` is sent once, as it arrives; on any failure the
   * upload session is cancelled, so the registry keeps nothing of it.
   */
  async pushBlob(
    repository: string,
    digest: string,
    size: number,
    body: Readable,
    credential: RegistryCredential | null,
  ): Promise<void> {
    const scopes = [pushScope(repository)];
    const what = `upload of ${digest} to ${repository}`;
    const started = await this.session.send(`/v2/${repository}/blobs/uploads/`, {
      method: 'POST',
      scopes,
      credential,
    });
    await expectStatus(started, [202], what);
    await started.body.dump();
    const target = this.uploadUrl(started, what);
    target.searchParams.set('digest', digest);
    try {
      const res = await this.session.send(target, {
        method: 'PUT',
        scopes,
        credential,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body,
      });
      await expectStatus(res, [201], what);
      await res.body.dump();
    } catch (err) {
      body.destroy();
      await this.cancel(started, repository, credential);
      throw err;
    }
  }

  async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Buffer,
    credential: RegistryCredential | null,
  ): Promise<void> {
    const res = await this.session.send(`/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      scopes: [pushScope(repository)],
      credential,
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    await expectStatus(res, [201], `manifest ${repository}:${reference}`);
    await res.body.dump();
  }

  private async exists(
    path: string,
    repository: string,
    credential: RegistryCredential | null,
    headers: Record<string, string>,
  ): Promise<boolean> {
    const res = await this.session.send(path, {
      method: 'HEAD',
      scopes: [pushScope(repository)],
      credential,
      headers,
    });
    if (res.status === 404) {
      await res.body.dump();
      return false;
    }
    await (await expectStatus(res, [200], path)).body.dump();
    return true;
  }

  private uploadUrl(res: UpstreamResponse, what: string): URL {
    const location = header(res, 'location');
    if (!location)
      throw upstreamError('UPSTREAM_INVALID', `${what}: the registry named no upload location`);
    return new URL(location, this.session.baseUrl);
  }

  /** Best effort: a session the registry keeps anyway expires there. */
  private async cancel(
    res: UpstreamResponse,
    repository: string,
    credential: RegistryCredential | null,
  ): Promise<void> {
    const location = header(res, 'location');
    if (!location) return;
    await this.session
      .send(new URL(location, this.session.baseUrl), {
        method: 'DELETE',
        scopes: [pushScope(repository)],
        credential,
      })
      .then((r) => r.body.dump())
      .catch(() => undefined);
  }
}
