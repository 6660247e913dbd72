//! Portfolio: positions, cost basis, realised and marked P&L, and fees, per market and in total.
//!
//! Each market keeps a [`kmm_model::Position`] (average cost, in YES terms: + YES, − NO).
//! Fills are de-duplicated by trade id, so a fill seen on both the WebSocket and a REST
//! reconciliation counts once. Settlement closes the position at $1 (result yes) or $0
//! (result no) per YES contract, which is exactly "each winning contract pays $1": a NO holder
//! (short YES) keeps the proceeds of the YES sold when the result is no. All amounts are exact
//! [`Money`]; there are no floats here.
//!
//! P&L conventions: `realized` is trading P&L before fees (including settlement), `fees` is
//! what the exchange charged, `unrealized` is `mark × qty − cost`, and
//! `net = realized + unrealized − fees`.

use std::collections::{BTreeMap, HashSet};

use kmm_model::{Fill, MarketTicker, ModelError, Money, OrderBook, Outcome, Position, Price, Qty, Side, TradeId};
use serde::{Deserialize, Serialize};

/// One market's book-keeping.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Holding {
    position: Position,
    fills: u64,
    settled: Option<Outcome>,
}

/// Positions and P&L across markets.
#[derive(Debug, Clone, Default)]
pub struct Portfolio {
    holdings: BTreeMap<MarketTicker, Holding>,
    seen: HashSet<TradeId>,
}

/// One market in a [`PortfolioSnapshot`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketPnl {
    /// The market.
    pub ticker: MarketTicker,
    /// Net contracts: + YES, − NO.
    pub qty: Qty,
    /// Cost of the open position in YES terms (negative when short YES).
    pub cost: Money,
    /// Realised P&L before fees.
    pub realized: Money,
    /// Fees paid.
    pub fees: Money,
    /// The mark used, if one was given.
    pub mark: Option<Price>,
    /// `mark × qty − cost`, when marked.
    pub unrealized: Option<Money>,
    /// `realized + unrealized − fees` (unrealized counted as zero when unmarked).
    pub net: Money,
    /// Fills applied.
    pub fills: u64,
    /// The settlement result, once settled.
    pub settled: Option<Outcome>,
}

/// The whole portfolio for events and the UI.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PortfolioSnapshot {
    /// Per market, in ticker order.
    pub markets: Vec<MarketPnl>,
    /// Total realised P&L before fees.
    pub realized: Money,
    /// Total unrealised P&L of the marked markets.
    pub unrealized: Money,
    /// Total fees.
    pub fees: Money,
    /// `realized + unrealized − fees`.
    pub net: Money,
}

impl crate::risk::Positions for Portfolio {
    fn position(&self, ticker: &MarketTicker) -> Option<&Position> {
        Portfolio::position(self, ticker)
    }
    fn markets(&self) -> Vec<MarketTicker> {
        self.positions().map(|p| p.ticker.clone()).collect()
    }
}

/// The mark for a market: the mid of the best YES bid and ask when both exist, else the last
/// trade price. The mid is rounded down to $0.0001 (it can only be off by half a unit).
pub fn mark_price(book: &OrderBook, last_trade: Option<Price>) -> Option<Price> {
    crate::quoting::mid_price(book).or(last_trade)
}

fn unrealized_of(position: &Position, mark: Price) -> Result<Money, ModelError> {
    Money::notional(mark, position.qty)?.checked_sub(position.cost)
}

impl Portfolio {
    /// An empty portfolio.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records fills as already accounted for (they are inside a position adopted with
    /// [`Portfolio::adopt`]), so reading them again later books nothing.
    pub fn mark_seen(&mut self, trade_ids: impl IntoIterator<Item = TradeId>) {
        self.seen.extend(trade_ids);
    }

    /// Starts from a position the exchange reports (carried over from an earlier session),
    /// replacing what was known for that market. Later fills apply on top of it.
    pub fn adopt(&mut self, position: Position) {
        let ticker = position.ticker.clone();
        self.holdings.insert(ticker, Holding { position, fills: 0, settled: None });
    }

    /// Applies a fill. Returns `Ok(false)` and changes nothing for a trade id already seen;
    /// on an (arithmetic) error nothing changes either.
    pub fn on_fill(&mut self, fill: &Fill) -> Result<bool, ModelError> {
        if self.seen.contains(&fill.trade_id) {
            return Ok(false);
        }
        let mut holding = self.holdings.get(&fill.ticker).cloned().unwrap_or_else(|| Holding {
            position: Position::flat(fill.ticker.clone()),
            fills: 0,
            settled: None,
        });
        holding.position.apply(fill.side, fill.price, fill.count, fill.fee)?;
        holding.fills += 1;
        self.holdings.insert(fill.ticker.clone(), holding);
        self.seen.insert(fill.trade_id.clone());
        Ok(true)
    }

    /// Settles a market: every YES contract is worth $1 if `result` is yes and $0 if no, so
    /// each winning contract (YES or NO) pays $1. The position goes flat and its P&L is
    /// realised. Returns the P&L the settlement realised; settling a flat or unknown market
    /// realises nothing.
    pub fn on_settlement(&mut self, ticker: &MarketTicker, result: Outcome) -> Result<Money, ModelError> {
        let Some(holding) = self.holdings.get_mut(ticker) else {
            return Ok(Money::ZERO);
        };
        let mut position = holding.position.clone();
        let before = position.realized;
        if !position.qty.is_zero() {
            let value = match result {
                Outcome::Yes => Price::ONE,
                Outcome::No => Price::ZERO,
            };
            // Closing at the settlement value: sell YES held, or buy back YES sold (NO held).
            let side = if position.qty.is_positive() { Side::Ask } else { Side::Bid };
            position.apply(side, value, position.qty.abs(), Money::ZERO)?;
        }
        let realised = position.realized.checked_sub(before)?;
        holding.position = position;
        holding.settled = Some(result);
        Ok(realised)
    }

    /// The position in a market, if it ever traded.
    pub fn position(&self, ticker: &MarketTicker) -> Option<&Position> {
        self.holdings.get(ticker).map(|h| &h.position)
    }

    /// Net contracts in a market (zero if it never traded).
    pub fn qty(&self, ticker: &MarketTicker) -> Qty {
        self.position(ticker).map_or(Qty::ZERO, |p| p.qty)
    }

    /// Every position, in ticker order.
    pub fn positions(&self) -> impl Iterator<Item = &Position> + '_ {
        self.holdings.values().map(|h| &h.position)
    }

    /// Total realised P&L before fees.
    pub fn realized(&self) -> Result<Money, ModelError> {
        self.holdings.values().try_fold(Money::ZERO, |sum, h| sum.checked_add(h.position.realized))
    }

    /// Total fees paid.
    pub fn fees(&self) -> Result<Money, ModelError> {
        self.holdings.values().try_fold(Money::ZERO, |sum, h| sum.checked_add(h.position.fees))
    }

    /// One market's P&L before fees if closed at `mark`: realised + `mark × qty − cost`.
    pub fn marked_pnl(&self, ticker: &MarketTicker, mark: Price) -> Result<Money, ModelError> {
        self.position(ticker).map_or(Ok(Money::ZERO), |p| p.marked_pnl(mark))
    }

    /// Total unrealised P&L; positions `marks` has no price for count as zero (held at cost).
    pub fn unrealized(&self, marks: impl Fn(&MarketTicker) -> Option<Price>) -> Result<Money, ModelError> {
        self.holdings.iter().try_fold(Money::ZERO, |sum, (ticker, h)| match marks(ticker) {
            Some(mark) => sum.checked_add(unrealized_of(&h.position, mark)?),
            None => Ok(sum),
        })
    }

    /// Total P&L before fees at `marks`: realised + unrealised.
    pub fn total_marked_pnl(&self, marks: impl Fn(&MarketTicker) -> Option<Price>) -> Result<Money, ModelError> {
        self.realized()?.checked_add(self.unrealized(marks)?)
    }

    /// Realised + unrealised − fees at `marks`.
    pub fn net_pnl(&self, marks: impl Fn(&MarketTicker) -> Option<Price>) -> Result<Money, ModelError> {
        self.total_marked_pnl(marks)?.checked_sub(self.fees()?)
    }

    /// A serialisable view of every market and the totals, at `marks`.
    pub fn snapshot(&self, marks: impl Fn(&MarketTicker) -> Option<Price>) -> Result<PortfolioSnapshot, ModelError> {
        let mut markets = Vec::with_capacity(self.holdings.len());
        let (mut realized, mut unrealized, mut fees) = (Money::ZERO, Money::ZERO, Money::ZERO);
        for (ticker, h) in &self.holdings {
            let p = &h.position;
            let mark = marks(ticker);
            let open = mark.map(|m| unrealized_of(p, m)).transpose()?;
            let net = p.realized.checked_add(open.unwrap_or(Money::ZERO))?.checked_sub(p.fees)?;
            realized = realized.checked_add(p.realized)?;
            unrealized = unrealized.checked_add(open.unwrap_or(Money::ZERO))?;
            fees = fees.checked_add(p.fees)?;
            markets.push(MarketPnl {
                ticker: ticker.clone(),
                qty: p.qty,
                cost: p.cost,
                realized: p.realized,
                fees: p.fees,
                mark,
                unrealized: open,
                net,
                fills: h.fills,
                settled: h.settled,
            });
        }
        let net = realized.checked_add(unrealized)?.checked_sub(fees)?;
        Ok(PortfolioSnapshot { markets, realized, unrealized, fees, net })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use kmm_model::OrderId;

    fn p(cents: i64) -> Price {
        Price::from_cents(cents).unwrap()
    }
    fn c(n: i64) -> Qty {
        Qty::from_contracts(n).unwrap()
    }
    fn fill(trade: &str, ticker: &str, side: Side, cents: i64, count: i64, fee_micros: i64) -> Fill {
        Fill {
            trade_id: TradeId::new(trade),
            order_id: OrderId::new("o"),
            ticker: ticker.into(),
            side,
            price: p(cents),
            count: c(count),
            is_taker: false,
            fee: Money::from_micros(fee_micros),
            ts_ms: Some(0),
        }
    }
    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn round_trip_realises_exactly_and_sums_fees() {
        let mut pf = Portfolio::new();
        // Buy 10 @ 43¢ and 5 @ 44¢, sell 15 @ 47¢ (maker fees of a maker-fee series).
        assert!(pf.on_fill(&fill("t1", "A", Side::Bid, 43, 10, 43_200)).unwrap());
        assert!(pf.on_fill(&fill("t2", "A", Side::Bid, 44, 5, 21_600)).unwrap());
        assert_eq!(pf.position(&"A".into()).unwrap().cost, m("6.500000"), "4.30 + 2.20");
        assert!(pf.on_fill(&fill("t3", "A", Side::Ask, 47, 15, 65_500)).unwrap());
        assert_eq!(pf.qty(&"A".into()), Qty::ZERO);
        assert_eq!(pf.realized().unwrap(), m("0.550000"), "15 × 47¢ − 6.50 = 0.55");
        assert_eq!(pf.fees().unwrap(), m("0.130300"));
        assert_eq!(pf.net_pnl(|_| None).unwrap(), m("0.419700"));
    }

    #[test]
    fn average_cost_realises_to_the_micro_dollar() {
        let mut pf = Portfolio::new();
        // 3 @ 41¢ + 4 @ 44¢: cost 1.23 + 1.76 = 2.99 for 7 contracts.
        pf.on_fill(&fill("a", "A", Side::Bid, 41, 3, 0)).unwrap();
        pf.on_fill(&fill("b", "A", Side::Bid, 44, 4, 0)).unwrap();
        // Sell 2 @ 50¢: cost removed = 2.99 × 2/7 = 0.854285 (truncated), proceeds 1.00.
        pf.on_fill(&fill("c", "A", Side::Ask, 50, 2, 0)).unwrap();
        let pos = pf.position(&"A".into()).unwrap();
        assert_eq!(pos.realized, m("0.145715"));
        assert_eq!(pos.cost, m("2.135715"), "cost − realised = net cash paid, 2.99 − 1.00");
        assert_eq!(pos.qty, c(5));
    }

    #[test]
    fn duplicate_fill_is_ignored() {
        let mut pf = Portfolio::new();
        let f = fill("dup", "A", Side::Bid, 40, 10, 5_000);
        assert!(pf.on_fill(&f).unwrap());
        let before = pf.snapshot(|_| None).unwrap();
        assert!(!pf.on_fill(&f).unwrap(), "same trade id again returns false");
        assert_eq!(pf.snapshot(|_| None).unwrap(), before, "and changes nothing");
        assert_eq!(pf.qty(&"A".into()), c(10));
    }

    #[test]
    fn marked_pnl_long_and_short() {
        let mut pf = Portfolio::new();
        pf.on_fill(&fill("1", "LONG", Side::Bid, 40, 10, 10_000)).unwrap();
        pf.on_fill(&fill("2", "SHORT", Side::Ask, 60, 5, 10_000)).unwrap(); // long 5 NO at 40¢
        assert_eq!(pf.marked_pnl(&"LONG".into(), p(45)).unwrap(), m("0.500000"), "10 × +5¢");
        assert_eq!(pf.marked_pnl(&"SHORT".into(), p(45)).unwrap(), m("0.750000"), "YES fell 15¢ on 5 short");
        let marks = |t: &MarketTicker| Some(if t.as_str() == "LONG" { p(45) } else { p(70) });
        assert_eq!(pf.total_marked_pnl(marks).unwrap(), m("0.000000"), "+0.50 and −0.50");
        assert_eq!(pf.net_pnl(marks).unwrap(), m("-0.020000"), "minus 2¢ of fees");
        assert_eq!(pf.unrealized(|_| None).unwrap(), Money::ZERO, "unmarked positions are held at cost");
        let snap = pf.snapshot(marks).unwrap();
        assert_eq!(snap.markets.len(), 2);
        assert_eq!(snap.markets[0].unrealized, Some(m("0.500000")));
        assert_eq!(snap.markets[1].net, m("-0.510000"));
        assert_eq!(snap.net, m("-0.020000"));
        let json = serde_json::to_string(&snap).unwrap();
        assert!(json.contains("\"net\":\"-0.020000\""), "money serialises as exact strings: {json}");
        assert_eq!(serde_json::from_str::<PortfolioSnapshot>(&json).unwrap(), snap);
    }

    #[test]
    fn settlement_pays_a_dollar_per_winning_contract() {
        let mut pf = Portfolio::new();
        pf.on_fill(&fill("1", "Y", Side::Bid, 43, 10, 0)).unwrap(); // 10 YES, paid 4.30
        pf.on_fill(&fill("2", "N", Side::Ask, 70, 4, 0)).unwrap(); // 4 NO at 30¢, paid 1.20
        pf.on_fill(&fill("3", "L", Side::Bid, 20, 3, 0)).unwrap(); // 3 YES, paid 0.60
        assert_eq!(pf.on_settlement(&"Y".into(), Outcome::Yes).unwrap(), m("5.700000"), "10 × $1 − 4.30");
        assert_eq!(pf.on_settlement(&"N".into(), Outcome::No).unwrap(), m("2.800000"), "4 × $1 − 1.20");
        assert_eq!(pf.on_settlement(&"L".into(), Outcome::No).unwrap(), m("-0.600000"), "losing YES pays 0");
        assert_eq!(pf.on_settlement(&"L".into(), Outcome::No).unwrap(), Money::ZERO, "idempotent");
        assert_eq!(pf.on_settlement(&"UNKNOWN".into(), Outcome::Yes).unwrap(), Money::ZERO);
        for ticker in ["Y", "N", "L"] {
            let pos = pf.position(&ticker.into()).unwrap();
            assert_eq!((pos.qty, pos.cost), (Qty::ZERO, Money::ZERO), "{ticker} flat after settlement");
        }
        assert_eq!(pf.realized().unwrap(), m("7.900000"));
        let snap = pf.snapshot(|_| None).unwrap();
        assert_eq!(
            snap.markets.iter().map(|m| m.settled).collect::<Vec<_>>(),
            [Some(Outcome::No), Some(Outcome::No), Some(Outcome::Yes)]
        );
    }

    #[test]
    fn mark_is_mid_or_last_trade() {
        let mut book = OrderBook::new();
        assert_eq!(mark_price(&book, Some(p(30))), Some(p(30)), "empty book → last trade");
        book.apply_snapshot(&[(p(42), c(1))], &[(p(53), c(1))]).unwrap(); // YES ask 47¢
        assert_eq!(mark_price(&book, Some(p(30))), Some(Price::from_units(4_450).unwrap()));
    }
}
