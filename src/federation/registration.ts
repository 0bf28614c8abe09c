import { INTEGRATED_KIND } from '../../plugins/integrated';
import { invalidInput, notFound } from '../core/errors';
import { dnsLabelProblem } from '../domain/names';
import type { RegistryCatalog, RegistryEntry } from './catalog';

/** A registry a cluster admin asks to add. */
export interface RegistryRequest {
  name: string;
  kind: string;
  url: string;
  insecure: boolean;
  apiUrl?: string | null;
}

function checkUrl(field: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidInput(`${field} "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalidInput(`${field} must be http:// or https://`);
  }
  if (parsed.username || parsed.password) {
    throw invalidInput(`${field} must not carry credentials: add a credential instead`);
  }
  if (parsed.search || parsed.hash)
    throw invalidInput(`${field} must not have a query or fragment`);
}

/**
 * Registries added and removed at run time, with the rules for them: a DNS-label name no other
 * registry has, never a second integrated registry, http(s) URLs without credentials, query or
 * fragment; those of the configuration are removed there, not through the API.
 */
export class RegistryRegistration {
  constructor(private readonly catalog: RegistryCatalog) {}

  /** Throws BAD_USER_INPUT for a request the rules refuse, EGRESS_DENIED for a URL the policy does. */
  async add(request: RegistryRequest): Promise<RegistryEntry> {
    const problem = dnsLabelProblem(request.name);
    if (problem)
      throw invalidInput(`name "${request.name}" is not a valid DNS label: it ${problem}`);
    if (request.kind === INTEGRATED_KIND) {
      throw invalidInput('there is only one integrated registry');
    }
    checkUrl('url', request.url);
    if (request.apiUrl) checkUrl('apiUrl', request.apiUrl);
    const added = await this.catalog.add({
      name: request.name,
      kind: request.kind,
      url: request.url.replace(/\/+$/, ''),
      insecure: request.insecure,
      ...(request.apiUrl && { apiUrl: request.apiUrl.replace(/\/+$/, '') }),
    });
    if (!added) throw invalidInput(`a registry named "${request.name}" exists already`);
    return added;
  }

  async remove(name: string): Promise<void> {
    if (this.catalog.isConfigured(name)) {
      throw invalidInput(`registry "${name}" comes from the configuration; remove it there`);
    }
    if (!(await this.catalog.remove(name))) {
      throw notFound(`no registry named "${name}"`);
    }
  }
}
