//! Conversions from engine and model types to the UI's DTOs. Prices, counts and money become
//! the exchange's decimal strings (`Price` "0.4300", `Qty` "10.00", `Money` "1.250000").

use std::collections::BTreeMap;

use kmm_engine::portfolio::PortfolioSnapshot;
use kmm_engine::risk::{RiskLimits, TradingState};
use kmm_engine::runner::{BookView, Connection, EngineStatus, OrderView};
use kmm_model::{Fill, Money, Price, Qty, Side};

use crate::dto::{
    BookDto, ConnectionDto, DashboardDto, Environment, FillDto, LevelDto, MarketRow, OrderDto, RiskDto, TradingStateDto,
};

impl From<Environment> for kmm_kalshi::Environment {
    fn from(env: Environment) -> Self {
        match env {
            Environment::Paper => kmm_kalshi::Environment::Paper,
            Environment::Demo => kmm_kalshi::Environment::Demo,
            Environment::Production => kmm_kalshi::Environment::Production,
        }
    }
}

impl From<TradingState> for TradingStateDto {
    fn from(state: TradingState) -> Self {
        match state {
            TradingState::Active => TradingStateDto::Active,
            TradingState::Reducing => TradingStateDto::Reducing,
            TradingState::Halted => TradingStateDto::Halted,
        }
    }
}

impl From<Connection> for ConnectionDto {
    fn from(connection: Connection) -> Self {
        match connection {
            Connection::Connected => ConnectionDto::Connected,
            Connection::Connecting => ConnectionDto::Connecting,
            Connection::Disconnected => ConnectionDto::Disconnected,
        }
    }
}

/// "bid" or "ask".
pub fn side_name(side: Side) -> &'static str {
    match side {
        Side::Bid => "bid",
        Side::Ask => "ask",
    }
}

/// The more restrictive of two states.
pub fn worst(a: TradingState, b: TradingState) -> TradingState {
    let rank = |s: TradingState| match s {
        TradingState::Active => 0,
        TradingState::Reducing => 1,
        TradingState::Halted => 2,
    };
    if rank(a) >= rank(b) { a } else { b }
}

/// A count as a JS-safe number (clamped; these are small in practice).
fn count(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

/// One of our fills for the UI.
pub fn fill_dto(fill: &Fill) -> FillDto {
    FillDto {
        trade_id: fill.trade_id.as_str().to_owned(),
        ticker: fill.ticker.as_str().to_owned(),
        side: side_name(fill.side).to_owned(),
        price: fill.price.to_string(),
        count: fill.count.to_string(),
        fee: fill.fee.to_string(),
        is_taker: fill.is_taker,
        // Unix ms are far below 2^53, so the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        ts_ms: fill.ts_ms.map(|ms| ms as f64),
    }
}

/// The engine's order state names in snake_case (`pendingnew` → `pending_new`).
fn order_state(state: &str) -> String {
    match state {
        "pendingnew" => "pending_new".to_owned(),
        "pendingamend" => "pending_amend".to_owned(),
        "pendingcancel" => "pending_cancel".to_owned(),
        other => other.to_owned(),
    }
}

/// True for an order that can no longer rest on the book.
pub fn is_done(order: &OrderView) -> bool {
    matches!(order.state.as_str(), "filled" | "canceled" | "rejected") || order.remaining.is_zero()
}

/// One of our orders for the UI.
pub fn order_dto(order: &OrderView) -> OrderDto {
    OrderDto {
        client_order_id: order.client_order_id.as_str().to_owned(),
        order_id: order.order_id.as_ref().map(|id| id.as_str().to_owned()),
        ticker: order.ticker.as_str().to_owned(),
        side: side_name(order.side).to_owned(),
        price: order.price.to_string(),
        remaining: order.remaining.to_string(),
        filled: order.filled.to_string(),
        state: order_state(&order.state),
    }
}

/// A book ladder with our own resting size at each level.
pub fn book_dto<'a>(view: &BookView, orders: impl IntoIterator<Item = &'a OrderView>) -> BookDto {
    let mut ours: BTreeMap<(bool, Price), i64> = BTreeMap::new();
    for order in orders.into_iter().filter(|o| o.ticker == view.ticker && !is_done(o)) {
        *ours.entry((order.side == Side::Bid, order.price)).or_default() += order.remaining.units();
    }
    let levels = |levels: &[kmm_engine::runner::BookLevel], bid: bool| {
        levels
            .iter()
            .map(|level| LevelDto {
                price: level.price.to_string(),
                size: level.size.to_string(),
                ours: Qty::from_units(ours.get(&(bid, level.price)).copied().unwrap_or(0)).to_string(),
            })
            .collect()
    };
    BookDto {
        ticker: view.ticker.as_str().to_owned(),
        bids: levels(&view.bids, true),
        asks: levels(&view.asks, false),
        live: view.live,
    }
}

/// What the market rows need besides the engine's status: titles, live flags and per-market
/// risk states collected by the event bridge.
#[derive(Debug, Default, Clone)]
pub struct MarketContext {
    /// Market titles by ticker.
    pub titles: BTreeMap<String, String>,
    /// Whether each market's book is live, from the latest book update.
    pub live: BTreeMap<String, bool>,
    /// Per-market risk states (the global state applies on top).
    pub states: BTreeMap<String, TradingState>,
}

/// The markets table: top of book, mid and spread, our best resting quotes, position and P&L.
pub fn market_rows(status: &EngineStatus, context: &MarketContext) -> Vec<MarketRow> {
    status
        .markets
        .iter()
        .map(|ticker| {
            let key = ticker.as_str();
            let (bid, ask) =
                status.tops.iter().find(|(t, _, _)| t == ticker).map_or((None, None), |(_, bid, ask)| (*bid, *ask));
            let both = bid.zip(ask);
            let ours = status.orders.iter().filter(|o| &o.ticker == ticker && !is_done(o));
            let (mut our_bid, mut our_ask): (Option<Price>, Option<Price>) = (None, None);
            for order in ours {
                match order.side {
                    Side::Bid => our_bid = our_bid.max(Some(order.price)),
                    Side::Ask => our_ask = Some(our_ask.map_or(order.price, |p| p.min(order.price))),
                }
            }
            let position = status.portfolio.markets.iter().find(|m| &m.ticker == ticker);
            let state = context.states.get(key).copied().unwrap_or_default();
            MarketRow {
                ticker: key.to_owned(),
                title: context.titles.get(key).cloned().unwrap_or_else(|| key.to_owned()),
                bid: bid.map(|p| p.to_string()),
                ask: ask.map(|p| p.to_string()),
                mid: both.and_then(|(b, a)| Price::from_units((b.units() + a.units()) / 2).ok()).map(|p| p.to_string()),
                spread: both.and_then(|(b, a)| Price::from_units(a.units() - b.units()).ok()).map(|p| p.to_string()),
                our_bid: our_bid.map(|p| p.to_string()),
                our_ask: our_ask.map(|p| p.to_string()),
                position: position.map_or(Qty::ZERO, |m| m.qty).to_string(),
                pnl: position.map_or(Money::ZERO, |m| m.net).to_string(),
                state: worst(status.state, state).into(),
                live: context.live.get(key).copied().unwrap_or(false),
            }
        })
        .collect()
}

/// The largest absolute position of a portfolio.
pub fn largest_position(portfolio: &PortfolioSnapshot) -> Qty {
    portfolio.markets.iter().map(|m| m.qty.abs()).max().unwrap_or(Qty::ZERO)
}

/// Positions that are not flat.
pub fn open_positions(portfolio: &PortfolioSnapshot) -> usize {
    portfolio.markets.iter().filter(|m| !m.qty.is_zero()).count()
}

/// Everything the dashboard needs besides the engine's status.
#[derive(Debug, Clone)]
pub struct DashboardContext {
    /// The session's environment.
    pub environment: Environment,
    /// Risk limits in force.
    pub limits: RiskLimits,
    /// Why trading is not active (the latest global risk reason), if known.
    pub reason: Option<String>,
    /// Milliseconds since the last book update.
    pub feed_age_ms: Option<f64>,
    /// Seconds since the engine started.
    pub uptime_s: f64,
    /// Titles, live flags and market states.
    pub markets: MarketContext,
}

/// The dashboard snapshot.
pub fn dashboard(status: &EngineStatus, context: &DashboardContext) -> DashboardDto {
    let portfolio = &status.portfolio;
    DashboardDto {
        environment: context.environment,
        quoting: status.quoting,
        connection: status.connection.into(),
        feed_age_ms: context.feed_age_ms,
        uptime_s: context.uptime_s,
        markets: market_rows(status, &context.markets),
        orders: status.orders.iter().filter(|o| !is_done(o)).map(order_dto).collect(),
        risk: RiskDto {
            state: status.state.into(),
            reason: (status.state != TradingState::Active).then(|| context.reason.clone()).flatten(),
            kill_switch: status.state == TradingState::Halted,
            daily_loss_limit: context.limits.daily_loss_limit.to_string(),
            pnl: portfolio.net.to_string(),
            max_position: context.limits.max_position.to_string(),
            largest_position: largest_position(portfolio).to_string(),
            max_open_orders: context.limits.max_open_orders,
            open_orders: count(status.orders.iter().filter(|o| !is_done(o)).count()),
            denials: count(status.denials),
        },
        realized: portfolio.realized.to_string(),
        net_pnl: portfolio.net.to_string(),
        fees: status.fees.to_string(),
        fills: count(status.fills),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use kmm_engine::portfolio::MarketPnl;
    use kmm_engine::runner::BookLevel;
    use kmm_model::{ClientOrderId, MarketTicker, OrderId, TradeId};

    use super::*;

    fn price(cents: i64) -> Price {
        Price::from_cents(cents).unwrap()
    }

    fn order(ticker: &str, id: &str, side: Side, cents: i64, remaining: i64, state: &str) -> OrderView {
        OrderView {
            client_order_id: ClientOrderId::new(id),
            order_id: Some(OrderId::new(format!("x-{id}"))),
            ticker: MarketTicker::new(ticker),
            side,
            price: price(cents),
            remaining: Qty::from_contracts(remaining).unwrap(),
            filled: Qty::ZERO,
            state: state.to_owned(),
        }
    }

    fn status() -> EngineStatus {
        let a = MarketTicker::new("KXA-1");
        let b = MarketTicker::new("KXB-1");
        EngineStatus {
            markets: vec![a.clone(), b.clone()],
            quoting: true,
            state: TradingState::Active,
            connection: Connection::Connected,
            orders: vec![
                order("KXA-1", "o1", Side::Bid, 40, 10, "open"),
                order("KXA-1", "o2", Side::Bid, 41, 10, "pendingnew"),
                order("KXA-1", "o3", Side::Ask, 47, 10, "open"),
                order("KXA-1", "o4", Side::Ask, 46, 10, "canceled"),
            ],
            fills: 3,
            fees: Money::from_micros(70_000),
            portfolio: PortfolioSnapshot {
                markets: vec![MarketPnl {
                    ticker: a.clone(),
                    qty: Qty::from_contracts(-6).unwrap(),
                    cost: Money::from_micros(-2_580_000),
                    realized: Money::from_micros(1_300_000),
                    fees: Money::from_micros(50_000),
                    mark: Some(price(43)),
                    unrealized: Some(Money::ZERO),
                    net: Money::from_micros(1_250_000),
                    fills: 3,
                    settled: None,
                }],
                realized: Money::from_micros(1_300_000),
                unrealized: Money::ZERO,
                fees: Money::from_micros(50_000),
                net: Money::from_micros(1_250_000),
            },
            denials: 2,
            tops: vec![(a, Some(price(42)), Some(price(45))), (b, None, Some(price(60)))],
        }
    }

    #[test]
    fn market_rows_come_from_the_status() {
        let mut context = MarketContext::default();
        context.titles.insert("KXA-1".into(), "Will A happen?".into());
        context.live.insert("KXA-1".into(), true);
        context.states.insert("KXB-1".into(), TradingState::Reducing);
        let rows = market_rows(&status(), &context);
        assert_eq!(rows.len(), 2, "one row per followed market");
        let a = &rows[0];
        assert_eq!((a.ticker.as_str(), a.title.as_str()), ("KXA-1", "Will A happen?"));
        assert_eq!(a.bid.as_deref(), Some("0.4200"));
        assert_eq!(a.ask.as_deref(), Some("0.4500"));
        assert_eq!(a.mid.as_deref(), Some("0.4350"), "mid of 42¢ and 45¢");
        assert_eq!(a.spread.as_deref(), Some("0.0300"));
        assert_eq!(a.our_bid.as_deref(), Some("0.4100"), "our best bid is the highest live one");
        assert_eq!(a.our_ask.as_deref(), Some("0.4700"), "a canceled order is not a quote");
        assert_eq!(a.position, "-6.00");
        assert_eq!(a.pnl, "1.250000");
        assert_eq!(a.state, TradingStateDto::Active);
        assert!(a.live);
        let b = &rows[1];
        assert_eq!(b.title, "KXB-1", "an unknown title falls back to the ticker");
        assert_eq!((b.bid.as_deref(), b.mid.as_deref(), b.spread.as_deref()), (None, None, None));
        assert_eq!((b.our_bid.as_deref(), b.our_ask.as_deref()), (None, None));
        assert_eq!((b.position.as_str(), b.pnl.as_str()), ("0.00", "0.000000"), "flat market");
        assert_eq!(b.state, TradingStateDto::Reducing, "the market's own state shows");
        assert!(!b.live, "no book yet");
    }

    #[test]
    fn a_global_halt_shows_on_every_market_and_in_the_risk_panel() {
        let mut status = status();
        status.state = TradingState::Halted;
        let context = DashboardContext {
            environment: Environment::Paper,
            limits: RiskLimits::default(),
            reason: Some("kill switch: tray".into()),
            feed_age_ms: Some(12.0),
            uptime_s: 3.0,
            markets: MarketContext::default(),
        };
        let dashboard = dashboard(&status, &context);
        assert!(dashboard.markets.iter().all(|m| m.state == TradingStateDto::Halted));
        assert!(dashboard.risk.kill_switch);
        assert_eq!(dashboard.risk.reason.as_deref(), Some("kill switch: tray"));
        assert_eq!(dashboard.risk.open_orders, 3, "done orders are not open");
        assert_eq!(dashboard.orders.len(), 3);
        assert_eq!(dashboard.orders[1].state, "pending_new", "state names are snake_case");
        assert_eq!(dashboard.risk.largest_position, "6.00");
        assert_eq!(dashboard.risk.daily_loss_limit, "50.000000");
        assert_eq!((dashboard.net_pnl.as_str(), dashboard.fees.as_str()), ("1.250000", "0.070000"));
        assert_eq!((dashboard.fills, dashboard.risk.denials), (3, 2));
    }

    #[test]
    fn books_mark_our_own_size() {
        let view = BookView {
            ticker: MarketTicker::new("KXA-1"),
            bids: vec![
                BookLevel { price: price(41), size: Qty::from_contracts(30).unwrap() },
                BookLevel { price: price(40), size: Qty::from_contracts(5).unwrap() },
            ],
            asks: vec![BookLevel { price: price(47), size: Qty::from_contracts(12).unwrap() }],
            live: true,
        };
        let status = status();
        let book = book_dto(&view, &status.orders);
        assert_eq!(book.bids[0].price, "0.4100");
        assert_eq!((book.bids[0].size.as_str(), book.bids[0].ours.as_str()), ("30.00", "10.00"));
        assert_eq!(book.bids[1].ours, "10.00");
        assert_eq!(book.asks[0].ours, "10.00", "the canceled 46¢ ask does not count");
        let fill = Fill {
            trade_id: TradeId::new("t1"),
            order_id: OrderId::new("x-o1"),
            ticker: MarketTicker::new("KXA-1"),
            side: Side::Ask,
            price: price(47),
            count: Qty::from_contracts(2).unwrap(),
            is_taker: false,
            fee: Money::from_micros(30_000),
            ts_ms: Some(1_700_000_000_000),
        };
        let dto = fill_dto(&fill);
        assert_eq!((dto.side.as_str(), dto.price.as_str(), dto.count.as_str()), ("ask", "0.4700", "2.00"));
        assert_eq!((dto.fee.as_str(), dto.ts_ms), ("0.030000", Some(1_700_000_000_000.0)));
    }
}
