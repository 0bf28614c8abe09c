import type { AdapterPage } from './plugin';

/**
 * Fills a page of `first` items from upstream pages of at most `pageSize`, following each page's
 * cursor. A page that came back longer than asked is cut, and continues after its last item's name.
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
    const page = await fetchPage(Math.min(pageSize, first - items.length), cursor);
    items.push(...page.items);
    cursor = page.next;
    if (page.items.length === 0) break;
  } while (cursor && items.length < first);
  if (items.length > first) {
    const kept = items.slice(0, first);
    return { items: kept, next: nameOf(kept[kept.length - 1]) };
  }
  return { items, next: cursor };
}

/** Distribution cursors are either a Link target (`/v2/...`) or a name to list after. */
export const linkOrLast = (cursor: string | null) =>
  cursor?.startsWith('/v2/') ? { next: cursor } : { last: cursor };
