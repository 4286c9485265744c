import { afterEach, describe, expect, it, vi } from "vitest";
import { call, inTauri, join, onChange, saveFile, selectTransport, useTransport } from "./api";
import { UNREACHABLE_MESSAGE } from "./errors";
import { createHttpTransport } from "./transport/http";
import { createTauriTransport } from "./transport/tauri";
import type { Transport } from "./transport/types";

function answer(status: number, body: unknown): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

afterEach(() => useTransport(null));

describe("transport selection", () => {
  it("uses Tauri inside the app and HTTP in a browser", () => {
    expect(inTauri({ __TAURI_INTERNALS__: {} })).toBe(true);
    expect(inTauri({})).toBe(false);
    expect(selectTransport({ __TAURI_INTERNALS__: {} }).kind).toBe("tauri");
    expect(selectTransport({}).kind).toBe("http");
  });
});

describe("call over HTTP", () => {
  it("posts the arguments as JSON to /api/<command> and returns the result", async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => answer(200, [{ id: "a-1", name: "Ana" }]));
    useTransport(createHttpTransport({ fetch, eventSource: null }));
    const found = await call("search", { query: "ana", limit: 6 });
    expect(found).toEqual([{ id: "a-1", name: "Ana" }]);
    expect(fetch).toHaveBeenCalledWith("/api/search", expect.objectContaining({ method: "POST", body: '{"query":"ana","limit":6}' }));
    const init = fetch.mock.calls[0]![1] as RequestInit;
    expect((init.headers as Record<string, string>)["Content-Type"]).toBe("application/json");
  });

  it("sends null for commands without arguments", async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => answer(200, { sprint: null }));
    useTransport(createHttpTransport({ fetch, eventSource: null }));
    await call("setup", null);
    expect((fetch.mock.calls[0]![1] as RequestInit).body).toBe("null");
  });

  it("rejects with the server's ApiError", async () => {
    const fetch = vi.fn(async () => answer(409, { code: "venue_closed", message: "the venue is closed" }));
    useTransport(createHttpTransport({ fetch, eventSource: null }));
    await expect(call("sign_in", { attendee: "a-1", project: null, accept_code_of_conduct: false, photo_consent: null })).rejects.toEqual({
      code: "venue_closed",
      message: "the venue is closed",
    });
  });

  it("keeps an import's bad rows", async () => {
    const rows = [{ place: "line 2", message: "the name is empty" }];
    const fetch = vi.fn(async () => answer(400, { code: "import_rejected", message: "nothing was imported", rows }));
    useTransport(createHttpTransport({ fetch, eventSource: null }));
    await expect(call("import_attendees", { text: "x", project: null, leave_out_bad_rows: false })).rejects.toMatchObject({ rows });
  });

  it("turns a network failure into 'unreachable' with a sentence", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    useTransport(createHttpTransport({ fetch, eventSource: null }));
    await expect(call("board", null)).rejects.toEqual({ code: "unreachable", message: UNREACHABLE_MESSAGE });
  });

  it("turns a non-JSON error page into words", async () => {
    const fetch = vi.fn(async () => new Response("<h1>Bad Gateway</h1>", { status: 502 }));
    useTransport(createHttpTransport({ fetch, eventSource: null }));
    await expect(call("board", null)).rejects.toMatchObject({ code: "unreachable" });
  });

  it("posts a join to /api/join", async () => {
    const fetch = vi.fn(async () => answer(200, { organizer: "Laptop", sprint: "S", received: 10 }));
    useTransport(createHttpTransport({ fetch, eventSource: null }));
    const request = { code: "7KQ2M-XW4PA", address: "10.0.0.2:7733", name: "Kiosk", role: "kiosk" as const };
    await expect(join(request)).resolves.toEqual({ organizer: "Laptop", sprint: "S", received: 10 });
    expect(fetch).toHaveBeenCalledWith("/api/join", expect.objectContaining({ body: JSON.stringify(request) }));
  });
});

describe("call over Tauri", () => {
  it("invokes the command with one parameter named args", async () => {
    const invoke = vi.fn(async () => ({ name: "S" }));
    useTransport(createTauriTransport({ invoke, listen: async () => () => {} }));
    await call("sprint", null);
    await call("find_badge", { code: "B-1" });
    expect(invoke).toHaveBeenNthCalledWith(1, "sprint", { args: null });
    expect(invoke).toHaveBeenNthCalledWith(2, "find_badge", { args: { code: "B-1" } });
  });

  it("passes the thrown ApiError on, and wraps a bare string", async () => {
    const invoke = vi.fn(async () => {
      throw { code: "not_found", message: "no one has the badge B-1" };
    });
    useTransport(createTauriTransport({ invoke, listen: async () => () => {} }));
    await expect(call("find_badge", { code: "B-1" })).rejects.toEqual({ code: "not_found", message: "no one has the badge B-1" });
    invoke.mockImplementationOnce(async () => {
      throw "command find_badge not allowed";
    });
    await expect(call("find_badge", { code: "B-1" })).rejects.toEqual({ code: "internal", message: "command find_badge not allowed" });
  });

  it("joins with join_venue and its four fields, and opens the board window", async () => {
    const invoke = vi.fn(async () => ({ organizer: "Laptop", sprint: null, received: 0 }));
    const t = createTauriTransport({ invoke, listen: async () => () => {}, windowLabel: () => "board" });
    useTransport(t);
    await join({ code: "C", address: "h:1", name: "n", role: "board" });
    expect(invoke).toHaveBeenCalledWith("join_venue", { code: "C", address: "h:1", name: "n", role: "board" });
    await t.openBoardWindow();
    expect(invoke).toHaveBeenLastCalledWith("open_board_window");
    expect(t.isProjectorWindow()).toBe(true);
  });

  it("saves a download through the shell in the app, and says where it went", async () => {
    const invoke = vi.fn(async () => "/home/ana/Downloads/report (2).html");
    useTransport(createTauriTransport({ invoke, listen: async () => () => {} }));
    await expect(saveFile("report.html", "<h1>Hi</h1>", "text/html")).resolves.toBe("/home/ana/Downloads/report (2).html");
    expect(invoke).toHaveBeenLastCalledWith("save_download", { name: "report.html", contents: "<h1>Hi</h1>" });
    await saveFile("badge.pdf", "JVBERi0=", "application/pdf", "base64");
    expect(invoke).toHaveBeenLastCalledWith("save_download", { name: "badge.pdf", contents: "JVBERi0=", base64: true });
    invoke.mockRejectedValueOnce({ code: "storage", message: "could not save report.html in /ro: read-only" });
    await expect(saveFile("report.html", "x", "text/html")).rejects.toEqual({
      code: "storage",
      message: "could not save report.html in /ro: read-only",
    });
  });

  it("listens to sprint-changed and stops even when asked before listening started", async () => {
    const stop = vi.fn();
    let handler: (() => void) | null = null;
    const listen = vi.fn(async (_event: string, h: () => void) => {
      handler = h;
      return stop;
    });
    const t = createTauriTransport({ invoke: async () => null, listen });
    const seen = vi.fn();
    const unsubscribe = t.listen(seen);
    expect(listen).toHaveBeenCalledWith("sprint-changed", expect.any(Function));
    await Promise.resolve();
    handler!();
    expect(seen).toHaveBeenCalledTimes(1);
    unsubscribe();
    expect(stop).toHaveBeenCalledTimes(1);

    const early = t.listen(() => {});
    early();
    await Promise.resolve();
    await Promise.resolve();
    expect(stop).toHaveBeenCalledTimes(2);
  });
});

describe("change events", () => {
  class FakeSource {
    static made: FakeSource[] = [];
    listeners = new Map<string, Array<() => void>>();
    onopen: (() => void) | null = null;
    onerror: (() => void) | null = null;
    closed = false;
    readyState = 0;
    constructor(public url: string) {
      FakeSource.made.push(this);
    }
    addEventListener(type: string, listener: () => void) {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }
    fire(type: string) {
      for (const l of this.listeners.get(type) ?? []) l();
    }
    close() {
      this.closed = true;
    }
  }

  it("shares one event stream, calls back on 'changed', and closes with the last listener", () => {
    FakeSource.made = [];
    const t = createHttpTransport({ fetch: vi.fn(), eventSource: (url) => new FakeSource(url) as never });
    const a = vi.fn();
    const b = vi.fn();
    const stopA = t.listen(a);
    const stopB = t.listen(b);
    expect(FakeSource.made).toHaveLength(1);
    expect(FakeSource.made[0]!.url).toBe("/api/events");
    FakeSource.made[0]!.fire("changed");
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
    FakeSource.made[0]!.fire("message");
    expect(a).toHaveBeenCalledTimes(1);
    stopA();
    expect(FakeSource.made[0]!.closed).toBe(false);
    stopB();
    expect(FakeSource.made[0]!.closed).toBe(true);
  });

  it("refetches once after the stream comes back from a drop", () => {
    FakeSource.made = [];
    const t = createHttpTransport({ fetch: vi.fn(), eventSource: (url) => new FakeSource(url) as never });
    const seen = vi.fn();
    t.listen(seen);
    const source = FakeSource.made[0]!;
    source.onopen?.();
    expect(seen).not.toHaveBeenCalled();
    source.onerror?.();
    source.onopen?.();
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it("asks for the stream again a while after the server refused it, and catches up then", () => {
    vi.useFakeTimers();
    try {
      FakeSource.made = [];
      const t = createHttpTransport({ fetch: vi.fn(), eventSource: (url) => new FakeSource(url) as never, eventRetryMs: 30_000 });
      const seen = vi.fn();
      t.listen(seen);
      // A drop the browser retries itself: nothing to do.
      FakeSource.made[0]!.onerror?.();
      vi.advanceTimersByTime(60_000);
      expect(FakeSource.made).toHaveLength(1);
      // Refused (a 503): the browser gives up on it; asked for again 30 s later.
      FakeSource.made[0]!.readyState = 2;
      FakeSource.made[0]!.onerror?.();
      vi.advanceTimersByTime(29_000);
      expect(FakeSource.made).toHaveLength(1);
      vi.advanceTimersByTime(1_000);
      expect(FakeSource.made).toHaveLength(2);
      FakeSource.made[1]!.onopen?.();
      expect(seen).toHaveBeenCalledTimes(1);
      FakeSource.made[1]!.fire("changed");
      expect(seen).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("tells this page's screens about its own writes at once", async () => {
    const fetch = vi.fn(async () => answer(200, { id: "g-1" }));
    const quiet: Transport = { ...createHttpTransport({ fetch, eventSource: null }) };
    useTransport(quiet);
    const seen = vi.fn();
    const stop = onChange(seen);
    await call("board", null);
    await Promise.resolve();
    expect(seen).not.toHaveBeenCalled();
    await call("add_goal", { project: "p", title: "t", beginner_friendly: false });
    await Promise.resolve();
    expect(seen).toHaveBeenCalledTimes(1);
    stop();
    await call("add_goal", { project: "p", title: "t", beginner_friendly: false });
    await Promise.resolve();
    expect(seen).toHaveBeenCalledTimes(1);
  });
});
