//! Users' cash, collateral, positions, fills and settlements.
//!
//! **Positions** are netted per market as one signed count: YES positive, NO negative
//! (Kalshi's `position_fp`). Every trade has a YES buyer (bid side, +count) and a NO buyer
//! (ask side, −count), so the positions of all users in a market always sum to zero.
//!
//! **Cash** is fully collateralised. A fill moves cash at the trade price: the part of a fill
//! that opens or extends a position costs p per YES contract (bid) or $1 − p per NO contract
//! (ask); the part that closes an existing position pays back the other side's price (a long-YES
//! user selling receives p, a long-NO user buying YES receives $1 − p). The $1 per contract
//! pair that backs open positions is held by the exchange (`escrow` = open interest × $1) and
//! paid out at settlement. Hence, exactly: Σ cash + fees collected + escrow = Σ deposits.
//!
//! **Collateral** for resting orders is locked out of cash: per market, a bid locks p and an
//! ask $1 − p per contract, plus the taker fee at the order price, except for the contracts
//! the current position can close (NO held covers bids, YES held covers asks), which lock
//! nothing. When several orders compete for the same held contracts, the position covers the
//! orders that would lock the least (lowest bids, highest asks) so the lock is never too small.
//! A command that would lock more than the available cash is rejected (`insufficient_balance`).
//! Fees are taken from cash at each fill, rounded up to $0.0001 per fill, so many tiny partial
//! fills can make the per-fill round-ups exceed the reserved fee by a few $0.0001.

use std::collections::{BTreeMap, HashMap};

use kmm_model::{ClientOrderId, EventTicker, FeeSchedule, Fill, MarketTicker, Money, Position, Price, Qty, Side};
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::ids::UserId;
use crate::market::SettlementResult;

/// One of a user's fills, with what the WebSocket `fill` message adds to the model's [`Fill`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillRecord {
    /// The fill.
    pub fill: Fill,
    /// The order's client order id.
    pub client_order_id: Option<ClientOrderId>,
    /// The user's signed position in the market after the fill.
    pub post_position: Qty,
}

/// One user's payout for one settled market (Kalshi's `Settlement`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementRecord {
    /// Market.
    pub ticker: MarketTicker,
    /// Its event.
    pub event_ticker: EventTicker,
    /// Result.
    pub result: SettlementResult,
    /// YES contracts held at settlement.
    pub yes_count: Qty,
    /// What those cost.
    pub yes_total_cost: Money,
    /// NO contracts held at settlement.
    pub no_count: Qty,
    /// What those cost (in NO prices).
    pub no_total_cost: Money,
    /// Payout (Kalshi reports it in cents).
    pub revenue: Money,
    /// Fees paid trading this market.
    pub fee_cost: Money,
    /// Payout per YES contract.
    pub value: Price,
    /// When (Unix ms).
    pub settled_ms: i64,
}

/// A user's cash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// All cash, including the part locked by resting orders.
    pub cash: Money,
    /// Collateral of resting orders.
    pub locked: Money,
    /// `cash − locked`: what new orders can use (Kalshi's `balance`).
    pub available: Money,
}

impl Balance {
    /// Kalshi's integer `balance`: available cash in cents, floored.
    pub fn balance_cents(&self) -> i64 {
        self.available.floor_cents()
    }
}

/// Where all the money is, exchange-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// Everything ever deposited.
    pub deposits: Money,
    /// Users' cash (available + locked).
    pub cash: Money,
    /// Of which locked as collateral.
    pub locked: Money,
    /// Fees collected.
    pub fees_collected: Money,
    /// $1 per outstanding contract pair, held until settlement.
    pub escrow: Money,
}

impl Ledger {
    /// True when no money was created or lost: cash + fees + escrow = deposits.
    pub fn is_balanced(&self) -> bool {
        self.cash.micros() + self.fees_collected.micros() + self.escrow.micros() == self.deposits.micros()
    }
}

/// One user's state in one market: position and the sizes of their resting orders by price.
#[derive(Debug, Clone)]
struct MarketAccount {
    position: Position,
    bids: BTreeMap<Price, i64>,
    asks: BTreeMap<Price, i64>,
    lock: i64,
}

impl MarketAccount {
    fn new(ticker: MarketTicker) -> Self {
        Self { position: Position::flat(ticker), bids: BTreeMap::new(), asks: BTreeMap::new(), lock: 0 }
    }

    fn add_exposure(&mut self, side: Side, price: Price, units: i64) {
        let levels = match side {
            Side::Bid => &mut self.bids,
            Side::Ask => &mut self.asks,
        };
        let entry = levels.entry(price).or_insert(0);
        *entry += units;
        if *entry <= 0 {
            debug_assert!(*entry == 0, "negative exposure at {price}");
            levels.remove(&price);
        }
    }

    /// Collateral the resting orders need given the position (see the module docs).
    fn required_lock(&self, fees: &FeeSchedule) -> Result<i64, SimError> {
        let q = self.position.qty.units();
        let mut total: i64 = 0;
        let mut charge = |cover: &mut i64, price: Price, units: i64, per_contract: Price| -> Result<(), SimError> {
            let covered = (*cover).min(units);
            *cover -= covered;
            let open = units - covered;
            if open > 0 {
                let qty = Qty::from_units(open);
                total += Money::notional(per_contract, qty)?.micros() + fees.fee(qty, price, true)?.micros();
            }
            Ok(())
        };
        let mut no_held = (-q).max(0);
        for (&price, &units) in &self.bids {
            charge(&mut no_held, price, units, price)?;
        }
        let mut yes_held = q.max(0);
        for (&price, &units) in self.asks.iter().rev() {
            charge(&mut yes_held, price, units, price.complement())?;
        }
        Ok(total)
    }
}

/// One user.
#[derive(Debug, Clone, Default)]
struct Account {
    cash: i64,
    locked: i64,
    markets: HashMap<MarketTicker, MarketAccount>,
    fills: Vec<FillRecord>,
    settlements: Vec<SettlementRecord>,
}

impl Account {
    fn market(&mut self, ticker: &MarketTicker) -> &mut MarketAccount {
        self.markets.entry(ticker.clone()).or_insert_with(|| MarketAccount::new(ticker.clone()))
    }

    /// Recomputes one market's lock and the user's total.
    fn relock(&mut self, ticker: &MarketTicker, fees: &FeeSchedule) -> Result<(), SimError> {
        let market = self.market(ticker);
        let new = market.required_lock(fees)?;
        let old = std::mem::replace(&mut market.lock, new);
        self.locked += new - old;
        Ok(())
    }
}

/// All users' accounts.
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    users: BTreeMap<UserId, Account>,
    deposits: i64,
    fees_collected: i64,
}

/// A change of a user's resting exposure: side, price, signed count change.
pub(crate) type ExposureChange = (Side, Price, Qty);

impl Accounts {
    /// No users.
    pub fn new() -> Self {
        Self::default()
    }

    fn account(&self, user: &UserId) -> Result<&Account, SimError> {
        self.users.get(user).ok_or_else(|| SimError::not_found("user", user))
    }

    fn account_mut(&mut self, user: &UserId) -> Result<&mut Account, SimError> {
        self.users.get_mut(user).ok_or_else(|| SimError::not_found("user", user))
    }

    /// True when the user exists.
    pub fn contains(&self, user: &UserId) -> bool {
        self.users.contains_key(user)
    }

    /// Opens an account with a first deposit.
    pub(crate) fn add_user(&mut self, user: UserId, deposit: Money) -> Result<(), SimError> {
        if self.users.contains_key(&user) {
            return Err(SimError::BadRequest(format!("user {user} already exists")));
        }
        self.users.insert(user.clone(), Account::default());
        self.deposit(&user, deposit)
    }

    /// Adds cash (non-negative).
    pub(crate) fn deposit(&mut self, user: &UserId, amount: Money) -> Result<(), SimError> {
        if amount.micros() < 0 {
            return Err(SimError::BadRequest("deposits must not be negative".into()));
        }
        let total = self.deposits.checked_add(amount.micros()).ok_or(SimError::Internal("deposits overflow".into()))?;
        let account = self.account_mut(user)?;
        account.cash += amount.micros();
        self.deposits = total;
        Ok(())
    }

    /// Applies exposure changes for one user in one market. With `check`, a change that
    /// raises the lock beyond the available cash is undone and rejected.
    pub(crate) fn reserve(
        &mut self,
        user: &UserId,
        ticker: &MarketTicker,
        fees: &FeeSchedule,
        changes: &[ExposureChange],
        check: bool,
    ) -> Result<(), SimError> {
        let account = self.account_mut(user)?;
        let available = account.cash - account.locked;
        let before = account.market(ticker).lock;
        let market = account.market(ticker);
        for &(side, price, qty) in changes {
            market.add_exposure(side, price, qty.units());
        }
        let after = match market.required_lock(fees) {
            Ok(after) => after,
            Err(err) => {
                for &(side, price, qty) in changes {
                    market.add_exposure(side, price, -qty.units());
                }
                return Err(err);
            }
        };
        let extra = after - before;
        if check && extra > 0 && extra > available {
            for &(side, price, qty) in changes {
                market.add_exposure(side, price, -qty.units());
            }
            return Err(SimError::InsufficientBalance {
                required: Money::from_micros(extra),
                available: Money::from_micros(available),
            });
        }
        market.lock = after;
        account.locked += extra;
        Ok(())
    }

    /// Books one party's fill: releases the filled exposure at the order's price, moves cash
    /// at the trade price, charges the fee and updates the position. Returns the position and
    /// the fill record (also kept in the user's history).
    pub(crate) fn apply_fill(
        &mut self,
        user: &UserId,
        fees: &FeeSchedule,
        order_price: Price,
        fill: Fill,
        client_order_id: Option<ClientOrderId>,
    ) -> Result<(Position, FillRecord), SimError> {
        let account = self.users.get_mut(user).ok_or_else(|| SimError::not_found("user", user))?;
        let market = account.market(&fill.ticker);
        let (side, price, units) = (fill.side, fill.price, fill.count.units());
        market.add_exposure(side, order_price, -units);
        let q = market.position.qty.units();
        // Cash per contract: opening pays this side's price, closing receives the other side's.
        let (own, other) = match side {
            Side::Bid => (price, price.complement()),
            Side::Ask => (price.complement(), price),
        };
        let closing = match side {
            Side::Bid => units.min((-q).max(0)),
            Side::Ask => units.min(q.max(0)),
        };
        let cash_delta = other.units() * closing - own.units() * (units - closing) - fill.fee.micros();
        market.position.apply(side, price, fill.count, fill.fee)?;
        let position = market.position.clone();
        account.cash += cash_delta;
        account.relock(&fill.ticker, fees)?;
        self.fees_collected += fill.fee.micros();
        let record = FillRecord { fill, client_order_id, post_position: position.qty };
        account.fills.push(record.clone());
        Ok((position, record))
    }

    /// Pays out and zeroes every position in a settled market, in user order.
    pub(crate) fn settle(
        &mut self,
        ticker: &MarketTicker,
        event_ticker: &EventTicker,
        result: SettlementResult,
        fees: &FeeSchedule,
        now_ms: i64,
    ) -> Result<Vec<(UserId, Position, SettlementRecord)>, SimError> {
        let value = result.yes_value();
        let mut out = Vec::new();
        for (user, account) in &mut self.users {
            let Some(market) = account.markets.get_mut(ticker) else { continue };
            let q = market.position.qty.units();
            if q == 0 {
                continue;
            }
            let held = Qty::from_units(q.abs());
            let (payout, record_counts) = if q > 0 {
                (Money::notional(value, held)?, (held, market.position.cost, Qty::ZERO, Money::ZERO))
            } else {
                // A long-NO position's cost in YES terms is minus the YES proceeds; in NO terms
                // it paid $1 per contract less those proceeds.
                let no_cost = Money::notional(Price::ONE, held)?.checked_add(market.position.cost)?;
                (Money::notional(value.complement(), held)?, (Qty::ZERO, Money::ZERO, held, no_cost))
            };
            // Settlement closes the position at the YES value.
            let closing_side = if q > 0 { Side::Ask } else { Side::Bid };
            market.position.apply(closing_side, value, held, Money::ZERO)?;
            let position = market.position.clone();
            account.cash += payout.micros();
            account.relock(ticker, fees)?;
            let (yes_count, yes_total_cost, no_count, no_total_cost) = record_counts;
            let record = SettlementRecord {
                ticker: ticker.clone(),
                event_ticker: event_ticker.clone(),
                result,
                yes_count,
                yes_total_cost,
                no_count,
                no_total_cost,
                revenue: payout,
                fee_cost: position.fees,
                value,
                settled_ms: now_ms,
            };
            account.settlements.push(record.clone());
            out.push((user.clone(), position, record));
        }
        Ok(out)
    }

    /// A user's cash.
    pub fn balance(&self, user: &UserId) -> Result<Balance, SimError> {
        let a = self.account(user)?;
        Ok(Balance {
            cash: Money::from_micros(a.cash),
            locked: Money::from_micros(a.locked),
            available: Money::from_micros(a.cash - a.locked),
        })
    }

    /// A user's position in one market (flat if they never traded it).
    pub fn position(&self, user: &UserId, ticker: &MarketTicker) -> Result<Position, SimError> {
        let a = self.account(user)?;
        Ok(a.markets.get(ticker).map_or_else(|| Position::flat(ticker.clone()), |m| m.position.clone()))
    }

    /// A user's positions in every market they traded, by ticker.
    pub fn positions(&self, user: &UserId) -> Result<Vec<Position>, SimError> {
        let mut out: Vec<Position> = self.account(user)?.markets.values().map(|m| m.position.clone()).collect();
        out.sort_by(|a, b| a.ticker.cmp(&b.ticker));
        Ok(out)
    }

    /// A user's fills, oldest first.
    pub fn fills(&self, user: &UserId) -> Result<&[FillRecord], SimError> {
        Ok(&self.account(user)?.fills)
    }

    /// A user's settlements, oldest first.
    pub fn settlements(&self, user: &UserId) -> Result<&[SettlementRecord], SimError> {
        Ok(&self.account(user)?.settlements)
    }

    /// Users, sorted.
    pub fn users(&self) -> impl Iterator<Item = &UserId> {
        self.users.keys()
    }

    /// Exchange-wide totals; `escrow` counts $1 per contract of every long-YES position.
    pub fn ledger(&self) -> Ledger {
        let mut cash = 0;
        let mut locked = 0;
        let mut open_yes = 0;
        for a in self.users.values() {
            cash += a.cash;
            locked += a.locked;
            open_yes += a.markets.values().map(|m| m.position.qty.units().max(0)).sum::<i64>();
        }
        Ledger {
            deposits: Money::from_micros(self.deposits),
            cash: Money::from_micros(cash),
            locked: Money::from_micros(locked),
            fees_collected: Money::from_micros(self.fees_collected),
            escrow: Money::from_micros(open_yes * Price::ONE.units()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use kmm_model::{FeeType, OrderId, TradeId};

    fn c(n: i64) -> Qty {
        Qty::from_contracts(n).unwrap()
    }
    fn p(cents: i64) -> Price {
        Price::from_cents(cents).unwrap()
    }
    fn dollars(n: i64) -> Money {
        Money::from_cents(n * 100).unwrap()
    }
    const NO_FEES: FeeSchedule = FeeSchedule { fee_type: FeeType::Quadratic, multiplier_ppm: 0 };

    fn setup() -> (Accounts, UserId, MarketTicker) {
        let mut accounts = Accounts::new();
        let user = UserId::new("u");
        accounts.add_user(user.clone(), dollars(10)).unwrap();
        (accounts, user, MarketTicker::new("T"))
    }

    fn fill(ticker: &MarketTicker, side: Side, cents: i64, n: i64) -> Fill {
        Fill {
            trade_id: TradeId::new("t"),
            order_id: OrderId::new("o"),
            ticker: ticker.clone(),
            side,
            price: p(cents),
            count: c(n),
            is_taker: true,
            fee: Money::ZERO,
            ts_ms: Some(0),
        }
    }

    /// Reserves and fills an order of `user` (as a resting order would be).
    fn trade(accounts: &mut Accounts, user: &UserId, t: &MarketTicker, side: Side, cents: i64, n: i64) {
        accounts.reserve(user, t, &NO_FEES, &[(side, p(cents), c(n))], true).unwrap();
        accounts.apply_fill(user, &NO_FEES, p(cents), fill(t, side, cents, n), None).unwrap();
    }

    #[test]
    fn bid_locks_price_ask_locks_complement_plus_taker_fee() {
        let (mut accounts, user, t) = setup();
        accounts.reserve(&user, &t, &NO_FEES, &[(Side::Bid, p(40), c(10))], true).unwrap();
        assert_eq!(accounts.balance(&user).unwrap().locked, dollars(4));
        accounts.reserve(&user, &t, &NO_FEES, &[(Side::Ask, p(70), c(10))], true).unwrap();
        assert_eq!(accounts.balance(&user).unwrap().locked, dollars(7), "ask at 70 locks 30¢ each");
        let err = accounts.reserve(&user, &t, &NO_FEES, &[(Side::Bid, p(40), c(8))], true).unwrap_err();
        assert_eq!(err.code(), "insufficient_balance", "$3.20 more needed, $3 available");
        assert_eq!(accounts.balance(&user).unwrap().locked, dollars(7), "a rejected reserve changes nothing");
        let fees = FeeSchedule::default();
        let (mut accounts, user, t) = setup();
        accounts.reserve(&user, &t, &fees, &[(Side::Bid, p(50), c(10))], true).unwrap();
        assert_eq!(accounts.balance(&user).unwrap().locked.to_string(), "5.175000", "taker fee 17.5¢ reserved");
    }

    #[test]
    fn held_contracts_cover_closing_orders() {
        let (mut accounts, user, t) = setup();
        accounts.reserve(&user, &t, &NO_FEES, &[(Side::Bid, p(40), c(10))], true).unwrap();
        accounts.apply_fill(&user, &NO_FEES, p(40), fill(&t, Side::Bid, 40, 10), None).unwrap();
        let balance = accounts.balance(&user).unwrap();
        assert_eq!((balance.cash, balance.locked), (dollars(6), Money::ZERO));
        // Long 10 YES: an ask for 10 needs no collateral, the 11th contract needs 1 − p.
        accounts.reserve(&user, &t, &NO_FEES, &[(Side::Ask, p(60), c(10))], true).unwrap();
        assert_eq!(accounts.balance(&user).unwrap().locked, Money::ZERO);
        accounts.reserve(&user, &t, &NO_FEES, &[(Side::Ask, p(90), c(5))], true).unwrap();
        assert_eq!(accounts.balance(&user).unwrap().locked, dollars(2), "5 uncovered asks at 60 lock 40¢ each");
        // Selling the held contracts returns p each.
        accounts.apply_fill(&user, &NO_FEES, p(60), fill(&t, Side::Ask, 60, 10), None).unwrap();
        let balance = accounts.balance(&user).unwrap();
        assert_eq!(balance.cash, dollars(12));
        assert_eq!(balance.locked.to_string(), "0.500000", "now the ask at 90 is uncovered: 5 × 10¢");
        assert_eq!(accounts.position(&user, &t).unwrap().realized, dollars(2));
    }

    #[test]
    fn settlement_pays_winners_and_zeroes() {
        let mut accounts = Accounts::new();
        let (yes, no) = (UserId::new("yes"), UserId::new("no"));
        accounts.add_user(yes.clone(), dollars(10)).unwrap();
        accounts.add_user(no.clone(), dollars(10)).unwrap();
        let t = MarketTicker::new("T");
        trade(&mut accounts, &yes, &t, Side::Bid, 30, 10);
        trade(&mut accounts, &no, &t, Side::Ask, 30, 10);
        let ledger = accounts.ledger();
        assert_eq!(ledger.escrow, dollars(10));
        assert!(ledger.is_balanced());
        let paid = accounts.settle(&t, &EventTicker::new("E"), SettlementResult::No, &NO_FEES, 5).unwrap();
        assert_eq!(paid.len(), 2);
        assert_eq!(accounts.balance(&yes).unwrap().cash, dollars(7));
        assert_eq!(accounts.balance(&no).unwrap().cash, dollars(13));
        let record = &accounts.settlements(&no).unwrap()[0];
        assert_eq!((record.no_count, record.no_total_cost, record.revenue), (c(10), dollars(7), dollars(10)));
        assert_eq!(accounts.position(&no, &t).unwrap().realized, dollars(3));
        assert_eq!(accounts.ledger().escrow, Money::ZERO);
        assert!(accounts.ledger().is_balanced());
    }

    #[test]
    fn scalar_settlement_splits_the_dollar() {
        let mut accounts = Accounts::new();
        let (a, b) = (UserId::new("a"), UserId::new("b"));
        accounts.add_user(a.clone(), dollars(10)).unwrap();
        accounts.add_user(b.clone(), dollars(10)).unwrap();
        let t = MarketTicker::new("T");
        trade(&mut accounts, &a, &t, Side::Bid, 50, 4);
        trade(&mut accounts, &b, &t, Side::Ask, 50, 4);
        accounts.settle(&t, &EventTicker::new("E"), SettlementResult::Scalar(p(25)), &NO_FEES, 0).unwrap();
        assert_eq!(accounts.balance(&a).unwrap().cash, dollars(9), "8 + 4 × 25¢");
        assert_eq!(accounts.balance(&b).unwrap().cash, dollars(11), "8 + 4 × 75¢");
        assert!(accounts.ledger().is_balanced());
    }
}
