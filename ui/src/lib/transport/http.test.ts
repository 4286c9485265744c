import { describe, expect, it } from "vitest";
import { createHttpTransport, type Visibility } from "./http";

/** A fake event stream and page visibility, to watch what the transport opens and closes. */
function harness() {
  const sources: { url: string; closed: boolean; onopen: (() => void) | null; fire: () => void }[] = [];
  let hidden = false;
  let changed: () => void = () => {};
  const visibility: Visibility = { hidden: () => hidden, onChange: (l) => (changed = l) };
  const transport = createHttpTransport({
    fetch: async () => new Response("null"),
    visibility,
    eventSource: (url) => {
      const listeners: (() => void)[] = [];
      const source = {
        url,
        closed: false,
        onopen: null as (() => void) | null,
        onerror: null,
        fire: () => listeners.forEach((l) => l()),
        addEventListener: (_: string, l: () => void) => listeners.push(l),
        close: () => (source.closed = true),
      };
      sources.push(source);
      return source as never;
    },
  });
  return {
    transport,
    sources,
    setHidden(value: boolean) {
      hidden = value;
      changed();
    },
  };
}

describe("the browser transport's event stream", () => {
  it("is given back while the tab is out of sight, and catches up once back", () => {
    const h = harness();
    let heard = 0;
    const stop = h.transport.listen(() => heard++);
    expect(h.sources.map((s) => s.closed)).toEqual([false]);
    h.setHidden(true);
    expect(h.sources[0]?.closed).toBe(true);
    expect(h.sources.length).toBe(1);
    h.setHidden(false);
    expect(h.sources.length).toBe(2);
    h.sources[1]?.onopen?.();
    expect(heard).toBe(1);
    h.sources[1]?.fire();
    expect(heard).toBe(2);
    stop();
    expect(h.sources[1]?.closed).toBe(true);
  });

  it("is not opened by a tab that starts out of sight, until it is shown", () => {
    const h = harness();
    h.setHidden(true);
    h.transport.listen(() => {});
    expect(h.sources.length).toBe(0);
    h.setHidden(false);
    expect(h.sources.length).toBe(1);
  });
});
