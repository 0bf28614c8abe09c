/**
 * Every error code regql answers with, registered once with its HTTP status and meaning, the
 * way CNCF distribution's `errcode.Register` does. docs/errors.md and the README's table are
 * generated from this registry, and the types below keep code and registry in step.
 */
export type ErrorApi = 'graphql' | 'upstream' | 'registry';

export interface ErrorCodeDescriptor {
  api: ErrorApi;
  code: string;
  /** The HTTP statuses an answer with this code carries. */
  statuses: readonly number[];
  description: string;
}

type Table = Record<string, readonly [statuses: readonly number[], description: string]>;

const registered = new Map<string, ErrorCodeDescriptor>();

/** Registers the codes of one API; a code registered twice is a programming error. */
export function registerErrorCodes<const T extends Table>(api: ErrorApi, table: T): T {
  for (const [code, [statuses, description]] of Object.entries(table)) {
    const key = `${api}:${code}`;
    if (registered.has(key)) throw new Error(`error code ${key} is registered twice`);
    registered.set(key, { api, code, statuses, description });
  }
  return table;
}

export const registeredErrorCodes = (): readonly ErrorCodeDescriptor[] => [...registered.values()];

export const graphqlCodes = registerErrorCodes('graphql', {
  BAD_USER_INPUT: [[200, 400], 'An argument breaks a rule; the message names the rule.'],
  BAD_REQUEST: [[400], 'The HTTP request is not a GraphQL request (a body that is not JSON).'],
  UNAUTHENTICATED: [[200, 401], 'No token, an unknown or revoked token, or a wrong secret.'],
  FORBIDDEN: [
    [200],
    "The token's role or namespace does not allow this; also for content of namespaces you cannot read, so nothing leaks.",
  ],
  NOT_FOUND: [[200, 404], 'No such object, or no such route.'],
  CONFLICT: [[200], 'The image stream changed while the operation ran; retry.'],
  NOT_SUPPORTED: [[200], 'The registry kind does not offer this; see `Registry.capabilities`.'],
  QUERY_TOO_DEEP: [[200], 'The operation nests deeper than `graphql.maxDepth`.'],
  QUERY_TOO_COMPLEX: [
    [200],
    'The operation costs more than `graphql.maxComplexity`, or returns more than `graphql.maxItems` items.',
  ],
  PAYLOAD_TOO_LARGE: [[413], 'The request body is over the limit for the caller.'],
  GRAPHQL_PARSE_FAILED: [[200, 400], 'The document is not GraphQL, or has too many tokens.'],
  GRAPHQL_VALIDATION_FAILED: [[200], 'The document does not fit the schema.'],
  TOO_MANY_REQUESTS: [[429], 'Too many failed authentications from this address; wait and retry.'],
  TOO_MANY_OPERATIONS: [[200], 'Too many operations at once on one WebSocket.'],
  METHOD_NOT_ALLOWED: [[405], 'Webhooks are delivered with POST.'],
  UNAVAILABLE: [[503], 'regql is starting or stopping.'],
  EGRESS_DENIED: [[200], 'The address is outside the egress policy.'],
  SUBSCRIBER_TOO_SLOW: [[200], 'A subscriber fell further behind than its buffer; resubscribe.'],
  EVENTS_EXPIRED: [[200], "The cursor is older than the event log's retention."],
  PLATFORM_NOT_FOUND: [[200], 'The manifest list has no image for the requested platform.'],
  TOO_MANY_MIRROR_JOBS: [
    [200],
    'The namespace has as many mirror jobs queued or running as it may; wait for one to end.',
  ],
  INTERNAL_SERVER_ERROR: [[200, 500], 'Something unexpected failed; the log has the detail.'],
});

export const upstreamCodes = registerErrorCodes('upstream', {
  UPSTREAM_UNAUTHORIZED: [[200], 'The registry refused the credential (or asked for one).'],
  UPSTREAM_NOT_FOUND: [[200], 'The registry has no such repository, tag or digest.'],
  UPSTREAM_RATE_LIMITED: [[200], 'The registry answered 429 longer than regql waits.'],
  UPSTREAM_UNAVAILABLE: [[200], 'The registry answered 5xx, timed out or cut the connection.'],
  UPSTREAM_INVALID: [
    [200],
    'The registry sent content that is malformed, too large or mismatching.',
  ],
  UPSTREAM_UNSUPPORTED: [[200], 'The registry sent a media type regql does not read.'],
  UPSTREAM_REJECTED: [[200], 'The registry refused a write (a tag restore).'],
});

export const registryCodes = registerErrorCodes('registry', {
  BLOB_UNKNOWN: [[404], 'The blob is not in the repository.'],
  BLOB_UPLOAD_INVALID: [[400, 416], 'The upload or its range is invalid.'],
  BLOB_UPLOAD_UNKNOWN: [[404], 'No such upload session (or it expired).'],
  DIGEST_INVALID: [[400], 'The content does not match its digest.'],
  MANIFEST_BLOB_UNKNOWN: [[400], 'The manifest names a blob the repository lacks.'],
  MANIFEST_INVALID: [[400, 413], 'The manifest is malformed or too large.'],
  MANIFEST_UNKNOWN: [[404], 'No such manifest.'],
  NAME_INVALID: [[400], 'The repository name is invalid.'],
  NAME_UNKNOWN: [[404], 'No such repository, or not one the caller may read.'],
  SIZE_INVALID: [[400], 'The content length does not match.'],
  UNAUTHORIZED: [[401], 'Authentication is required; the challenge says where.'],
  DENIED: [[403], 'The token may not do this, or the namespace is over its quota.'],
  UNSUPPORTED: [[400, 405], 'The operation is not supported.'],
  TOOMANYREQUESTS: [[429], 'Too many open uploads in the namespace, or too many failed logins.'],
  UNAVAILABLE: [[503], 'A registry that a pull-through reads from failed; retry later.'],
});

export type GraphqlErrorCode = keyof typeof graphqlCodes;
export type UpstreamErrorCode = keyof typeof upstreamCodes;
/** The codes of the OCI Distribution spec that /v2 answers with. */
export type RegistryErrorCode = keyof typeof registryCodes;
/** What `extensions.code` can say. */
export type ErrorCode = GraphqlErrorCode | UpstreamErrorCode;
