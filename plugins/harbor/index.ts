import { registryPlugin } from '../plugin';
import { harborPushes } from './webhook';

/**
 * Harbor's webhooks (`PUSH_ARTIFACT`). Webhook-only: Harbor's registry is plain OCI Distribution,
 * read by the distribution plugin (`kind: DISTRIBUTION`).
 */
export const harborPlugin = registryPlugin({
  kind: 'HARBOR',
  webhook: {
    slug: 'harbor',
    senderName: 'Harbor webhook',
    mediaTypes: ['application/json'],
    parse: harborPushes,
  },
});
