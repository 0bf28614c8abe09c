/** The header every /v2 answer carries, as CNCF distribution sends it. */
export const API_VERSION = { 'docker-distribution-api-version': 'registry/2.0' };
