//! Order books over REST: `GET /markets/{ticker}/orderbook` and `GET /markets/orderbooks`.
//!
//! ```json
//! {"orderbook_fp": {"yes_dollars": [["0.4200", "150.00"]], "no_dollars": [["0.5500", "75.00"]]}}
//! ```
//! Both ladders hold **bids** (`yes_dollars` buy YES, `no_dollars` buy NO); every captured
//! payload lists them in ascending price order (best bid last). A missing or `null` ladder reads
//! as empty; both are always emitted (as `[]` when empty), as the SDK requires.

use kmm_model::{MarketTicker, OrderBook, Outcome, Price, Qty};
use serde::{Deserialize, Serialize};

use super::codec::null_as_default;
use crate::error::{Error, Result};

/// One price level: `[price_dollars, count_fp]`.
pub type Level = (Price, Qty);

/// The two bid ladders of a REST order book (the `orderbook_fp` object).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderbookFp {
    /// Bids to buy YES, `[price, count]`, ascending by price.
    #[serde(default, deserialize_with = "null_as_default")]
    pub yes_dollars: Vec<Level>,
    /// Bids to buy NO, `[price, count]`, ascending by price.
    #[serde(default, deserialize_with = "null_as_default")]
    pub no_dollars: Vec<Level>,
}

impl OrderbookFp {
    /// Builds the API shape from a domain book (ascending levels, as Kalshi sends them).
    pub fn from_book(book: &OrderBook) -> Self {
        Self { yes_dollars: book.levels(Outcome::Yes).collect(), no_dollars: book.levels(Outcome::No).collect() }
    }

    /// The ladder of one outcome.
    pub fn ladder(&self, outcome: Outcome) -> &[Level] {
        match outcome {
            Outcome::Yes => &self.yes_dollars,
            Outcome::No => &self.no_dollars,
        }
    }

    /// Best (highest) bid of one ladder with positive size, whatever the list order.
    pub fn best_bid(&self, outcome: Outcome) -> Option<Level> {
        self.ladder(outcome).iter().filter(|(_, q)| q.is_positive()).max_by_key(|(p, _)| *p).copied()
    }

    /// Best ask for an outcome: $1 minus the best bid of the other outcome.
    pub fn best_ask(&self, outcome: Outcome) -> Option<Level> {
        let other = match outcome {
            Outcome::Yes => Outcome::No,
            Outcome::No => Outcome::Yes,
        };
        self.best_bid(other).map(|(p, q)| (p.complement(), q))
    }

    /// The domain book. Fails on a level off the book's $0.001 grid or with a negative size.
    pub fn to_book(&self) -> Result<OrderBook> {
        let mut book = OrderBook::new();
        book.apply_snapshot(&self.yes_dollars, &self.no_dollars).map_err(|e| Error::decode("orderbook", e))?;
        Ok(book)
    }
}

/// `GET /markets/{ticker}/orderbook`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GetOrderbookResponse {
    /// The two ladders.
    pub orderbook_fp: OrderbookFp,
}

impl GetOrderbookResponse {
    /// The domain book.
    pub fn to_book(&self) -> Result<OrderBook> {
        self.orderbook_fp.to_book()
    }
}

/// One market's book in [`GetOrderbooksResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketOrderbook {
    /// The market.
    pub ticker: MarketTicker,
    /// Its two ladders.
    pub orderbook_fp: OrderbookFp,
}

/// `GET /markets/orderbooks?tickers=A&tickers=B`: one entry per requested ticker.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GetOrderbooksResponse {
    /// The books.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orderbooks: Vec<MarketOrderbook>,
}
