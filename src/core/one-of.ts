/**
 * `value` as one of `values`, for strings read back from storage that the code wrote from the same
 * list; anything else means the store holds what this version does not know, and throws.
 */
export function oneOf<const V extends string>(
  values: readonly V[],
  value: string,
  what: string,
): V {
  const found = values.find((v) => v === value);
  if (found === undefined) throw new Error(`unknown ${what} "${value}" in the store`);
  return found;
}
