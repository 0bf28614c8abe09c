import { Transport } from '../src/oci/client/transport';
import type { PluginDeps, RegistrySettings } from './plugin';

/** The HTTP transport for one registry, with its TLS settings and the deps' defaults. */
export function transportFor(settings: RegistrySettings, deps: PluginDeps): Transport {
  return new Transport({
    ...deps.transport,
    insecure: settings.insecure,
    ...(settings.ca && { ca: settings.ca }),
    ...(deps.observe && { observe: (status: number) => deps.observe?.(settings.name, status) }),
  });
}
