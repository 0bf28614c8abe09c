import type { AdapterPage } from './plugin';

/**
 * Fills a page of `first` items from upstream pages of at most `pageSize`, following each page's
 * cursor. A registry that ignores `n` (docker-registry 2.8 answers the whole list) is paged here,
 * by name, from the complete list it sent.
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
    if (page.items.length > n) return pageLocally(page.items, after, first, nameOf);
    items.push(...page.items);
    cursor = page.next;
    if (page.items.length === 0) break;
  } while (cursor && items.length < first);
  return { items, next: cursor };
}

function pageLocally<T>(
  all: T[],
  after: string | null,
  first: number,
  nameOf: (item: T) => string,
): AdapterPage<T> {
  const sorted = [...all].sort((a, b) =>
    nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0,
  );
  const rest =
    after && !after.startsWith('/v2/') ? sorted.filter((item) => nameOf(item) > after) : sorted;
  const items = rest.slice(0, first);
  return { items, next: rest.length > first ? nameOf(items[items.length - 1]) : null };
}

/** Distribution cursors are either a Link target (`/v2/...`) or a name to list after. */
export const linkOrLast = (cursor: string | null) =>
  cursor?.startsWith('/v2/') ? { next: cursor } : { last: cursor };
