import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TOASTS, dismiss, toast, toasts } from "./toast.svelte";

describe("toasts", () => {
  afterEach(() => {
    for (const t of [...toasts]) dismiss(t.id);
    vi.useRealTimers();
  });

  it("never pile up: the oldest go first", () => {
    for (const n of [1, 2, 3, 4]) toast(`Saved ${n}`);
    expect(toasts.map((t) => t.text)).toEqual(["Saved 3", "Saved 4"]);
    expect(toasts.length).toBe(MAX_TOASTS);
  });

  it("say the same thing once", () => {
    toast("Marked as merged.");
    toast("Goal added.");
    toast("Marked as merged.");
    expect(toasts.map((t) => t.text)).toEqual(["Goal added.", "Marked as merged."]);
  });

  it("carry an action, such as Undo, only when given one", () => {
    let undone = 0;
    toast("Bo let go of #1.", "success", 10000, { label: "Undo", run: () => undone++ });
    toast("Goal added.");
    expect(toasts.map((t) => t.action?.label ?? null)).toEqual(["Undo", null]);
    toasts[0]?.action?.run();
    expect(undone).toBe(1);
  });

  it("go by themselves", () => {
    vi.useFakeTimers();
    toast("Saved.", "success", 1000);
    expect(toasts.length).toBe(1);
    vi.advanceTimersByTime(1001);
    expect(toasts.length).toBe(0);
  });
});
