//! The exchange port: the order and portfolio calls the engine makes, over the Kalshi REST
//! client, in model types, with every failure classified by what it means for our books.
//!
//! The classification is the point: a `Rejected` order was definitely not placed, while an
//! `Unknown` outcome (timeout, 5xx, dropped connection) might have been, and the order tracker
//! must resolve it by client order id before it acts on that side again.

use kmm_kalshi::rest::{FillsQuery, MarketFilter, MarketsQuery, OrdersQuery, PortfolioQuery};
use kmm_kalshi::wire::{AmendOrderV2Request, CreateOrderV2Request, Market};
use kmm_kalshi::{Error as KalshiError, RestClient};
use kmm_model::{
    ClientOrderId, Fill, MarketTicker, Money, Order, OrderBook, OrderId, OrderStatus, Position, Price, Qty, Side,
};

/// What a failed exchange call means.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VenueError {
    /// The exchange refused the request; nothing changed there.
    #[error("rejected ({code}): {message}")]
    Rejected {
        /// Kalshi's error code, e.g. `post_only_cross`.
        code: String,
        /// Its message.
        message: String,
    },
    /// The request may or may not have taken effect (timeout, 5xx, transport failure).
    #[error("outcome unknown: {0}")]
    Unknown(String),
    /// Rate limited; nothing changed.
    #[error("rate limited")]
    RateLimited,
    /// The key was refused.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// A response could not be understood, or the call was malformed.
    #[error("{0}")]
    Other(String),
}

impl From<KalshiError> for VenueError {
    fn from(error: KalshiError) -> Self {
        match error {
            KalshiError::Api { status, code, message, .. } if status < 500 => VenueError::Rejected { code, message },
            KalshiError::Api { status, message, .. } => VenueError::Unknown(format!("HTTP {status}: {message}")),
            KalshiError::RateLimited { .. } => VenueError::RateLimited,
            KalshiError::Auth { message, .. } => VenueError::Auth(message),
            KalshiError::Transport(m) | KalshiError::WebSocket(m) => VenueError::Unknown(m),
            other => VenueError::Other(other.to_string()),
        }
    }
}

/// An order the engine places: always a GTC limit, post-only when quoting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Our id (the key that survives a lost acknowledgement).
    pub client_order_id: ClientOrderId,
    /// Market.
    pub ticker: MarketTicker,
    /// Bid or ask.
    pub side: Side,
    /// YES price.
    pub price: Price,
    /// Count.
    pub count: Qty,
    /// Reject instead of crossing.
    pub post_only: bool,
}

/// The exchange's acknowledgement of a new order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderAck {
    /// The exchange's id.
    pub order_id: OrderId,
    /// Filled on arrival.
    pub filled: Qty,
    /// Left resting.
    pub remaining: Qty,
}

/// A tradable market as the engine needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketMeta {
    /// Ticker.
    pub ticker: MarketTicker,
    /// Title for the UI.
    pub title: String,
    /// Close time (Unix ms), when known.
    pub close_time_ms: Option<i64>,
    /// Smallest price step.
    pub tick: Price,
    /// YES ask minus YES bid when both exist (used to pick markets).
    pub spread: Option<Price>,
}

impl MarketMeta {
    fn from_wire(market: &Market) -> Self {
        let tick =
            market.price_ranges.iter().map(|r| r.step).min().unwrap_or(Price::from_units(100).unwrap_or_default());
        let close_time_ms =
            time::OffsetDateTime::parse(&market.close_time, &time::format_description::well_known::Rfc3339)
                .ok()
                .and_then(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok());
        let title = market.title.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| market.yes_sub_title.clone());
        let spread = (market.yes_bid_dollars.is_tradable() && market.yes_ask_dollars.is_tradable())
            .then(|| Price::from_units(market.yes_ask_dollars.units() - market.yes_bid_dollars.units()).ok())
            .flatten();
        Self { ticker: market.ticker.clone(), title, close_time_ms, tick, spread }
    }
}

/// The live venue: Kalshi (or the simulator) over REST.
#[derive(Debug, Clone)]
pub struct LiveVenue {
    rest: RestClient,
}

impl LiveVenue {
    /// A venue over a configured client.
    pub fn new(rest: RestClient) -> Self {
        Self { rest }
    }

    /// The underlying client.
    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    /// Places a GTC limit order.
    pub async fn place(&self, order: &NewOrder) -> Result<OrderAck, VenueError> {
        let mut request = CreateOrderV2Request::limit(order.ticker.clone(), order.side, order.price, order.count);
        request.client_order_id = Some(order.client_order_id.clone());
        request.post_only = order.post_only.then_some(true);
        let ack = self.rest.create_order(&request).await?;
        Ok(OrderAck { order_id: ack.order_id, filled: ack.fill_count, remaining: ack.remaining_count })
    }

    /// Changes a resting order's price and total count (filled + remaining).
    pub async fn amend(
        &self,
        order_id: &OrderId,
        ticker: &MarketTicker,
        side: Side,
        price: Price,
        total: Qty,
    ) -> Result<(), VenueError> {
        let request = AmendOrderV2Request {
            ticker: ticker.clone(),
            side,
            price,
            count: total,
            client_order_id: None,
            updated_client_order_id: None,
            expiration_time: None,
            exchange_index: None,
        };
        self.rest.amend_order(order_id, &request).await?;
        Ok(())
    }

    /// Cancels an order; returns the count removed (zero when it was already gone).
    pub async fn cancel(&self, order_id: &OrderId) -> Result<Qty, VenueError> {
        Ok(self.rest.cancel_order(order_id).await?.reduced_by)
    }

    /// Cancels every resting order of the account.
    pub async fn cancel_all(&self) -> Result<(), VenueError> {
        Ok(self.rest.cancel_all_orders().await?)
    }

    /// Resting orders, all markets or one.
    pub async fn open_orders(&self, ticker: Option<&MarketTicker>) -> Result<Vec<Order>, VenueError> {
        let query = OrdersQuery {
            ticker: ticker.cloned(),
            status: Some(OrderStatus::Resting),
            limit: Some(1_000),
            ..Default::default()
        };
        let orders = self.rest.orders_all(&query).await?;
        orders.iter().map(|o| o.to_model().map_err(|e| VenueError::Other(e.to_string()))).collect()
    }

    /// Every order (any status) updated at or after `since_s` (Unix seconds): resolves creates
    /// whose outcome was unknown, including ones that filled or were canceled since.
    pub async fn orders_since(&self, since_s: i64) -> Result<Vec<Order>, VenueError> {
        let query = OrdersQuery { min_ts: Some(since_s), limit: Some(1_000), ..Default::default() };
        let orders = self.rest.orders_all(&query).await?;
        orders.iter().map(|o| o.to_model().map_err(|e| VenueError::Other(e.to_string()))).collect()
    }

    /// Positions the exchange reports.
    pub async fn positions(&self) -> Result<Vec<Position>, VenueError> {
        let response = self.rest.positions(&PortfolioQuery { limit: Some(1_000), ..Default::default() }).await?;
        response.market_positions.iter().map(|p| p.to_model().map_err(|e| VenueError::Other(e.to_string()))).collect()
    }

    /// Our fills since `since_s` (Unix seconds), every page.
    pub async fn fills_since(&self, since_s: i64) -> Result<Vec<Fill>, VenueError> {
        let mut query = FillsQuery { min_ts: Some(since_s), limit: Some(1_000), ..Default::default() };
        let mut fills = Vec::new();
        loop {
            let page = self.rest.fills(&query).await?;
            for fill in &page.fills {
                fills.push(fill.to_model().map_err(|e| VenueError::Other(e.to_string()))?);
            }
            if page.cursor.is_empty() || query.cursor.as_deref() == Some(page.cursor.as_str()) {
                return Ok(fills);
            }
            query.cursor = Some(page.cursor);
        }
    }

    /// The exchange's book of a market.
    pub async fn orderbook(&self, ticker: &MarketTicker) -> Result<OrderBook, VenueError> {
        let response = self.rest.orderbook(ticker, None).await?;
        response.orderbook_fp.to_book().map_err(|e| VenueError::Other(e.to_string()))
    }

    /// Open markets (every page).
    pub async fn open_markets(&self) -> Result<Vec<MarketMeta>, VenueError> {
        let query = MarketsQuery { status: Some(MarketFilter::Open), limit: Some(1_000), ..Default::default() };
        Ok(self.rest.markets_all(&query).await?.iter().map(MarketMeta::from_wire).collect())
    }

    /// One market.
    pub async fn market(&self, ticker: &MarketTicker) -> Result<MarketMeta, VenueError> {
        Ok(MarketMeta::from_wire(&self.rest.market(ticker).await?))
    }

    /// Available cash.
    pub async fn balance(&self) -> Result<Money, VenueError> {
        let balance = self.rest.balance().await?;
        Money::from_cents(balance.balance).map_err(|e| VenueError::Other(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn failures_are_classified_by_what_they_mean() {
        let api =
            |status| KalshiError::Api { status, code: "post_only_cross".into(), message: "m".into(), details: None };
        assert!(matches!(VenueError::from(api(400)), VenueError::Rejected { .. }), "4xx: definitely not placed");
        assert!(matches!(VenueError::from(api(503)), VenueError::Unknown(_)), "5xx: may have been placed");
        assert!(matches!(VenueError::from(KalshiError::Transport("timed out".into())), VenueError::Unknown(_)));
        assert_eq!(
            VenueError::from(KalshiError::RateLimited { retry_after: Some(Duration::ZERO) }),
            VenueError::RateLimited
        );
        assert!(matches!(
            VenueError::from(KalshiError::Auth { status: 401, message: "bad".into() }),
            VenueError::Auth(_)
        ));
    }
}
