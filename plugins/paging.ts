import type { AdapterPage } from './plugin';

const isName = (cursor: string | null): cursor is string =>
  cursor !== null && !cursor.startsWith('/v2/');

const byName =
  <T>(nameOf: (item: T) => string) =>
  (a: T, b: T) =>
    nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0;

/**
 * Fills a page of `first` items from upstream pages of at most `pageSize`, following each page's
 * cursor. A registry that ignores `n` or `last` (docker-registry 2.8 answers the whole list, in
 * no order) is paged here, by name, from the complete list it sent.
 */
export async function collectPages<T>(
  first: number,
  after: string | null,
  pageSize: number,
  fetchPage: (n: number, cursor: string | null) => Promise<AdapterPage<T>>,
  nameOf: (item: T) => string,
): Promise<AdapterPage<T>> {
  const items: T[] = [];
  let cursor = after;
  do {
    const n = Math.min(pageSize, first - items.length);
    const page = await fetchPage(n, cursor);
    const from = cursor;
    const ignoredPaging =
      page.items.length > n || (isName(from) && page.items.some((item) => nameOf(item) <= from));
    if (ignoredPaging) {
      const wanted = first - items.length;
      const rest = page.items
        .filter((item) => !isName(from) || nameOf(item) > from)
        .sort(byName(nameOf));
      const kept = [...items, ...rest.slice(0, wanted)];
      return { items: kept, next: rest.length > wanted ? nameOf(kept[kept.length - 1]) : null };
    }
    items.push(...[...page.items].sort(byName(nameOf)));
    cursor = page.next;
    if (page.items.length === 0) break;
  } while (cursor && items.length < first);
  return { items, next: cursor };
}

/** Distribution cursors are either a Link target (`/v2/...`) or a name to list after. */
export const linkOrLast = (cursor: string | null) =>
  cursor?.startsWith('/v2/') ? { next: cursor } : { last: cursor };

/**
 * Fills a page of `first` items from a vendor API that fixes its own page size (Docker Hub, Quay):
 * the cursor names the upstream page and how many of its items were already returned. `map` runs
 * after the skip, so skipped counts are in upstream items; items it maps to null are left out.
 */
export async function skipPages<P, T, R>(
  first: number,
  start: { page: P; skip: number },
  fetchPage: (page: P) => Promise<{ items: T[]; next: P | null }>,
  map: (item: T) => R | null,
  cursor: (page: P, skip: number) => string,
): Promise<AdapterPage<R>> {
  const items: R[] = [];
  let { page, skip } = start;
  for (;;) {
    const answer = await fetchPage(page);
    const rest = answer.items.slice(skip);
    const taken = rest.slice(0, first - items.length);
    items.push(...taken.map(map).filter((r): r is R => r !== null));
    if (taken.length < rest.length) return { items, next: cursor(page, skip + taken.length) };
    if (answer.next === null) return { items, next: null };
    [page, skip] = [answer.next, 0];
    if (items.length >= first) return { items, next: cursor(page, 0) };
  }
}
