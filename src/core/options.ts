/**
 * The fields of `props` named in `keys`, without undefined ones: a construct passes the options
 * struct it shares with another construct on as one struct, and nothing else of its props.
 * `keys` is a record over every field, so the compiler keeps it complete when a field is added.
 *
 * @internal
 */
export function pickOptions<T extends object>(props: T, keys: Record<keyof T, true>): T {
  const picked: Partial<T> = {};
  for (const key of Object.keys(keys) as Array<keyof T>) {
    if (props[key] !== undefined) picked[key] = props[key];
  }
  return picked as T;
}
