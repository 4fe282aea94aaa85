import type { ItemValue, Items } from './revision';

/** Reads an item as text: the first value of a list, numbers and flags as written. */
export function textItem(items: Items, name: string): string {
  const value = findItem(items, name);
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.length === 0 ? '' : String(value[0]);
  return String(value);
}

/** Reads an item as a text list; a single value becomes a list of one. */
export function textListItem(items: Items, name: string): string[] {
  const value = findItem(items, name);
  if (value === undefined || value === '') return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** Item names are case-insensitive in Notes. */
export function findItem(items: Items, name: string): ItemValue | undefined {
  if (name in items) return items[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(items).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : items[key];
}
