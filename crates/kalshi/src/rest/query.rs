//! Query parameters of the list endpoints. Unset fields are not sent.

use kmm_model::{EventTicker, MarketTicker, OrderId, OrderStatus, SeriesTicker};

use super::client::Call;

/// Status filter of `GET /markets` and `GET /events` (differs from `Market.status` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketFilter {
    /// Not yet open.
    Unopened,
    /// Open for trading.
    Open,
    /// Closed, not settled.
    Closed,
    /// Settled.
    Settled,
}

impl MarketFilter {
    fn as_str(self) -> &'static str {
        match self {
            MarketFilter::Unopened => "unopened",
            MarketFilter::Open => "open",
            MarketFilter::Closed => "closed",
            MarketFilter::Settled => "settled",
        }
    }
}

/// `GET /markets` filters.
#[derive(Debug, Clone, Default)]
pub struct MarketsQuery {
    /// Page size (1–1000).
    pub limit: Option<u32>,
    /// Page token from the previous page.
    pub cursor: Option<String>,
    /// Only this event's markets.
    pub event_ticker: Option<EventTicker>,
    /// Only this series' markets.
    pub series_ticker: Option<SeriesTicker>,
    /// Only markets in this state.
    pub status: Option<MarketFilter>,
    /// Only these markets.
    pub tickers: Vec<MarketTicker>,
}

impl MarketsQuery {
    pub(crate) fn apply(&self, call: Call) -> Call {
        let tickers = (!self.tickers.is_empty()).then(|| join(&self.tickers));
        call.query_opt("limit", self.limit)
            .query_opt("cursor", self.cursor.as_deref())
            .query_opt("event_ticker", self.event_ticker.as_ref())
            .query_opt("series_ticker", self.series_ticker.as_ref())
            .query_opt("status", self.status.map(MarketFilter::as_str))
            .query_opt("tickers", tickers)
    }
}

/// `GET /events` filters.
#[derive(Debug, Clone, Default)]
pub struct EventsQuery {
    /// Page size (1–200).
    pub limit: Option<u32>,
    /// Page token.
    pub cursor: Option<String>,
    /// Only this series' events.
    pub series_ticker: Option<SeriesTicker>,
    /// Only events in this state.
    pub status: Option<MarketFilter>,
    /// Include each event's markets.
    pub with_nested_markets: bool,
}

impl EventsQuery {
    pub(crate) fn apply(&self, call: Call) -> Call {
        call.query_opt("limit", self.limit)
            .query_opt("cursor", self.cursor.as_deref())
            .query_opt("series_ticker", self.series_ticker.as_ref())
            .query_opt("status", self.status.map(MarketFilter::as_str))
            .query_opt("with_nested_markets", self.with_nested_markets.then_some("true"))
    }
}

/// `GET /portfolio/orders` filters.
#[derive(Debug, Clone, Default)]
pub struct OrdersQuery {
    /// Only this market's orders.
    pub ticker: Option<MarketTicker>,
    /// Only orders in this state.
    pub status: Option<OrderStatus>,
    /// Page size (1–1000).
    pub limit: Option<u32>,
    /// Page token.
    pub cursor: Option<String>,
    /// Updated at or after (Unix seconds).
    pub min_ts: Option<i64>,
}

impl OrdersQuery {
    pub(crate) fn apply(&self, call: Call) -> Call {
        let status = self.status.map(|s| match s {
            OrderStatus::Resting => "resting",
            OrderStatus::Canceled => "canceled",
            OrderStatus::Executed => "executed",
        });
        call.query_opt("ticker", self.ticker.as_ref())
            .query_opt("status", status)
            .query_opt("limit", self.limit)
            .query_opt("cursor", self.cursor.as_deref())
            .query_opt("min_ts", self.min_ts)
    }
}

/// `GET /portfolio/fills` filters.
#[derive(Debug, Clone, Default)]
pub struct FillsQuery {
    /// Only these markets.
    pub tickers: Vec<MarketTicker>,
    /// Only this order's fills.
    pub order_id: Option<OrderId>,
    /// At or after (Unix seconds).
    pub min_ts: Option<i64>,
    /// Before (Unix seconds).
    pub max_ts: Option<i64>,
    /// Page size (1–1000).
    pub limit: Option<u32>,
    /// Page token.
    pub cursor: Option<String>,
}

impl FillsQuery {
    pub(crate) fn apply(&self, call: Call) -> Call {
        let tickers = (!self.tickers.is_empty()).then(|| join(&self.tickers));
        call.query_opt("ticker", tickers)
            .query_opt("order_id", self.order_id.as_ref())
            .query_opt("min_ts", self.min_ts)
            .query_opt("max_ts", self.max_ts)
            .query_opt("limit", self.limit)
            .query_opt("cursor", self.cursor.as_deref())
    }
}

/// `GET /portfolio/positions` and `GET /portfolio/settlements` filters.
#[derive(Debug, Clone, Default)]
pub struct PortfolioQuery {
    /// Only this market.
    pub ticker: Option<MarketTicker>,
    /// Only this event.
    pub event_ticker: Option<EventTicker>,
    /// Page size (1–1000).
    pub limit: Option<u32>,
    /// Page token.
    pub cursor: Option<String>,
}

impl PortfolioQuery {
    pub(crate) fn apply(&self, call: Call) -> Call {
        call.query_opt("ticker", self.ticker.as_ref())
            .query_opt("event_ticker", self.event_ticker.as_ref())
            .query_opt("limit", self.limit)
            .query_opt("cursor", self.cursor.as_deref())
    }
}

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(",")
}
