import { RegqlError } from '../core/errors';

/** A connection the egress policy refused before it was opened. */
export class EgressDeniedError extends RegqlError {
  constructor(
    target: string,
    /** Which rule refused it, without the target: shown where the target must not be. */
    readonly reason: string,
  ) {
    super('EGRESS_DENIED', `regql may not connect to ${target}: ${reason}`);
    this.name = 'EgressDeniedError';
  }
}

/** The denial an undici or socket error carries, directly or as its cause. */
export function egressDenial(err: unknown): EgressDeniedError | undefined {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return [err, cause].find((e): e is EgressDeniedError => e instanceof EgressDeniedError);
}
