import { describe, expect, it } from "vitest";
import { clampPage, nextPage, pageCount, pageItems, perPage } from "./rotation";

describe("perPage", () => {
  it("puts two projects on a wide projector and one on a small screen", () => {
    expect(perPage(1280, 800)).toBe(2);
    expect(perPage(1920, 1080)).toBe(2);
    expect(perPage(1024, 768)).toBe(1);
  });
  it("stacks two on a tall portrait screen", () => {
    expect(perPage(1080, 1920)).toBe(2);
    expect(perPage(800, 1280)).toBe(1);
  });
});

describe("paging", () => {
  const items = ["a", "b", "c", "d", "e"];

  it("counts pages, at least one", () => {
    expect(pageCount(5, 2)).toBe(3);
    expect(pageCount(4, 2)).toBe(2);
    expect(pageCount(0, 2)).toBe(1);
  });

  it("shows each item exactly once over a full rotation", () => {
    const seen: string[] = [];
    let page = 0;
    for (let i = 0; i < pageCount(items.length, 2); i++) {
      seen.push(...pageItems(items, page, 2));
      page = nextPage(page, items.length, 2);
    }
    expect(seen).toEqual(items);
    expect(page).toBe(0);
  });

  it("wraps a stale page index instead of showing nothing", () => {
    expect(pageItems(items, 3, 2)).toEqual(["a", "b"]);
    expect(pageItems(items, -1, 2)).toEqual(["e"]);
  });

  it("goes back to the first page when the list shrank under the current one", () => {
    expect(clampPage(2, 3, 2)).toBe(0);
    expect(clampPage(1, 3, 2)).toBe(1);
  });

  it("stays on the only page", () => {
    expect(nextPage(0, 1, 2)).toBe(0);
    expect(nextPage(0, 0, 2)).toBe(0);
  });
});
