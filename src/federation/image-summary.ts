import type { FetchedManifest } from '../oci/client/registry-client';
import type { Descriptor } from '../oci/manifest';

export interface LayerSummary {
  digest: string;
  mediaType: string;
  size: number;
}

export interface PlatformSummary extends LayerSummary {
  os: string | null;
  architecture: string | null;
  variant: string | null;
}

/** An image as the API shows it; plain JSON so that it can live in any keyv store. */
export interface ImageSummary {
  digest: string;
  mediaType: string;
  size: number;
  created: string | null;
  os: string | null;
  architecture: string | null;
  variant: string | null;
  labels: Record<string, string>;
  layers: LayerSummary[];
  manifests: PlatformSummary[] | null;
}

interface ImageConfig {
  created?: unknown;
  os?: unknown;
  architecture?: unknown;
  variant?: unknown;
  config?: { Labels?: unknown } | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const layer = (d: Descriptor): LayerSummary => ({
  digest: d.digest,
  mediaType: d.mediaType,
  size: d.size,
});

function labelsOf(config: ImageConfig): Record<string, string> {
  const labels = config.config?.Labels;
  if (typeof labels !== 'object' || labels === null) return {};
  return Object.fromEntries(
    Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** Size is the manifest's bytes plus what it references: config and layers, or the child manifests. */
export function summarize(fetched: FetchedManifest, config: ImageConfig | null): ImageSummary {
  const { manifest } = fetched;
  if (manifest.kind === 'index') {
    return {
      digest: fetched.digest,
      mediaType: fetched.mediaType,
      size: fetched.size + manifest.manifests.reduce((sum, m) => sum + m.size, 0),
      created: null,
      os: null,
      architecture: null,
      variant: null,
      labels: manifest.annotations ?? {},
      layers: [],
      manifests: manifest.manifests.map((m) => ({
        ...layer(m),
        os: m.platform?.os ?? null,
        architecture: m.platform?.architecture ?? null,
        variant: m.platform?.variant ?? null,
      })),
    };
  }
  const created = str(config?.created);
  return {
    digest: fetched.digest,
    mediaType: fetched.mediaType,
    size: fetched.size + manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0),
    created: created && !Number.isNaN(Date.parse(created)) ? new Date(created).toISOString() : null,
    os: str(config?.os),
    architecture: str(config?.architecture),
    variant: str(config?.variant),
    labels: config ? labelsOf(config) : {},
    layers: manifest.layers.map(layer),
    manifests: null,
  };
}
