//! Signed portfolio reads: balance, positions, fills, settlements, orders, queue positions.
//!
//! Definitions where Kalshi's are unconfirmed:
//! * `balance` is the available cash (cash minus the collateral of resting orders), floored to
//!   cents; `balance_dollars` is the same amount exactly.
//! * `portfolio_value` is the open positions marked at each market's last trade price (YES
//!   price for YES held, $1 − it for NO held), or at cost when the market never traded; cents,
//!   floored.
//! * `total_traded_dollars` (and an event's `total_cost_dollars`) sums what each fill paid for
//!   the outcome it bought (YES price for a bid fill, NO price for an ask fill);
//!   `market_exposure_dollars` is the cost of the open position in the held outcome's prices.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use kmm_kalshi::wire::{
    EventPosition, GetBalanceResponse, GetFillsResponse, GetOrderQueuePositionResponse, GetOrderQueuePositionsResponse,
    GetOrderResponse, GetOrdersResponse, GetPositionsResponse, GetRestingOrderTotalValueResponse,
    GetSettlementsResponse, MarketPosition, QueuePosition, ShardBalance,
};
use kmm_model::{MarketTicker, Money, OrderId, OrderStatus, Position, Price, Qty, Side};

use super::convert;
use super::extract::{Params, paginate, rfc3339};
use super::guard::Caller;
use crate::error::SimError;
use crate::market::MarketStatus;
use crate::order::{OrderFilter, OrderRecord};
use crate::server::error::ApiError;
use crate::server::{AppState, now_ms};
use crate::{Exchange, UserId};

/// What a buyer of `side` pays per contract at YES price `price`.
fn outcome_price(side: Side, price: Price) -> Price {
    match side {
        Side::Bid => price,
        Side::Ask => price.complement(),
    }
}

/// Cost of the open position in the held outcome's prices (positive).
fn exposure(position: &Position) -> Result<Money, SimError> {
    if position.qty.units() >= 0 {
        return Ok(position.cost);
    }
    Ok(Money::notional(Price::ONE, position.qty.abs())?.checked_add(position.cost)?)
}

/// The position marked at `mark` (YES price), or at cost without a mark.
fn marked_value(position: &Position, mark: Option<Price>) -> Result<Money, SimError> {
    let q = position.qty;
    match mark {
        _ if q.is_zero() => Ok(Money::ZERO),
        Some(p) if q.is_positive() => Ok(Money::notional(p, q)?),
        Some(p) => Ok(Money::notional(p.complement(), q.abs())?),
        None => exposure(position),
    }
}

fn portfolio_value(ex: &Exchange, user: &UserId) -> Result<Money, SimError> {
    let mut total = Money::ZERO;
    for position in ex.positions(user)? {
        let mark = ex.market_info(&position.ticker)?.last_price;
        total = total.checked_add(marked_value(&position, mark)?)?;
    }
    Ok(total)
}

/// `GET /portfolio/balance`.
pub(super) async fn balance(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Params,
) -> Result<Json<GetBalanceResponse>, ApiError> {
    params.primary_subaccount()?;
    let now = now_ms();
    state.read(|ex| {
        let balance = ex.balance(&caller.user)?;
        let value = portfolio_value(ex, &caller.user)?;
        Ok(Json(GetBalanceResponse {
            balance: balance.balance_cents(),
            balance_dollars: Some(balance.available),
            portfolio_value: value.floor_cents(),
            updated_ts: now.div_euclid(1_000),
            balance_breakdown: Some(vec![ShardBalance { exchange_index: 0, balance: balance.available }]),
        }))
    })
}

/// `GET /portfolio/summary/total_resting_order_value`: the collateral locked by resting orders.
pub(super) async fn resting_order_value(
    State(state): State<Arc<AppState>>,
    caller: Caller,
) -> Result<Json<GetRestingOrderTotalValueResponse>, ApiError> {
    state.read(|ex| {
        let locked = ex.balance(&caller.user)?.locked;
        Ok(Json(GetRestingOrderTotalValueResponse {
            total_resting_order_value: locked.floor_cents(),
            resting_order_value_breakdown: vec![ShardBalance { exchange_index: 0, balance: locked }],
        }))
    })
}

/// Per-market totals over a user's fills.
#[derive(Default)]
struct FillStats {
    traded: Money,
    shares: Qty,
    last_ms: Option<i64>,
}

fn fill_stats(ex: &Exchange, user: &UserId) -> Result<HashMap<MarketTicker, FillStats>, SimError> {
    let mut stats: HashMap<MarketTicker, FillStats> = HashMap::new();
    for record in ex.fills(user)? {
        let f = &record.fill;
        let s = stats.entry(f.ticker.clone()).or_default();
        s.traded = s.traded.checked_add(Money::notional(outcome_price(f.side, f.price), f.count)?)?;
        s.shares = s.shares.checked_add(f.count)?;
        s.last_ms = s.last_ms.max(f.ts_ms);
    }
    Ok(stats)
}

/// `GET /portfolio/positions`: `settlement_status` (`unsettled` default, `settled`, `all`),
/// `count_filter` (`position`, `total_traded`: any non-zero), `ticker`, `event_ticker`; by
/// ticker, paged; `event_positions` sum the page's markets per event.
pub(super) async fn positions(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Params,
) -> Result<Json<GetPositionsResponse>, ApiError> {
    params.primary_subaccount()?;
    let limit = params.limit(100, 1_000)?;
    let settled_wanted: fn(MarketStatus) -> bool = match params.get("settlement_status").unwrap_or("unsettled") {
        "unsettled" => |s| s != MarketStatus::Settled,
        "settled" => |s| s == MarketStatus::Settled,
        "all" => |_| true,
        other => return Err(ApiError::bad_request(format!("invalid settlement_status {other:?}"))),
    };
    let count_filter = params.list("count_filter");
    if let Some(bad) = count_filter.iter().find(|f| !matches!(f.as_str(), "position" | "total_traded")) {
        return Err(ApiError::bad_request(format!("invalid count_filter {bad:?}")));
    }
    let ticker = params.get("ticker");
    let event = params.get("event_ticker");
    state.read(|ex| {
        let user = &caller.user;
        let stats = fill_stats(ex, user)?;
        let mut resting: HashMap<MarketTicker, i64> = HashMap::new();
        for o in ex.orders(user, &OrderFilter { status: Some(OrderStatus::Resting), ..OrderFilter::default() })? {
            *resting.entry(o.ticker).or_default() += 1;
        }
        let mut rows: Vec<(MarketPosition, String)> = Vec::new();
        for position in ex.positions(user)? {
            let info = ex.market_info(&position.ticker)?;
            let event_ticker = info.config.event_ticker.to_string();
            if !settled_wanted(info.status)
                || ticker.is_some_and(|t| t != position.ticker.as_str())
                || event.is_some_and(|e| e != event_ticker)
            {
                continue;
            }
            let s = stats.get(&position.ticker);
            let traded = s.map_or(Money::ZERO, |s| s.traded);
            let keep = count_filter.is_empty()
                || count_filter.iter().any(|f| match f.as_str() {
                    "position" => !position.qty.is_zero(),
                    _ => traded.micros() != 0,
                });
            if !keep {
                continue;
            }
            let last_ms = s.and_then(|s| s.last_ms).max(info.settled_ms).unwrap_or(info.config.open_time_ms);
            let row = MarketPosition {
                ticker: position.ticker.clone(),
                exchange_index: 0,
                total_traded_dollars: traded,
                position_fp: position.qty,
                market_exposure_dollars: exposure(&position)?,
                realized_pnl_dollars: position.realized,
                fees_paid_dollars: position.fees,
                last_updated_ts: rfc3339(last_ms),
                resting_orders_count: Some(resting.get(&position.ticker).copied().unwrap_or(0)),
            };
            rows.push((row, event_ticker));
        }
        let (page, cursor) = paginate(rows, limit, params.get("cursor"), |(p, _)| p.ticker.as_str())?;
        let events = event_positions(&page, &stats)?;
        Ok(Json(GetPositionsResponse {
            market_positions: page.into_iter().map(|(p, _)| p).collect(),
            event_positions: events,
            cursor: Some(cursor),
        }))
    })
}

/// The page's market positions summed per event.
fn event_positions(
    page: &[(MarketPosition, String)],
    stats: &HashMap<MarketTicker, FillStats>,
) -> Result<Vec<EventPosition>, SimError> {
    let mut events: BTreeMap<&str, EventPosition> = BTreeMap::new();
    for (p, event_ticker) in page {
        let shares = stats.get(&p.ticker).map_or(Qty::ZERO, |s| s.shares);
        let e = events.entry(event_ticker).or_insert_with(|| EventPosition {
            event_ticker: event_ticker.as_str().into(),
            total_cost_dollars: Money::ZERO,
            total_cost_shares_fp: Qty::ZERO,
            event_exposure_dollars: Money::ZERO,
            realized_pnl_dollars: Money::ZERO,
            fees_paid_dollars: Money::ZERO,
        });
        e.total_cost_dollars = e.total_cost_dollars.checked_add(p.total_traded_dollars)?;
        e.total_cost_shares_fp = e.total_cost_shares_fp.checked_add(shares)?;
        e.event_exposure_dollars = e.event_exposure_dollars.checked_add(p.market_exposure_dollars)?;
        e.realized_pnl_dollars = e.realized_pnl_dollars.checked_add(p.realized_pnl_dollars)?;
        e.fees_paid_dollars = e.fees_paid_dollars.checked_add(p.fees_paid_dollars)?;
    }
    Ok(events.into_values().collect())
}

/// `GET /portfolio/fills`: `ticker` (comma list), `order_id`, `min_ts`/`max_ts` (Unix s);
/// newest first, paged by trade id.
pub(super) async fn fills(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Params,
) -> Result<Json<GetFillsResponse>, ApiError> {
    params.primary_subaccount()?;
    let limit = params.limit(100, 1_000)?;
    let tickers = params.list("ticker");
    let order_id = params.get("order_id");
    let (min_ms, max_ms) = (params.seconds_as_ms("min_ts")?, params.seconds_as_ms("max_ts")?);
    state.read(|ex| {
        let fills: Vec<_> = ex
            .fills(&caller.user)?
            .iter()
            .rev()
            .filter(|r| {
                let f = &r.fill;
                let ts = f.ts_ms.unwrap_or(0);
                (tickers.is_empty() || tickers.iter().any(|t| t == f.ticker.as_str()))
                    && order_id.is_none_or(|o| o == f.order_id.as_str())
                    && min_ms.is_none_or(|m| ts >= m)
                    && max_ms.is_none_or(|m| ts <= m)
            })
            .collect();
        let (page, cursor) = paginate(fills, limit, params.get("cursor"), |r| r.fill.trade_id.as_str())?;
        Ok(Json(GetFillsResponse { fills: page.into_iter().map(convert::fill).collect(), cursor }))
    })
}

/// `GET /portfolio/settlements`: `ticker`, `event_ticker`, `min_ts`/`max_ts`; newest first.
pub(super) async fn settlements(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Params,
) -> Result<Json<GetSettlementsResponse>, ApiError> {
    params.primary_subaccount()?;
    let limit = params.limit(100, 1_000)?;
    let ticker = params.get("ticker");
    let event = params.get("event_ticker");
    let (min_ms, max_ms) = (params.seconds_as_ms("min_ts")?, params.seconds_as_ms("max_ts")?);
    state.read(|ex| {
        let records: Vec<_> = ex
            .settlements(&caller.user)?
            .iter()
            .rev()
            .filter(|s| {
                ticker.is_none_or(|t| t == s.ticker.as_str())
                    && event.is_none_or(|e| e == s.event_ticker.as_str())
                    && min_ms.is_none_or(|m| s.settled_ms >= m)
                    && max_ms.is_none_or(|m| s.settled_ms <= m)
            })
            .collect();
        let (page, cursor) = paginate(records, limit, params.get("cursor"), |s| s.ticker.as_str())?;
        Ok(Json(GetSettlementsResponse {
            settlements: page.into_iter().map(convert::settlement).collect(),
            cursor: Some(cursor),
        }))
    })
}

/// `status` of `GET /portfolio/orders`.
fn order_status(value: &str) -> Result<OrderStatus, ApiError> {
    match value {
        "resting" => Ok(OrderStatus::Resting),
        "canceled" | "cancelled" => Ok(OrderStatus::Canceled),
        "executed" => Ok(OrderStatus::Executed),
        other => Err(ApiError::bad_request(format!("invalid status {other:?}"))),
    }
}

/// `GET /portfolio/orders`: `ticker`, `event_ticker` (comma list), `status`, `min_ts`/`max_ts`
/// (Unix s, on the last update); newest first, paged by order id.
pub(super) async fn orders(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Params,
) -> Result<Json<GetOrdersResponse>, ApiError> {
    params.primary_subaccount()?;
    let limit = params.limit(100, 1_000)?;
    let status = params.get("status").map(order_status).transpose()?;
    let ticker = params.get("ticker").map(MarketTicker::new);
    let events = params.list("event_ticker");
    let (min_ms, max_ms) = (params.seconds_as_ms("min_ts")?, params.seconds_as_ms("max_ts")?);
    state.read(|ex| {
        let filter = OrderFilter { ticker, status, ..OrderFilter::default() };
        let mut orders: Vec<OrderRecord> = ex.orders(&caller.user, &filter)?;
        orders.retain(|o| {
            (events.is_empty() || events.iter().any(|e| e == o.event_ticker.as_str()))
                && min_ms.is_none_or(|m| o.updated_ms >= m)
                && max_ms.is_none_or(|m| o.updated_ms <= m)
        });
        orders.reverse();
        let (page, cursor) = paginate(orders, limit, params.get("cursor"), |o| o.order_id.as_str())?;
        Ok(Json(GetOrdersResponse { orders: page.iter().map(convert::order).collect(), cursor }))
    })
}

/// `GET /portfolio/orders/{order_id}`.
pub(super) async fn order(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(order_id): Path<String>,
) -> Result<Json<GetOrderResponse>, ApiError> {
    let order = state.read(|ex| ex.order(&caller.user, &OrderId::new(order_id)))?;
    Ok(Json(GetOrderResponse { order: convert::order(&order) }))
}

/// `GET /portfolio/orders/{order_id}/queue_position`: contracts ahead at its price.
pub(super) async fn queue_position(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(order_id): Path<String>,
) -> Result<Json<GetOrderQueuePositionResponse>, ApiError> {
    let ahead = state.read(|ex| ex.queue_position(&caller.user, &OrderId::new(order_id)))?;
    Ok(Json(GetOrderQueuePositionResponse { queue_position_fp: ahead }))
}

/// `GET /portfolio/orders/queue_positions?market_tickers=&event_ticker=`: every resting order.
pub(super) async fn queue_positions(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Params,
) -> Result<Json<GetOrderQueuePositionsResponse>, ApiError> {
    params.primary_subaccount()?;
    let tickers = params.list("market_tickers");
    let event = params.get("event_ticker");
    state.read(|ex| {
        let filter = OrderFilter { status: Some(OrderStatus::Resting), ..OrderFilter::default() };
        let mut queue_positions = Vec::new();
        for o in ex.orders(&caller.user, &filter)? {
            if (tickers.is_empty() || tickers.iter().any(|t| t == o.ticker.as_str()))
                && event.is_none_or(|e| e == o.event_ticker.as_str())
            {
                let ahead = ex.queue_position(&caller.user, &o.order_id)?;
                queue_positions.push(QueuePosition {
                    order_id: o.order_id,
                    market_ticker: o.ticker,
                    queue_position_fp: ahead,
                });
            }
        }
        Ok(Json(GetOrderQueuePositionsResponse { queue_positions }))
    })
}
