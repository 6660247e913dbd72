//! Exchange events and state encoded as Kalshi's WebSocket payloads, using `kmm-kalshi`'s
//! frame types so the simulator emits exactly the shapes the client (and Kalshi) use.

use std::time::{SystemTime, UNIX_EPOCH};

use kmm_kalshi::ws::messages::{
    Action, MarketLifecycle, MarketPosition, OrderbookDelta, OrderbookSnapshot, Ticker, Timestamp, Trade, UserOrder,
};
use kmm_model::{ClientOrderId, MarketTicker, Money, OrderStatus, Outcome, Position, Price, Qty};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::accounts::FillRecord;
use crate::events::{GroupChange, TradeRecord};
use crate::ids::OrderGroupId;
use crate::market::{MarketInfo, MarketStatus, SettlementResult};
use crate::matching::BookSnapshot;
use crate::order::OrderRecord;

/// Microseconds since the Unix epoch, from the system clock.
pub(super) fn now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

/// RFC 3339 in UTC with the sub-second part trimmed of trailing zeros, as Kalshi (Go's
/// `RFC3339Nano`) writes `orderbook_delta.ts`: `2026-08-07T06:46:28.97871Z`.
pub(super) fn rfc3339_micros(us: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// FNV-1a over `bytes`, from `seed`.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// A market's UUID (`market_id` in WebSocket frames): the simulator has no market ids, so it
/// derives a stable, UUID-v4-shaped one from the ticker (same ticker, same id, every run).
pub fn market_id(ticker: &MarketTicker) -> String {
    let bytes = ticker.as_str().as_bytes();
    let hi = fnv1a(0xcbf2_9ce4_8422_2325, bytes);
    let lo = fnv1a(0x6c62_272e_07bb_0142, bytes);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        0x8000 | ((lo >> 48) & 0x3fff),
        lo & 0xffff_ffff_ffff
    )
}

/// `orderbook_snapshot.msg`: levels ascending, a side absent when empty.
pub(super) fn snapshot(ticker: &MarketTicker, book: &BookSnapshot) -> OrderbookSnapshot {
    OrderbookSnapshot {
        market_ticker: ticker.clone(),
        market_id: Some(market_id(ticker)),
        yes_dollars_fp: (!book.yes.is_empty()).then(|| book.yes.clone()),
        no_dollars_fp: (!book.no.is_empty()).then(|| book.no.clone()),
    }
}

/// `orderbook_delta.msg`. `own` is `Some(client_order_id)` when the receiving user's own order
/// caused the change: only then are `client_order_id` (if the order has one) and `subaccount`
/// shown.
pub(super) fn delta(
    ticker: &MarketTicker,
    outcome: Outcome,
    price: Price,
    delta: Qty,
    own: Option<Option<&ClientOrderId>>,
    now_us: i64,
) -> OrderbookDelta {
    OrderbookDelta {
        market_ticker: ticker.clone(),
        market_id: Some(market_id(ticker)),
        price_dollars: price,
        delta_fp: delta,
        side: outcome,
        ts: Some(Timestamp::Text(rfc3339_micros(now_us))),
        ts_ms: Some(now_us.div_euclid(1_000)),
        client_order_id: own.flatten().cloned(),
        subaccount: own.map(|_| 0),
    }
}

/// `fill.msg`, shaped like the captured fills: `side` is the **taker's** outcome, `purchased_side`
/// (= `outcome_side`) what this user bought, `book_side` this user's order side, and `action`
/// `buy` when the two sides agree, else `sell` (selling the taker's side is buying the other).
pub(super) fn fill(record: &FillRecord) -> kmm_kalshi::ws::messages::Fill {
    let f = &record.fill;
    let taker_side = if f.is_taker { f.side } else { f.side.opposite() };
    let purchased = f.side.outcome();
    let side = taker_side.outcome();
    let ts_ms = f.ts_ms.unwrap_or_default();
    kmm_kalshi::ws::messages::Fill {
        trade_id: f.trade_id.clone(),
        order_id: f.order_id.clone(),
        client_order_id: record.client_order_id.clone(),
        market_ticker: f.ticker.clone(),
        is_taker: f.is_taker,
        side: Some(side),
        ts: Some(Timestamp::Unix(ts_ms.div_euclid(1_000))),
        ts_ms: Some(ts_ms),
        yes_price_dollars: f.price,
        no_price_dollars: None,
        count_fp: f.count,
        fee_cost: Some(f.fee),
        action: Some(if side == purchased { Action::Buy } else { Action::Sell }),
        post_position_fp: Some(record.post_position),
        purchased_side: Some(purchased),
        outcome_side: Some(purchased),
        book_side: Some(f.side),
        subaccount: Some(0),
        exchange_index: None,
    }
}

/// `trade.msg`.
pub(super) fn trade(t: &TradeRecord) -> Trade {
    Trade {
        trade_id: t.trade_id.clone(),
        market_ticker: t.ticker.clone(),
        yes_price_dollars: t.price,
        no_price_dollars: Some(t.price.complement()),
        count_fp: t.count,
        taker_side: Some(t.taker_side.outcome()),
        taker_outcome_side: Some(t.taker_side.outcome()),
        taker_book_side: Some(t.taker_side),
        is_block_trade: Some(false),
        ts: Some(Timestamp::Unix(t.ts_ms.div_euclid(1_000))),
        ts_ms: Some(t.ts_ms),
    }
}

/// What a `ticker` frame reports, to send one only when something changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TickerState {
    bid: Option<(Price, Qty)>,
    ask: Option<(Price, Qty)>,
    last: Option<Price>,
    volume: Qty,
    open_interest: Qty,
}

impl TickerState {
    /// The ticker state of a market.
    pub(super) fn of(info: &MarketInfo) -> Self {
        Self {
            bid: info.yes_bid,
            ask: info.yes_ask,
            last: info.last_price,
            volume: info.volume,
            open_interest: info.open_interest,
        }
    }
}

/// `ticker.msg`: an empty bid shows as $0 and an empty ask as $1, with size 0.
pub(super) fn ticker(info: &MarketInfo, last_trade_size: Option<Qty>, now_us: i64) -> Ticker {
    let ticker = &info.config.ticker;
    let (bid, bid_size) = info.yes_bid.unwrap_or((Price::ZERO, Qty::ZERO));
    let (ask, ask_size) = info.yes_ask.unwrap_or((Price::ONE, Qty::ZERO));
    let ms = now_us.div_euclid(1_000);
    Ticker {
        market_ticker: ticker.clone(),
        market_id: Some(market_id(ticker)),
        price_dollars: Some(info.last_price.unwrap_or(Price::ZERO)),
        yes_bid_dollars: Some(bid),
        yes_ask_dollars: Some(ask),
        yes_bid_size_fp: Some(bid_size),
        yes_ask_size_fp: Some(ask_size),
        last_trade_size_fp: Some(last_trade_size.unwrap_or(Qty::ZERO)),
        volume_fp: Some(info.volume),
        open_interest_fp: Some(info.open_interest),
        dollar_volume: None,
        dollar_open_interest: None,
        ts: Some(Timestamp::Unix(ms.div_euclid(1_000))),
        ts_ms: Some(ms),
        time: Some(rfc3339_micros(now_us)),
    }
}

/// `market_position.msg`. `position_cost_dollars` is what the open contracts cost in their own
/// outcome's price (a NO position's cost in NO prices), never negative.
pub(super) fn position(user: &str, p: &Position) -> MarketPosition {
    let qty = p.qty.units();
    let cost = if qty >= 0 {
        p.cost
    } else {
        // YES-terms cost of a short-YES position is minus the proceeds; the NO holder paid $1 − p.
        Money::from_micros((-qty).saturating_mul(Price::SCALE).saturating_add(p.cost.micros()))
    };
    MarketPosition {
        user_id: Some(user.to_owned()),
        market_ticker: p.ticker.clone(),
        position_fp: p.qty,
        position_cost_dollars: Some(cost),
        realized_pnl_dollars: Some(p.realized),
        fees_paid_dollars: Some(p.fees),
        position_fee_cost_dollars: None,
        volume_fp: None,
        subaccount: None,
    }
}

fn status_str(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Resting => "resting",
        OrderStatus::Canceled => "canceled",
        OrderStatus::Executed => "executed",
    }
}

/// `user_order.msg`.
pub(super) fn user_order(o: &OrderRecord) -> UserOrder {
    UserOrder {
        order_id: o.order_id.clone(),
        ticker: Some(o.ticker.clone()),
        market_ticker: None,
        status: Some(status_str(o.status).to_owned()),
        outcome_side: Some(o.side.outcome()),
        book_side: Some(o.side),
        yes_price_dollars: Some(o.price),
        fill_count_fp: Some(o.filled),
        remaining_count_fp: Some(o.remaining),
        initial_count_fp: Some(o.initial),
        taker_fill_cost_dollars: Some(o.taker_fill_cost),
        maker_fill_cost_dollars: Some(o.maker_fill_cost),
        taker_fees_dollars: Some(o.taker_fees),
        maker_fees_dollars: Some(o.maker_fees),
        client_order_id: o.client_order_id.clone(),
        created_ts_ms: Some(o.created_ms),
        last_updated_ts_ms: Some(o.updated_ms),
        expiration_ts_ms: o.expiration_ms,
    }
}

fn lifecycle(event_type: &str, ticker: &MarketTicker) -> MarketLifecycle {
    MarketLifecycle {
        event_type: event_type.to_owned(),
        market_ticker: ticker.clone(),
        open_ts: None,
        close_ts: None,
        result: None,
        determination_ts: None,
        settlement_value: None,
        settled_ts: None,
        is_deactivated: None,
        fractional_trading_enabled: None,
        price_level_structure: None,
        additional_metadata: None,
    }
}

/// `market_lifecycle_v2.msg`s for a status change: `activated` (opened or resumed),
/// `deactivated` (paused), `close_date_updated` with `close_ts` (closed). Settlement is
/// reported by [`settled`] instead.
pub(super) fn status_change(ticker: &MarketTicker, status: MarketStatus, ts_ms: i64) -> Option<MarketLifecycle> {
    let secs = ts_ms.div_euclid(1_000);
    match status {
        MarketStatus::Open => Some(MarketLifecycle { is_deactivated: Some(false), ..lifecycle("activated", ticker) }),
        MarketStatus::Paused => {
            Some(MarketLifecycle { is_deactivated: Some(true), ..lifecycle("deactivated", ticker) })
        }
        MarketStatus::Closed => {
            Some(MarketLifecycle { close_ts: Some(secs), ..lifecycle("close_date_updated", ticker) })
        }
        MarketStatus::Unopened | MarketStatus::Settled => None,
    }
}

/// `determined` then `settled`.
pub(super) fn settled(ticker: &MarketTicker, result: SettlementResult, ts_ms: i64) -> [MarketLifecycle; 2] {
    let secs = ts_ms.div_euclid(1_000);
    [
        MarketLifecycle {
            result: Some(result.as_str().to_owned()),
            determination_ts: Some(secs),
            settlement_value: Some(result.yes_value()),
            ..lifecycle("determined", ticker)
        },
        MarketLifecycle { settled_ts: Some(secs), ..lifecycle("settled", ticker) },
    ]
}

/// The `msg` of an `order_group_updates` frame (shape unconfirmed: Kalshi documents the
/// channel but not its payload).
pub(super) fn order_group(group_id: &OrderGroupId, change: GroupChange, now_us: i64) -> Value {
    let event_type = match change {
        GroupChange::Created => "created",
        GroupChange::Triggered => "triggered",
        GroupChange::Reset => "reset",
        GroupChange::LimitUpdated => "limit_updated",
        GroupChange::Deleted => "deleted",
    };
    json!({ "event_type": event_type, "order_group_id": group_id.as_str(), "ts_ms": now_us.div_euclid(1_000) })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn timestamps_look_like_kalshis() {
        assert_eq!(rfc3339_micros(1_786_085_188_978_710), "2026-08-07T06:46:28.97871Z");
        assert_eq!(rfc3339_micros(1_786_085_188_000_000), "2026-08-07T06:46:28Z");
        assert_eq!(rfc3339_micros(1_782_873_105_308_000), "2026-07-01T02:31:45.308Z");
    }

    #[test]
    fn market_ids_are_stable_uuids() {
        let id = market_id(&"SIMWX-26NOV24-T50".into());
        assert_eq!(id, market_id(&"SIMWX-26NOV24-T50".into()));
        assert_ne!(id, market_id(&"SIMWX-26NOV24-T51".into()));
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{id}");
        assert!(parts[2].starts_with('4'), "version 4: {id}");
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "RFC 4122 variant: {id}");
    }
}
