// The live dashboard store: loads the snapshots, subscribes to the backend's events and feeds
// both through the pure reducers in `store.ts`. One instance per app window.
import { commands, events, type DashboardDto } from "./bindings";
import { settle, type Outcome } from "./errors";
import {
  initialState,
  killLatched,
  killReason,
  reduce,
  tradingLabel,
  type Action,
  type DashboardState,
  type KillNotice,
} from "./store";

type Unlisten = () => void;

export class LiveStore {
  /** Replaced (never mutated) by `dispatch`, so `$state.raw` is enough. */
  state = $state.raw<DashboardState>(initialState());
  /** Why the dashboard snapshot could not be loaded (e.g. the engine is not running). */
  loadError = $state<string | null>(null);
  /** Whether the first dashboard load finished (either way). */
  loaded = $state(false);

  readonly latched = $derived(killLatched(this.state));
  readonly label = $derived(tradingLabel(this.state));
  readonly reason = $derived(killReason(this.state));

  #unlisten: Unlisten[] = [];
  #stopped = false;
  #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  dispatch(action: Action): void {
    this.state = reduce(this.state, action);
  }

  /** Subscribes to the events, then loads the snapshots (so nothing between the two is lost). */
  async start(): Promise<void> {
    this.#stopped = false;
    const subscriptions = await Promise.allSettled([
      events.dashboardEvent.listen((e) => this.#onDashboard(e.payload)),
      events.bookEvent.listen((e) => this.dispatch({ type: "book", book: e.payload })),
      events.fillEvent.listen((e) => this.dispatch({ type: "fill", fill: e.payload })),
      events.logEvent.listen((e) => this.dispatch({ type: "log", log: e.payload })),
      events.killSwitchEvent.listen((e) => this.dispatch({ type: "killEngaged", notice: e.payload as KillNotice })),
    ]);
    for (const s of subscriptions) {
      if (s.status === "fulfilled") this.#unlisten.push(s.value);
    }
    if (this.#stopped) this.stop();
    await this.refresh();
  }

  /** Reloads every snapshot. */
  async refresh(): Promise<void> {
    const [dashboard, fills, pnl, logs] = await Promise.all([
      settle(() => commands.dashboard()),
      settle(() => commands.fills()),
      settle(() => commands.pnlHistory()),
      settle(() => commands.logs()),
    ]);
    if (dashboard.ok) this.#onDashboard(dashboard.data);
    this.loadError = dashboard.ok ? null : dashboard.message;
    if (fills.ok) this.dispatch({ type: "fills", fills: fills.data });
    if (pnl.ok) this.dispatch({ type: "pnlHistory", points: pnl.data });
    if (logs.ok) this.dispatch({ type: "logs", logs: logs.data });
    this.loaded = true;
  }

  /** Loads one market's book (the ladder then follows `bookEvent`). */
  async loadBook(ticker: string): Promise<void> {
    const book = await settle(() => commands.book(ticker));
    if (book.ok) this.dispatch({ type: "book", book: book.data });
  }

  /** Engages the kill switch; the UI shows HALTED at once on success. */
  async kill(reason: string): Promise<Outcome<number>> {
    const outcome = await settle(() => commands.killSwitch(reason));
    if (outcome.ok) this.dispatch({ type: "killEngaged", notice: { reason, cancels: outcome.data } });
    return outcome;
  }

  /** Resets the latched kill switch in the name of `by`. */
  async resetKill(by: string): Promise<Outcome<null>> {
    const outcome = await settle(() => commands.resetKillSwitch(by));
    if (outcome.ok) this.dispatch({ type: "killReset" });
    return outcome;
  }

  stop(): void {
    this.#stopped = true;
    for (const unlisten of this.#unlisten.splice(0)) unlisten();
  }

  #onDashboard(dashboard: DashboardDto): void {
    this.loadError = null;
    this.dispatch({ type: "dashboard", dashboard, at: this.#now() });
  }
}
