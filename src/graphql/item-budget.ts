import { RegqlError } from '../core/errors';

/**
 * Items one operation may return beyond what its static cost sees: the tags of each stream and
 * their history entries, counted as the resolvers hand them out.
 */
export class ItemBudget {
  private left: number;

  constructor(private readonly max: number) {
    this.left = max;
  }

  spend(items: number): void {
    this.left -= items;
    if (this.left < 0)
      throw new RegqlError(
        'QUERY_TOO_COMPLEX',
        `the query returns more than ${this.max} items (image stream tags and history entries); ask for fewer streams or page them`,
      );
  }
}
