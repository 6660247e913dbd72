// The whole window against a fake backend: snapshots, events, selection, tabs and errors.
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import { backend, cleanup, key, q, render, type } from "./test/harness";
import { FILLS, LOGS, PNL, book, dashboard } from "./test/fixtures";

afterEach(cleanup);

function engine(overrides: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return backend((cmd, args) => {
    const answer = overrides[cmd];
    if (answer) return answer(args);
    switch (cmd) {
      case "app_info":
        return { version: "0.1.0", environment: "paper" };
      case "dashboard":
        return dashboard();
      case "book":
        return book({ ticker: String(args.ticker) });
      case "fills":
        return FILLS;
      case "pnl_history":
        return PNL;
      case "logs":
        return LOGS;
      default:
        throw { kind: "engine", message: `unexpected ${cmd}` };
    }
  });
}

const rows = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>("#markets-table tr[data-ticker]")];

describe("dashboard", () => {
  it("shows markets, the first market's book, blotter counts and net P&L", async () => {
    const be = engine();
    const root = render(App, {});
    await vi.waitFor(() => expect(rows(root)).toHaveLength(3));

    expect(q(root, "#orders-count").textContent).toBe("2");
    expect(q(root, "#fills-count").textContent).toBe("2");
    expect(q(root, "#net-pnl").textContent).toBe("+$0.85");
    expect(q(root, "#net-pnl").classList.contains("pos")).toBe(true);
    expect(q(root, "#kill-state").textContent).toBe("ACTIVE");
    expect(q(root, "#fills-blotter").textContent).toContain("KXFEDDECISION-25DEC-H0");
    expect(q(root, "#orders-blotter").textContent).toContain("kmm-0002");

    // The first market is selected by default and its book is loaded.
    expect(rows(root)[0]!.getAttribute("aria-selected")).toBe("true");
    await vi.waitFor(() => expect(q(root, "#book-ladder").dataset.ticker).toBe("KXHIGHNY-25NOV24-T52"));
    await vi.waitFor(() => expect(root.querySelectorAll("#book-ladder .level[data-side]").length).toBe(5));
    expect(be.calls.find((c) => c.cmd === "book")?.args).toEqual({ ticker: "KXHIGHNY-25NOV24-T52" });

    // Status bar.
    expect(q(root, "#connection").textContent).toContain("feed connected");
    expect(q(root, "#uptime").textContent).toBe("1h 02m");
    expect(q(root, "#feed-age").textContent).toBe("180 ms");
  });

  it("loads the book of the market selected with the keyboard", async () => {
    const be = engine();
    const root = render(App, {});
    await vi.waitFor(() => expect(rows(root)).toHaveLength(3));
    key(rows(root)[0]!, "ArrowDown");
    await vi.waitFor(() => expect(q(root, "#book-ladder").dataset.ticker).toBe("KXFEDDECISION-25DEC-H0"));
    expect(be.calls.filter((c) => c.cmd === "book").map((c) => c.args.ticker)).toContain("KXFEDDECISION-25DEC-H0");
  });

  it("follows dashboard, book and fill events", async () => {
    const be = engine();
    const root = render(App, {});
    await vi.waitFor(() => expect(rows(root)).toHaveLength(3));
    await vi.waitFor(() => q(root, "#book-ladder .level.ours"));

    await be.emit("dashboard-event", dashboard({ netPnl: "-3.456000", fills: 3 }));
    await vi.waitFor(() => expect(q(root, "#net-pnl").textContent).toBe("-$3.46"));
    expect(q(root, "#net-pnl").classList.contains("neg")).toBe(true);
    expect(q(root, "#fills-count").textContent).toBe("3");

    await be.emit("book-event", book({ asks: [{ price: "0.4400", size: "7.00", ours: "0.00" }] }));
    await vi.waitFor(() =>
      expect(q(root, '#book-ladder .level[data-side="ask"]').dataset.price).toBe("0.4400"),
    );

    await be.emit("fill-event", { ...FILLS[0], tradeId: "t-new", ticker: "NEWFILL-1" });
    await vi.waitFor(() => expect(q(root, "#fills-blotter").textContent).toContain("NEWFILL-1"));
  });

  it("explains that the engine is not running and recovers on Retry", async () => {
    let running = false;
    const be = engine({
      dashboard: () => {
        if (!running) throw { kind: "notRunning" };
        return dashboard();
      },
    });
    const root = render(App, {});
    await vi.waitFor(() => expect(q(root, "#engine-error").textContent).toMatch(/engine is not running/i));
    expect(q(root, "#connection").textContent).toContain("engine not running");
    expect(root.querySelector("#app-error"), "app_info worked: no fatal error panel").toBeNull();

    running = true;
    q(root, "#engine-error button").click();
    await vi.waitFor(() => expect(rows(root)).toHaveLength(3));
    expect(root.querySelector("#engine-error")).toBeNull();
    expect(be.names().filter((n) => n === "dashboard")).toHaveLength(2);
  });

  it("switches views with Alt+number and adds a market from the Markets view", async () => {
    const be = engine({ add_market: () => null });
    const root = render(App, {});
    await vi.waitFor(() => expect(rows(root)).toHaveLength(3));

    key(window as unknown as Element, "2", { altKey: true });
    await vi.waitFor(() => q(root, "#add-ticker"));
    expect(q(root, "#tab-markets").getAttribute("aria-selected")).toBe("true");
    type(q(root, "#add-ticker") as HTMLInputElement, " kxnewmarket-26 ");
    q(root, "#add-market").click();
    await vi.waitFor(() => expect(root.textContent).toContain("Added KXNEWMARKET-26."));
    expect(be.calls.find((c) => c.cmd === "add_market")?.args).toEqual({ ticker: "KXNEWMARKET-26" });

    key(window as unknown as Element, "4", { altKey: true });
    await vi.waitFor(() => q(root, "#logs-table"));
    expect(root.querySelectorAll("#logs-table tr[data-level]")).toHaveLength(3);
    type(q(root, "#log-level") as HTMLSelectElement, "error");
    expect(root.querySelectorAll("#logs-table tr[data-level]")).toHaveLength(1);
  });

  it("removes a market from the quoting set and shows an engine refusal", async () => {
    const be = engine({
      remove_market: () => {
        throw { kind: "engine", message: "market has resting orders being cancelled; retry" };
      },
    });
    const root = render(App, {});
    await vi.waitFor(() => expect(rows(root)).toHaveLength(3));
    q(root, "#tab-markets").click();
    await vi.waitFor(() => q(root, '[data-remove="KXFEDDECISION-25DEC-H0"]'));
    q(root, '[data-remove="KXFEDDECISION-25DEC-H0"]').click();
    await vi.waitFor(() => expect(root.textContent).toContain("market has resting orders being cancelled; retry"));
    expect(be.calls.find((c) => c.cmd === "remove_market")?.args).toEqual({ ticker: "KXFEDDECISION-25DEC-H0" });
  });

  it("shows the environment of the live snapshot in the banner", async () => {
    engine({ dashboard: () => dashboard({ environment: "demo" }) });
    const root = render(App, {});
    await vi.waitFor(() => expect(q(root, "#env-banner").dataset.environment).toBe("demo"));
  });
});
