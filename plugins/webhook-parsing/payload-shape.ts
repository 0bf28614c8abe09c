import { z } from 'zod';
import { digestProblem } from '../../src/oci/reference';
import { WebhookPayloadError } from './external-push';

const MAX_ENTRIES = 100;

export const entries = <T extends z.ZodType>(item: T) =>
  z.array(item).max(MAX_ENTRIES, `must have at most ${MAX_ENTRIES} entries`);

export const repositoryName = z.string().min(1).max(255);
export const tagName = z.string().max(128);
export const senderId = z.string().min(1).max(2048);

export const digest = z.string().superRefine((value, ctx) => {
  const problem = digestProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const lastSecondOf9999 = 253402300799;
export const epochSeconds = z.number().min(0).max(lastSecondOf9999);
export const isoFromEpochSeconds = (seconds: number): string =>
  new Date(seconds * 1000).toISOString();

export const rfc3339 = z.iso
  .datetime({ offset: true })
  .transform((time) => new Date(time).toISOString());

function fieldPath(where: string, path: readonly PropertyKey[]): string {
  let out = where;
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  }
  return out === '' ? 'body' : out;
}

export function parseShape<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where = '',
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const reasons = result.error.issues
    .slice(0, 3)
    .map((issue) => `${fieldPath(where, issue.path)}: ${issue.message}`);
  throw new WebhookPayloadError(reasons.join('; '));
}
