//! The vocabulary shared by quoting, risk and order tracking: what the engine wants on the
//! book, and the order actions that get it there.

use kmm_model::{ClientOrderId, MarketTicker, OrderId, Price, Qty, Side};

/// One order the strategy wants resting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Market.
    pub ticker: MarketTicker,
    /// Bid (buy YES) or ask (sell YES).
    pub side: Side,
    /// YES price.
    pub price: Price,
    /// Size.
    pub size: Qty,
}

/// An order action the engine will send, after risk approves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderAction {
    /// Place a new post-only GTC order.
    Place {
        /// Our id for it.
        client_order_id: ClientOrderId,
        /// What to place.
        quote: Quote,
    },
    /// Change a resting order's price and/or total size.
    Amend {
        /// The exchange's id.
        order_id: OrderId,
        /// Our id.
        client_order_id: ClientOrderId,
        /// The order's new state (size = new remaining).
        quote: Quote,
    },
    /// Cancel a resting order.
    Cancel {
        /// The exchange's id.
        order_id: OrderId,
        /// Market (for logs and risk).
        ticker: MarketTicker,
    },
}

impl OrderAction {
    /// The market the action touches.
    pub fn ticker(&self) -> &MarketTicker {
        match self {
            OrderAction::Place { quote, .. } | OrderAction::Amend { quote, .. } => &quote.ticker,
            OrderAction::Cancel { ticker, .. } => ticker,
        }
    }

    /// True for actions that can add exposure (everything but a cancel).
    pub fn adds_exposure(&self) -> bool {
        !matches!(self, OrderAction::Cancel { .. })
    }
}
