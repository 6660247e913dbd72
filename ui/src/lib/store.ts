// The dashboard's state and its reducers. Everything here is pure (state in, new state out), so
// the rules (history bounds, latest book wins, kill-switch latching) are unit-tested without a
// backend; `live.svelte.ts` feeds commands and events through `reduce`.
import type { BookDto, DashboardDto, FillDto, LogDto, PnlPoint } from "./bindings";

/** One point of a chart history: Unix ms and the decimal string as received. */
export interface Point {
  readonly t: number;
  readonly v: string;
}

/** The `killSwitchEvent` payload. */
export interface KillNotice {
  readonly reason: string;
  readonly cancels: number;
}

export const LIMITS = {
  /** Mid points kept per market (one per second: 30 minutes). */
  midHistory: 1800,
  /** Net P&L points kept (one per second: a bit over 2 hours with the loaded history). */
  pnlHistory: 8000,
  /** Fills kept for the blotter. */
  fills: 500,
  /** Log lines kept for the logs view. */
  logs: 2000,
} as const;

export interface DashboardState {
  /** The latest snapshot, once one arrived. */
  readonly dashboard: DashboardDto | null;
  /** Latest book per ticker. */
  readonly books: Readonly<Record<string, BookDto>>;
  /** Mid price history per ticker. */
  readonly mids: Readonly<Record<string, readonly Point[]>>;
  /** Net P&L history. */
  readonly pnl: readonly Point[];
  /** Fills, newest first. */
  readonly fills: readonly FillDto[];
  /** Log lines, oldest first. */
  readonly logs: readonly LogDto[];
  /**
   * What the UI just did to the kill switch (true = engaged, false = reset) and is waiting for a
   * snapshot to confirm; until then it wins over `dashboard.risk.killSwitch`, so a snapshot that
   * was already in flight cannot flip the button back.
   */
  readonly killExpected: boolean | null;
  /** The last kill-switch engagement seen (reason, cancels). */
  readonly lastKill: KillNotice | null;
}

export type Action =
  | { type: "dashboard"; dashboard: DashboardDto; at: number }
  | { type: "book"; book: BookDto }
  | { type: "fill"; fill: FillDto }
  | { type: "fills"; fills: readonly FillDto[] }
  | { type: "pnlHistory"; points: readonly PnlPoint[] }
  | { type: "log"; log: LogDto }
  | { type: "logs"; logs: readonly LogDto[] }
  | { type: "killEngaged"; notice: KillNotice }
  | { type: "killReset" };

export function initialState(): DashboardState {
  return { dashboard: null, books: {}, mids: {}, pnl: [], fills: [], logs: [], killExpected: null, lastKill: null };
}

/**
 * Appends a point, keeping at most one point per wall-clock second (a later value in the same
 * second replaces the earlier one; charts need strictly increasing times) and at most `max` points.
 * Points older than the last one are ignored.
 */
export function pushPoint(history: readonly Point[], point: Point, max: number): readonly Point[] {
  const last = history[history.length - 1];
  if (last && point.t < last.t) return history;
  const sameSecond = last !== undefined && Math.floor(last.t / 1000) === Math.floor(point.t / 1000);
  if (sameSecond && last.v === point.v) return history;
  const next = sameSecond ? [...history.slice(0, -1), point] : [...history, point];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Keeps the last `max` items. */
export function bounded<T>(items: readonly T[], max: number): readonly T[] {
  return items.length > max ? items.slice(items.length - max) : items;
}

/** Adds a fill at the front (newest first), ignoring a trade id already present. */
export function addFill(fills: readonly FillDto[], fill: FillDto, max: number): readonly FillDto[] {
  if (fills.some((f) => f.tradeId === fill.tradeId)) return fills;
  const next = [fill, ...fills];
  return next.length > max ? next.slice(0, max) : next;
}

/** Replaces the fills with a snapshot, keeping any event-delivered fill the snapshot missed. */
export function mergeFills(current: readonly FillDto[], snapshot: readonly FillDto[], max: number): readonly FillDto[] {
  const newestFirst = [...snapshot].sort((a, b) => (b.tsMs ?? 0) - (a.tsMs ?? 0));
  const known = new Set(newestFirst.map((f) => f.tradeId));
  const extra = current.filter((f) => !known.has(f.tradeId));
  return [...extra, ...newestFirst].slice(0, max);
}

/** The snapshot oldest first, whichever order the backend sent it in (order of equal times kept). */
function oldestFirst<T extends { tsMs: number | null }>(items: readonly T[]): readonly T[] {
  const first = items[0]?.tsMs ?? null;
  const last = items[items.length - 1]?.tsMs ?? null;
  return first !== null && last !== null && first > last ? [...items].reverse() : items;
}

/** Replaces the logs with a snapshot, keeping event-delivered lines newer than the snapshot. */
export function mergeLogs(current: readonly LogDto[], snapshot: readonly LogDto[], max: number): readonly LogDto[] {
  const ordered = oldestFirst(snapshot);
  const newest = ordered.reduce((m, l) => Math.max(m, l.tsMs ?? -Infinity), -Infinity);
  return bounded([...ordered, ...current.filter((l) => (l.tsMs ?? -Infinity) > newest)], max);
}

/** Replaces the P&L history with the backend's, keeping live points newer than it. */
export function mergePnl(current: readonly Point[], snapshot: readonly PnlPoint[], max: number): readonly Point[] {
  let merged: readonly Point[] = [];
  const timed = snapshot.flatMap((p) => (p.tsMs === null ? [] : [{ t: p.tsMs, v: p.net }]));
  for (const p of timed.sort((a, b) => a.t - b.t)) {
    merged = pushPoint(merged, p, max);
  }
  const lastT = merged[merged.length - 1]?.t ?? -Infinity;
  for (const p of current) {
    if (p.t > lastT) merged = pushPoint(merged, p, max);
  }
  return merged;
}

function applyDashboard(previous: DashboardState, dashboard: DashboardDto, at: number): DashboardState {
  // A new environment is a different engine: never chart paper P&L next to production's.
  const state =
    previous.dashboard !== null && previous.dashboard.environment !== dashboard.environment ? initialState() : previous;
  let mids = state.mids;
  for (const market of dashboard.markets) {
    if (market.mid === null) continue;
    const before = mids[market.ticker] ?? [];
    const after = pushPoint(before, { t: at, v: market.mid }, LIMITS.midHistory);
    if (after !== before) mids = { ...mids, [market.ticker]: after };
  }
  const latched = dashboard.risk.killSwitch;
  return {
    ...state,
    dashboard,
    mids,
    pnl: pushPoint(state.pnl, { t: at, v: dashboard.netPnl }, LIMITS.pnlHistory),
    // The snapshot confirmed what the UI did: it is the source of truth again.
    killExpected: state.killExpected === latched ? null : state.killExpected,
  };
}

export function reduce(state: DashboardState, action: Action): DashboardState {
  switch (action.type) {
    case "dashboard":
      return applyDashboard(state, action.dashboard, action.at);
    case "book":
      // Latest book wins: a book replaces the ticker's previous one entirely.
      return { ...state, books: { ...state.books, [action.book.ticker]: action.book } };
    case "fill":
      return { ...state, fills: addFill(state.fills, action.fill, LIMITS.fills) };
    case "fills":
      return { ...state, fills: mergeFills(state.fills, action.fills, LIMITS.fills) };
    case "pnlHistory":
      return { ...state, pnl: mergePnl(state.pnl, action.points, LIMITS.pnlHistory) };
    case "log":
      return { ...state, logs: bounded([...state.logs, action.log], LIMITS.logs) };
    case "logs":
      return { ...state, logs: mergeLogs(state.logs, action.logs, LIMITS.logs) };
    case "killEngaged":
      return { ...state, killExpected: state.dashboard?.risk.killSwitch === true ? null : true, lastKill: action.notice };
    case "killReset":
      return { ...state, killExpected: state.dashboard?.risk.killSwitch === false ? null : false };
  }
}

/** Whether the kill switch is latched, as the UI should show it. */
export function killLatched(state: DashboardState): boolean {
  return state.killExpected ?? state.dashboard?.risk.killSwitch ?? false;
}

export type TradingLabel = "ACTIVE" | "REDUCING" | "HALTED";

/** The global trading state label (`#kill-state`). */
export function tradingLabel(state: DashboardState): TradingLabel {
  if (killLatched(state)) return "HALTED";
  switch (state.dashboard?.risk.state) {
    case "halted":
      return "HALTED";
    case "reducing":
      return "REDUCING";
    default:
      return "ACTIVE";
  }
}

/** Why the kill switch is latched: the snapshot's reason, else the last engagement's. */
export function killReason(state: DashboardState): string | null {
  return state.dashboard?.risk.reason ?? state.lastKill?.reason ?? null;
}

/** The selection after the markets changed: keep it if still listed, else the first market. */
export function reconcileSelection(selected: string | null, tickers: readonly string[]): string | null {
  if (selected !== null && tickers.includes(selected)) return selected;
  return tickers[0] ?? null;
}
