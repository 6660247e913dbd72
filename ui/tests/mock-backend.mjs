// A fake Kalshi MM backend for the browser test (and for looking at the UI without Rust):
// answers every command of the contract with realistic DTOs and emits the events the Rust bridge
// would (dashboard ≤ 4 Hz, books, fills, logs, kill switch). Loaded into the page before the app
// bundle by tests/browser.e2e.mjs; it talks to the app only through window.__TAURI_INTERNALS__.
import { mockIPC } from "/__tauri_api/mocks.js";
import { emit } from "/__tauri_api/event.js";

// Deterministic pseudo-random numbers, so screenshots are stable.
let seed = 42;
function rand() {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}

/** Integer ten-thousandths of a dollar -> "0.4300" (the backend's price strings). */
const price = (units) => `0.${String(units).padStart(4, "0")}`;
/** Hundredths -> "10.00" (counts), with sign. */
const count = (hundredths) => `${hundredths < 0 ? "-" : ""}${Math.floor(Math.abs(hundredths) / 100)}.${String(Math.abs(hundredths) % 100).padStart(2, "0")}`;
/** Millionths of a dollar -> "1.250000" (P&L), with sign. */
const money = (micros) => `${micros < 0 ? "-" : ""}${Math.floor(Math.abs(micros) / 1e6)}.${String(Math.abs(micros) % 1e6).padStart(6, "0")}`;

const started = Date.now();
const state = {
  environment: "paper",
  quoting: true,
  kill: null,
  fills: [],
  logs: [],
  markets: [
    { ticker: "KXHIGHNY-25NOV24-T52", title: "NYC high above 52°F on Nov 24?", mid: 4400, half: 200, pos: -600, pnl: 1_250_000 },
    { ticker: "KXFEDDECISION-25DEC-H0", title: "Fed holds rates in December?", mid: 7200, half: 100, pos: 1200, pnl: -400_000 },
    { ticker: "KXBTCD-25NOV2417-T98000", title: "Bitcoin above $98,000 at 5pm ET?", mid: 3100, half: 300, pos: 0, pnl: 0 },
    { ticker: "KXNBAGAME-25NOV24LALBOS", title: "Lakers beat the Celtics?", mid: 5650, half: 150, pos: 2500, pnl: 3_120_000 },
  ],
};
window.__mockCalls = [];

function log(level, message) {
  const line = { tsMs: Date.now(), level, message };
  state.logs.push(line);
  return line;
}

log("info", "engine started in paper mode (simulator on 127.0.0.1:40123)");
log("info", "subscribed to 4 markets: orderbook_delta, fill");
log("warn", "book gap on KXBTCD-25NOV2417-T98000 (seq 812 -> 814); resnapshot");
log("info", "quoting KXHIGHNY-25NOV24-T52 bid 43.00¢ x10 / ask 45.00¢ x10");

const halted = () => state.kill !== null;

function row(m) {
  const quoting = state.quoting && !halted();
  // Our quotes improve the others' touch by a cent when the spread allows it, else join it.
  const ourBid = m.mid - m.half + 100 < m.mid ? m.mid - m.half + 100 : m.mid - m.half;
  const ourAsk = m.mid + m.half - 100 > m.mid ? m.mid + m.half - 100 : m.mid + m.half;
  // The book's touch includes our orders.
  const bid = quoting ? ourBid : m.mid - m.half;
  const ask = quoting ? ourAsk : m.mid + m.half;
  return {
    ticker: m.ticker,
    title: m.title,
    bid: price(bid),
    ask: price(ask),
    mid: price(Math.round((bid + ask) / 2)),
    spread: price(ask - bid),
    ourBid: quoting ? price(ourBid) : null,
    ourAsk: quoting ? price(ourAsk) : null,
    position: count(m.pos),
    pnl: money(m.pnl),
    state: halted() ? "halted" : Math.abs(m.pos) > 2000 ? "reducing" : "active",
    live: true,
  };
}

function orders() {
  if (!state.quoting || halted()) return [];
  return state.markets.slice(0, 3).flatMap((m, i) => {
    const r = row(m);
    return [
      { clientOrderId: `kmm-${i}-b`, orderId: `o-${i}-b`, ticker: m.ticker, side: "bid", price: r.ourBid, remaining: "10.00", filled: "0.00", state: "open" },
      { clientOrderId: `kmm-${i}-a`, orderId: i === 2 ? null : `o-${i}-a`, ticker: m.ticker, side: "ask", price: r.ourAsk, remaining: "6.00", filled: "4.00", state: i === 2 ? "pending_new" : "open" },
    ];
  });
}

function netMicros() {
  return state.markets.reduce((sum, m) => sum + m.pnl, 0) - 250_000;
}

function dashboard() {
  const open = orders();
  const largest = Math.max(...state.markets.map((m) => Math.abs(m.pos)));
  return {
    environment: state.environment,
    quoting: state.quoting,
    connection: "connected",
    feedAgeMs: 120 + Math.floor(rand() * 200),
    uptimeS: Math.floor((Date.now() - started) / 1000) + 4_520,
    markets: state.markets.map(row),
    orders: open,
    risk: {
      state: halted() ? "halted" : "active",
      reason: state.kill?.reason ?? null,
      killSwitch: halted(),
      dailyLossLimit: "50.0000",
      pnl: money(netMicros()),
      maxPosition: "30.00",
      largestPosition: count(largest),
      maxOpenOrders: 20,
      openOrders: open.length,
      denials: 3,
    },
    realized: money(2_400_000),
    netPnl: money(netMicros()),
    fees: "0.2500",
    fills: state.fills.length,
  };
}

function book(ticker) {
  const m = state.markets.find((x) => x.ticker === ticker) ?? state.markets[0];
  const r = row(m);
  const level = (p, i, side) => {
    const size = 20 + Math.floor((Math.sin(p / 37 + i) + 1.2) * 180 + i * 40);
    const ours = (side === "bid" && price(p) === r.ourBid) || (side === "ask" && price(p) === r.ourAsk) ? 10 : 0;
    return { price: price(p), size: count((size + ours) * 100), ours: count(ours * 100) };
  };
  const bid = m.mid - m.half; // the others' touch
  const ask = m.mid + m.half;
  const bids = [];
  const asks = [];
  for (let i = 0; i < 8; i++) {
    if (bid - i * 100 > 0) bids.push(level(bid - i * 100, i, "bid"));
    if (ask + i * 100 < 10000) asks.push(level(ask + i * 100, i, "ask"));
  }
  // Our quotes improve the touch by one tick when the spread allows it.
  if (r.ourBid && r.ourBid !== bids[0].price) bids.unshift({ price: r.ourBid, size: "10.00", ours: "10.00" });
  if (r.ourAsk && r.ourAsk !== asks[0].price) asks.unshift({ price: r.ourAsk, size: "10.00", ours: "10.00" });
  return { ticker: m.ticker, bids: dedupe(bids), asks: dedupe(asks), live: true };
}

function dedupe(levels) {
  const seen = new Set();
  return levels.filter((l) => (seen.has(l.price) ? false : (seen.add(l.price), true)));
}

function fill(m, side) {
  const f = {
    tradeId: `tr-${state.fills.length + 1}`,
    ticker: m.ticker,
    side,
    price: side === "bid" ? row(m).ourBid ?? row(m).bid : row(m).ourAsk ?? row(m).ask,
    count: "4.00",
    fee: "0.0200",
    isTaker: false,
    tsMs: Date.now(),
  };
  state.fills.unshift(f);
  return f;
}

// Some history before the page opened.
for (const [i, m] of state.markets.entries()) fill(m, i % 2 ? "ask" : "bid");
// Twenty minutes of P&L that ends where the live value starts.
const pnlHistory = Array.from({ length: 240 }, (_, i) => ({
  tsMs: Date.now() - (240 - i) * 5_000,
  net: money(Math.round((netMicros() * i) / 240 + Math.sin(i / 18) * 900_000)),
}));

const validate = (s) => {
  const fields = [];
  if (!/^\d+(\.\d+)?$/.test(s.minSpread) || Number(s.minSpread) < 0.01) fields.push({ field: "minSpread", message: "must be at least 0.0100 (1¢)" });
  if (s.maxOpenOrders < 1 || s.maxOpenOrders > 200) fields.push({ field: "maxOpenOrders", message: "must be between 1 and 200" });
  return fields;
};
let settings = {
  minSpread: "0.0200",
  orderAmount: "10.00",
  orderRefreshTimeMs: 1000,
  inventorySkewEnabled: true,
  maxPosition: "30.00",
  dailyLossLimit: "50.0000",
  maxOpenOrders: 20,
  notifications: true,
};
const keys = { demo: "3f1c9a2e-demo", production: null };

function handle(cmd, args) {
  window.__mockCalls.push({ cmd, args });
  switch (cmd) {
    case "app_info":
      return { version: "0.1.0", environment: state.environment };
    case "dashboard":
      return dashboard();
    case "book":
      return book(args.ticker);
    case "fills":
      return state.fills;
    case "pnl_history":
      return pnlHistory;
    case "logs":
      return state.logs;
    case "start_quoting":
      if (halted()) throw { kind: "engine", message: "the kill switch is latched; reset it first" };
      state.quoting = true;
      return null;
    case "stop_quoting":
      state.quoting = false;
      return null;
    case "kill_switch": {
      const cancels = orders().length;
      state.kill = { reason: args.reason };
      void emit("kill-switch-event", { reason: args.reason, cancels });
      void emit("log-event", log("error", `KILL SWITCH: ${args.reason}; cancelled ${cancels} orders`));
      return cancels;
    }
    case "reset_kill_switch":
      state.kill = null;
      void emit("log-event", log("warn", `kill switch reset by ${args.by}`));
      return null;
    case "add_market":
      state.markets.push({ ticker: args.ticker, title: "Added from the UI", mid: 5000, half: 200, pos: 0, pnl: 0 });
      return null;
    case "remove_market":
      state.markets = state.markets.filter((m) => m.ticker !== args.ticker);
      return null;
    case "get_settings":
      return settings;
    case "save_settings": {
      const fields = validate(args.settings);
      if (fields.length) throw { kind: "validation", fields };
      settings = args.settings;
      return null;
    }
    case "key_status":
      return keys;
    case "import_key":
      keys[args.environment] = args.keyId;
      return null;
    case "delete_key":
      keys[args.environment] = null;
      return null;
    case "switch_environment":
      if (args.environment === "production" && !args.confirmProduction) {
        throw { kind: "confirmationRequired", message: "Switching to production trades real money." };
      }
      state.environment = args.environment;
      return null;
    default:
      throw { kind: "engine", message: `mock backend: unknown command ${cmd}` };
  }
}

mockIPC(handle, { shouldMockEvents: true });

// The event bridge: a dashboard snapshot at 4 Hz, books with it, a fill now and then.
let tick = 0;
setInterval(() => {
  tick++;
  for (const m of state.markets) {
    const step = rand() < 0.25 ? (rand() < 0.5 ? -50 : 50) : 0;
    m.mid = Math.min(9500, Math.max(500, m.mid + step));
    m.pnl += Math.round((rand() - 0.45) * 60_000);
  }
  void emit("dashboard-event", dashboard());
  for (const m of state.markets) void emit("book-event", book(m.ticker));
  if (tick % 40 === 0 && !halted()) {
    const m = state.markets[(tick / 40) % state.markets.length];
    void emit("fill-event", fill(m, tick % 80 ? "bid" : "ask"));
    void emit("log-event", log("info", `fill ${m.ticker} 4 @ ${row(m).mid}`));
  }
}, 250);
