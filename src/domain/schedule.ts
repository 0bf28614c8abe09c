export interface ScheduleSettings {
  intervalMs: number;
  /** Fraction of the interval added at random, so tags spread out instead of firing together. */
  jitter: number;
  maxBackoffMs: number;
}

/**
 * When a scheduled tag imports next: one interval (plus jitter) after a success; after failures,
 * doubling backoff from the interval up to `maxBackoffMs`.
 */
export function nextImportAt(
  now: number,
  failures: number,
  settings: ScheduleSettings,
  random = Math.random,
): number {
  const base =
    failures === 0
      ? settings.intervalMs
      : Math.min(settings.maxBackoffMs, settings.intervalMs * 2 ** (failures - 1));
  return now + base + Math.floor(random() * settings.jitter * settings.intervalMs);
}

/** A new scheduled tag's first run lands anywhere in one interval, so that many do not start at once. */
export const firstImportAt = (
  now: number,
  settings: ScheduleSettings,
  random = Math.random,
): number => now + Math.floor(random() * settings.intervalMs);
