/** Streams are locked by name, which is known before the stream exists. */
export const streamLockKey = (namespace: string, stream: string) => `${namespace}/${stream}`;
