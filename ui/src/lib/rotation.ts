/** The projector board's paging: which projects are on screen, and turning the page every few seconds. */

/** Seconds each page stays on the projector. */
export const ROTATE_SECONDS = 12;

/** Projects per screen: two side by side on a wide screen, two stacked on a tall portrait one, else one. */
export function perPage(width: number, height: number): number {
  if (width >= height) return width >= 1200 ? 2 : 1;
  return height >= 1500 ? 2 : 1;
}

export function pageCount(items: number, size: number): number {
  if (items <= 0 || size <= 0) return 1;
  return Math.ceil(items / size);
}

/** The items on `page` (wrapping round, so a page index from before a list shrank stays valid). */
export function pageItems<T>(items: readonly T[], page: number, size: number): T[] {
  const pages = pageCount(items.length, size);
  const p = ((page % pages) + pages) % pages;
  return items.slice(p * size, p * size + size);
}

/** The page after `page`, back to the first after the last. */
export function nextPage(page: number, items: number, size: number): number {
  return (page + 1) % pageCount(items, size);
}

/** Keeps a page index valid after the list changed length. */
export function clampPage(page: number, items: number, size: number): number {
  const pages = pageCount(items, size);
  return page >= pages ? 0 : Math.max(0, page);
}
