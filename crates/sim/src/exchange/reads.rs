//! Queries: markets, books, trades, orders, fills, positions, balances, settlements.

use kmm_model::{ClientOrderId, MarketTicker, OrderId, Position, Qty};

use super::{Exchange, Market};
use crate::accounts::{Balance, FillRecord, Ledger, SettlementRecord};
use crate::error::SimError;
use crate::events::TradeRecord;
use crate::ids::UserId;
use crate::market::MarketInfo;
use crate::matching::BookSnapshot;
use crate::order::{OrderFilter, OrderRecord};

impl Market {
    fn info(&self) -> MarketInfo {
        MarketInfo {
            config: self.config.clone(),
            status: self.status,
            yes_bid: self.book.best_bid(),
            yes_ask: self.book.best_ask(),
            last_price: self.last_price,
            volume: Qty::from_units(self.volume),
            open_interest: Qty::from_units(self.open_interest),
            result: self.result,
            closed_ms: self.closed_ms,
            settled_ms: self.settled_ms,
        }
    }
}

impl Exchange {
    /// One market.
    pub fn market_info(&self, ticker: &MarketTicker) -> Result<MarketInfo, SimError> {
        Ok(self.market(ticker)?.info())
    }

    /// All markets, by ticker.
    pub fn markets(&self) -> Vec<MarketInfo> {
        let mut out: Vec<MarketInfo> = self.markets.values().map(Market::info).collect();
        out.sort_by(|a, b| a.config.ticker.cmp(&b.config.ticker));
        out
    }

    /// The aggregate book in Kalshi's REST form (`yes` = bids, `no` = asks at $1 − price).
    pub fn book_snapshot(&self, ticker: &MarketTicker) -> Result<BookSnapshot, SimError> {
        Ok(self.market(ticker)?.book.snapshot())
    }

    /// A market's trades, oldest first.
    pub fn trades(&self, ticker: &MarketTicker) -> Result<&[TradeRecord], SimError> {
        Ok(&self.market(ticker)?.trades)
    }

    /// One of the user's orders.
    pub fn order(&self, user: &UserId, order_id: &OrderId) -> Result<OrderRecord, SimError> {
        let key = self.user_order_key(user, order_id)?;
        Ok(self.record(key)?.clone())
    }

    /// One of the user's orders by its client order id.
    pub fn order_by_client_id(&self, user: &UserId, client_order_id: &ClientOrderId) -> Result<OrderRecord, SimError> {
        self.user_orders
            .get(user)
            .and_then(|u| u.by_client.get(client_order_id))
            .and_then(|k| self.get_record(*k))
            .cloned()
            .ok_or_else(|| SimError::not_found("order", client_order_id))
    }

    /// The user's orders that pass `filter`, oldest first.
    pub fn orders(&self, user: &UserId, filter: &OrderFilter) -> Result<Vec<OrderRecord>, SimError> {
        let orders = self.user_orders.get(user).ok_or_else(|| SimError::not_found("user", user))?;
        Ok(orders.keys.iter().filter_map(|k| self.get_record(*k)).filter(|o| filter.matches(o)).cloned().collect())
    }

    /// Contracts ahead of a resting order at its price (time priority); zero for an order
    /// that is no longer resting.
    pub fn queue_position(&self, user: &UserId, order_id: &OrderId) -> Result<Qty, SimError> {
        let key = self.user_order_key(user, order_id)?;
        let ticker = &self.record(key)?.ticker;
        Ok(self.market(ticker)?.book.queue_position(key).unwrap_or(Qty::ZERO))
    }

    /// The user's cash.
    pub fn balance(&self, user: &UserId) -> Result<Balance, SimError> {
        self.accounts.balance(user)
    }

    /// The user's position in one market.
    pub fn position(&self, user: &UserId, ticker: &MarketTicker) -> Result<Position, SimError> {
        self.accounts.position(user, ticker)
    }

    /// The user's positions in every market they traded, by ticker.
    pub fn positions(&self, user: &UserId) -> Result<Vec<Position>, SimError> {
        self.accounts.positions(user)
    }

    /// The user's fills, oldest first.
    pub fn fills(&self, user: &UserId) -> Result<&[FillRecord], SimError> {
        self.accounts.fills(user)
    }

    /// The user's settlements, oldest first.
    pub fn settlements(&self, user: &UserId) -> Result<&[SettlementRecord], SimError> {
        self.accounts.settlements(user)
    }

    /// All users, sorted.
    pub fn users(&self) -> Vec<UserId> {
        self.accounts.users().cloned().collect()
    }

    /// Exchange-wide money totals (see [`Ledger::is_balanced`]).
    pub fn ledger(&self) -> Ledger {
        self.accounts.ledger()
    }

    /// Checks every book's internal consistency and that each resting order's record agrees
    /// with the book (for tests and debugging).
    pub fn check_consistency(&self) -> Result<(), String> {
        for market in self.markets.values() {
            market.book.check_consistency()?;
            for resting in market.book.orders() {
                let record = self.get_record(resting.key).ok_or("resting order without a record")?;
                if !record.is_resting() || record.remaining != resting.remaining || record.price != resting.price {
                    return Err(format!("record {record:?} disagrees with the book {resting:?}"));
                }
            }
        }
        let resting_records = self.orders.iter().filter(|o| o.is_resting()).count();
        let on_books: usize = self.markets.values().map(|m| m.book.len()).sum();
        if resting_records != on_books {
            return Err(format!("{resting_records} resting records but {on_books} orders on books"));
        }
        Ok(())
    }
}
