import { describe, expect, it } from "vitest";
import { FILLS, LOGS, PNL, book, dashboard, market } from "../test/fixtures";
import {
  LIMITS,
  addFill,
  initialState,
  killLatched,
  killReason,
  mergeFills,
  mergeLogs,
  pushPoint,
  reconcileSelection,
  reduce,
  tradingLabel,
  type DashboardState,
  type Point,
} from "./store";

const T0 = 1_764_000_000_000;

describe("pushPoint", () => {
  it("keeps one point per second, the latest value winning", () => {
    let h: readonly Point[] = [];
    h = pushPoint(h, { t: T0, v: "0.40" }, 10);
    h = pushPoint(h, { t: T0 + 400, v: "0.41" }, 10);
    h = pushPoint(h, { t: T0 + 1000, v: "0.42" }, 10);
    expect(h).toEqual([
      { t: T0 + 400, v: "0.41" },
      { t: T0 + 1000, v: "0.42" },
    ]);
  });

  it("never exceeds its bound and drops the oldest points", () => {
    let h: readonly Point[] = [];
    for (let i = 0; i < 25; i++) h = pushPoint(h, { t: T0 + i * 1000, v: String(i) }, 10);
    expect(h).toHaveLength(10);
    expect(h[0]?.v).toBe("15");
    expect(h[9]?.v).toBe("24");
  });

  it("ignores out-of-order points and returns the same array when nothing changed", () => {
    const h = pushPoint([], { t: T0 + 5000, v: "1" }, 10);
    expect(pushPoint(h, { t: T0, v: "2" }, 10)).toBe(h);
    expect(pushPoint(h, { t: T0 + 5100, v: "1" }, 10)).toBe(h);
  });
});

describe("reduce: dashboard", () => {
  it("stores the snapshot and appends mid and P&L history", () => {
    let s = initialState();
    s = reduce(s, { type: "dashboard", dashboard: dashboard(), at: T0 });
    s = reduce(s, {
      type: "dashboard",
      dashboard: dashboard({ markets: [market({ mid: "0.4500" })], netPnl: "1.000000" }),
      at: T0 + 1000,
    });
    expect(s.dashboard?.netPnl).toBe("1.000000");
    expect(s.mids["KXHIGHNY-25NOV24-T52"]).toEqual([
      { t: T0, v: "0.4400" },
      { t: T0 + 1000, v: "0.4500" },
    ]);
    expect(s.mids["KXFEDDECISION-25DEC-H0"]).toEqual([{ t: T0, v: "0.7200" }]);
    // A market without a mid gets no history.
    expect(s.mids["KXBTCD-25NOV2417-T98000"]).toBeUndefined();
    expect(s.pnl.map((p) => p.v)).toEqual(["0.850000", "1.000000"]);
  });

  it("bounds the mid and P&L histories however long it runs", () => {
    let s = initialState();
    const n = LIMITS.midHistory + 50;
    for (let i = 0; i < n; i++) {
      s = reduce(s, {
        type: "dashboard",
        dashboard: dashboard({ markets: [market({ mid: `0.${String(1000 + (i % 9000)).padStart(4, "0")}` })] }),
        at: T0 + i * 1000,
      });
    }
    expect(s.mids["KXHIGHNY-25NOV24-T52"]).toHaveLength(LIMITS.midHistory);
    expect(s.pnl.length).toBeLessThanOrEqual(LIMITS.pnlHistory);
  });
});

describe("reduce: environment switch", () => {
  it("drops every history, book, fill and log of the previous environment", () => {
    let s = reduce(initialState(), { type: "dashboard", dashboard: dashboard(), at: T0 });
    s = reduce(s, { type: "book", book: book() });
    s = reduce(s, { type: "fills", fills: FILLS });
    s = reduce(s, { type: "logs", logs: LOGS });
    s = reduce(s, { type: "dashboard", dashboard: dashboard({ environment: "demo", netPnl: "0.000000" }), at: T0 + 1000 });
    expect(s.dashboard?.environment).toBe("demo");
    expect(s.books).toEqual({});
    expect(s.fills).toEqual([]);
    expect(s.logs).toEqual([]);
    expect(s.pnl).toEqual([{ t: T0 + 1000, v: "0.000000" }]);
    expect(s.mids["KXHIGHNY-25NOV24-T52"]).toEqual([{ t: T0 + 1000, v: "0.4400" }]);
  });
});

describe("reduce: books", () => {
  it("lets the latest book of a market win and leaves other markets alone", () => {
    let s = initialState();
    s = reduce(s, { type: "book", book: book() });
    s = reduce(s, { type: "book", book: book({ ticker: "OTHER" }) });
    const latest = book({ bids: [{ price: "0.4400", size: "1.00", ours: "0.00" }], asks: [] });
    s = reduce(s, { type: "book", book: latest });
    expect(s.books["KXHIGHNY-25NOV24-T52"]).toBe(latest);
    expect(s.books["OTHER"]?.bids).toHaveLength(3);
  });
});

describe("fills, logs and P&L snapshots", () => {
  it("adds fills newest first, ignores duplicates and keeps the bound", () => {
    let fills = addFill([], FILLS[1]!, 3);
    fills = addFill(fills, FILLS[0]!, 3);
    fills = addFill(fills, FILLS[0]!, 3);
    expect(fills.map((f) => f.tradeId)).toEqual(["t-2", "t-1"]);
    for (let i = 0; i < 5; i++) fills = addFill(fills, { ...FILLS[0]!, tradeId: `x${i}` }, 3);
    expect(fills.map((f) => f.tradeId)).toEqual(["x4", "x3", "x2"]);
  });

  it("merges a fills snapshot with fills that arrived by event", () => {
    const live = { ...FILLS[0]!, tradeId: "t-3", tsMs: T0 + 90_000 };
    const merged = mergeFills([live, FILLS[0]!], [...FILLS].reverse(), 10);
    expect(merged.map((f) => f.tradeId)).toEqual(["t-3", "t-2", "t-1"]);
  });

  it("keeps event log lines newer than the snapshot, and the bound", () => {
    const late = { tsMs: T0 + 9_000, level: "info", message: "late" };
    const early = { tsMs: T0 + 1_000, level: "info", message: "already in snapshot" };
    expect(mergeLogs([early, late], LOGS, 10).map((l) => l.message)).toEqual([...LOGS.map((l) => l.message), "late"]);
    let s = initialState();
    for (let i = 0; i < LIMITS.logs + 10; i++) s = reduce(s, { type: "log", log: { ...late, tsMs: i } });
    expect(s.logs).toHaveLength(LIMITS.logs);
    expect(s.logs[0]?.tsMs).toBe(10);
  });

  it("accepts a logs snapshot newest first (as the backend sends it) and keeps oldest-first order", () => {
    const s = reduce(initialState(), { type: "logs", logs: [...LOGS].reverse() });
    expect(s.logs.map((l) => l.tsMs)).toEqual(LOGS.map((l) => l.tsMs));
  });

  it("skips P&L points without a time", () => {
    const s = reduce(initialState(), { type: "pnlHistory", points: [...PNL, { tsMs: null, net: "9.000000" }] });
    expect(s.pnl.map((p) => p.v)).toEqual(["0.000000", "-0.200000", "0.850000"]);
  });

  it("loads the P&L history and keeps later live points", () => {
    let s = reduce(initialState(), { type: "dashboard", dashboard: dashboard({ netPnl: "2.000000" }), at: T0 + 120_000 });
    s = reduce(s, { type: "pnlHistory", points: PNL });
    expect(s.pnl.map((p) => p.v)).toEqual(["0.000000", "-0.200000", "0.850000", "2.000000"]);
  });
});

describe("kill switch state", () => {
  const halted = dashboard({ risk: { ...dashboard().risk, killSwitch: true, state: "halted", reason: "manual" } });

  it("shows HALTED as soon as the UI engaged it, even before a snapshot confirms", () => {
    let s = reduce(initialState(), { type: "dashboard", dashboard: dashboard(), at: T0 });
    expect(tradingLabel(s)).toBe("ACTIVE");
    s = reduce(s, { type: "killEngaged", notice: { reason: "manual", cancels: 2 } });
    expect(killLatched(s)).toBe(true);
    expect(tradingLabel(s)).toBe("HALTED");
    expect(killReason(s)).toBe("manual");
    // A snapshot taken before the kill must not flip it back.
    s = reduce(s, { type: "dashboard", dashboard: dashboard(), at: T0 + 100 });
    expect(tradingLabel(s)).toBe("HALTED");
    // Once a snapshot confirms, the snapshot is the truth again (e.g. a reset from the tray).
    s = reduce(s, { type: "dashboard", dashboard: halted, at: T0 + 200 });
    expect(s.killExpected).toBeNull();
    s = reduce(s, { type: "dashboard", dashboard: dashboard(), at: T0 + 300 });
    expect(tradingLabel(s)).toBe("ACTIVE");
  });

  it("shows ACTIVE after a reset until a snapshot says otherwise", () => {
    let s = reduce(initialState(), { type: "dashboard", dashboard: halted, at: T0 });
    expect(tradingLabel(s)).toBe("HALTED");
    s = reduce(s, { type: "killReset" });
    expect(killLatched(s)).toBe(false);
    s = reduce(s, { type: "dashboard", dashboard: halted, at: T0 + 100 });
    expect(killLatched(s)).toBe(false);
    s = reduce(s, { type: "dashboard", dashboard: dashboard(), at: T0 + 200 });
    expect(s.killExpected).toBeNull();
  });

  it("labels a reducing engine and a limit halt", () => {
    const base: DashboardState = initialState();
    const reducing = reduce(base, {
      type: "dashboard",
      dashboard: dashboard({ risk: { ...dashboard().risk, state: "reducing" } }),
      at: T0,
    });
    expect(tradingLabel(reducing)).toBe("REDUCING");
    const limit = reduce(base, {
      type: "dashboard",
      dashboard: dashboard({ risk: { ...dashboard().risk, state: "halted", reason: "daily loss limit" } }),
      at: T0,
    });
    expect(tradingLabel(limit)).toBe("HALTED");
    expect(killLatched(limit)).toBe(false);
  });
});

describe("reconcileSelection", () => {
  it("keeps a listed selection, else picks the first market, else none", () => {
    expect(reconcileSelection("B", ["A", "B"])).toBe("B");
    expect(reconcileSelection("C", ["A", "B"])).toBe("A");
    expect(reconcileSelection(null, ["A"])).toBe("A");
    expect(reconcileSelection("A", [])).toBeNull();
  });
});
