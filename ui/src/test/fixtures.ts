// Realistic payloads shaped like the backend's DTOs (decimal strings, camelCase), for tests.
import type { BookDto, DashboardDto, FillDto, LogDto, MarketRow, PnlPoint, SettingsDto } from "../lib/bindings";

export function market(overrides: Partial<MarketRow> = {}): MarketRow {
  return {
    ticker: "KXHIGHNY-25NOV24-T52",
    title: "Highest temperature in NYC on Nov 24 above 52°F?",
    bid: "0.4200",
    ask: "0.4600",
    mid: "0.4400",
    spread: "0.0400",
    ourBid: "0.4300",
    ourAsk: "0.4500",
    position: "-6.00",
    pnl: "1.250000",
    state: "active",
    live: true,
    ...overrides,
  };
}

export const MARKETS: MarketRow[] = [
  market(),
  market({
    ticker: "KXFEDDECISION-25DEC-H0",
    title: "Fed holds rates in December?",
    bid: "0.7100",
    ask: "0.7300",
    mid: "0.7200",
    spread: "0.0200",
    ourBid: null,
    ourAsk: "0.7300",
    position: "12.00",
    pnl: "-0.400000",
  }),
  market({
    ticker: "KXBTCD-25NOV2417-T98000",
    title: "Bitcoin above $98,000 at 5pm?",
    bid: null,
    ask: "0.0900",
    mid: null,
    spread: null,
    ourBid: null,
    ourAsk: null,
    position: "0.00",
    pnl: "0.000000",
    state: "reducing",
    live: false,
  }),
];

export function dashboard(overrides: Partial<DashboardDto> = {}): DashboardDto {
  return {
    environment: "paper",
    quoting: true,
    connection: "connected",
    feedAgeMs: 180,
    uptimeS: 3725,
    markets: MARKETS,
    orders: [
      {
        clientOrderId: "kmm-0001",
        orderId: "ord-1",
        ticker: "KXHIGHNY-25NOV24-T52",
        side: "bid",
        price: "0.4300",
        remaining: "10.00",
        filled: "0.00",
        state: "open",
      },
      {
        clientOrderId: "kmm-0002",
        orderId: null,
        ticker: "KXHIGHNY-25NOV24-T52",
        side: "ask",
        price: "0.4500",
        remaining: "10.00",
        filled: "4.00",
        state: "pending_new",
      },
    ],
    risk: {
      state: "active",
      reason: null,
      killSwitch: false,
      dailyLossLimit: "50.0000",
      pnl: "0.850000",
      maxPosition: "100.00",
      largestPosition: "12.00",
      maxOpenOrders: 20,
      openOrders: 2,
      denials: 1,
    },
    realized: "1.100000",
    netPnl: "0.850000",
    fees: "0.2500",
    fills: 2,
    ...overrides,
  };
}

export function book(overrides: Partial<BookDto> = {}): BookDto {
  return {
    ticker: "KXHIGHNY-25NOV24-T52",
    bids: [
      { price: "0.4300", size: "10.00", ours: "10.00" },
      { price: "0.4200", size: "250.00", ours: "0.00" },
      { price: "0.4100", size: "125.00", ours: "0.00" },
    ],
    asks: [
      { price: "0.4500", size: "50.00", ours: "6.00" },
      { price: "0.4600", size: "500.00", ours: "0.00" },
    ],
    live: true,
    ...overrides,
  };
}

export const FILLS: FillDto[] = [
  {
    tradeId: "t-2",
    ticker: "KXHIGHNY-25NOV24-T52",
    side: "ask",
    price: "0.4500",
    count: "4.00",
    fee: "0.0200",
    isTaker: false,
    tsMs: 1_764_000_060_000,
  },
  {
    tradeId: "t-1",
    ticker: "KXFEDDECISION-25DEC-H0",
    side: "bid",
    price: "0.7100",
    count: "12.00",
    fee: "0.0600",
    isTaker: false,
    tsMs: 1_764_000_000_000,
  },
];

export const PNL: PnlPoint[] = [
  { tsMs: 1_764_000_000_000, net: "0.000000" },
  { tsMs: 1_764_000_030_000, net: "-0.200000" },
  { tsMs: 1_764_000_060_000, net: "0.850000" },
];

export const LOGS: LogDto[] = [
  { tsMs: 1_764_000_000_000, level: "info", message: "engine started in paper mode" },
  { tsMs: 1_764_000_001_000, level: "warn", message: "book gap on KXHIGHNY-25NOV24-T52; resnapshot" },
  { tsMs: 1_764_000_002_000, level: "error", message: "order rejected: insufficient balance" },
];

export const SETTINGS: SettingsDto = {
  minSpread: "0.0200",
  orderAmount: "10.00",
  orderRefreshTimeMs: 1000,
  inventorySkewEnabled: true,
  maxPosition: "100.00",
  dailyLossLimit: "50.0000",
  maxOpenOrders: 20,
  notifications: true,
};
