//! Public market data: markets, order books, trades, events and series.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use kmm_kalshi::wire::{
    GetEventResponse, GetEventsResponse, GetMarketResponse, GetMarketsResponse, GetOrderbookResponse,
    GetOrderbooksResponse, GetSeriesListResponse, GetSeriesResponse, GetTradesResponse, MarketOrderbook,
};
use kmm_model::MarketTicker;

use super::convert;
use super::extract::{Params, paginate};
use crate::Exchange;
use crate::error::SimError;
use crate::market::{MarketInfo, MarketStatus};
use crate::server::error::ApiError;
use crate::server::{AppState, now_ms};

/// The `status` filter of `/markets` and `/events`; Kalshi answers anything else with
/// `400 {"code": "bad_request", "details": "invalid status filter"}` (captured).
fn status_filter(value: &str) -> Result<fn(MarketStatus) -> bool, ApiError> {
    Ok(match value {
        "unopened" => |s| s == MarketStatus::Unopened,
        "open" => |s| matches!(s, MarketStatus::Open | MarketStatus::Paused),
        "closed" => |s| s == MarketStatus::Closed,
        "settled" => |s| s == MarketStatus::Settled,
        _ => return Err(ApiError::bad_request("invalid status filter")),
    })
}

/// The last time anything happened to a market.
fn updated_ms(info: &MarketInfo) -> i64 {
    [Some(info.config.open_time_ms), info.closed_ms, info.settled_ms].into_iter().flatten().max().unwrap_or(0)
}

fn wire_market(ex: &Exchange, info: &MarketInfo, now: i64) -> kmm_kalshi::wire::Market {
    convert::market(info, ex.trades(&info.config.ticker).unwrap_or(&[]), now)
}

/// `GET /markets`: filters `status`, `series_ticker`, `event_ticker`, `tickers` (comma
/// list), `min_close_ts`/`max_close_ts`, `min_settled_ts`/`max_settled_ts`; by ticker, paged.
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    params: Params,
) -> Result<Json<GetMarketsResponse>, ApiError> {
    let limit = params.limit(100, 1_000)?;
    let status = params.get("status").map(status_filter).transpose()?;
    let series = params.get("series_ticker");
    let event = params.get("event_ticker");
    let tickers = params.list("tickers");
    let (min_close, max_close) = (params.seconds_as_ms("min_close_ts")?, params.seconds_as_ms("max_close_ts")?);
    let (min_settled, max_settled) = (params.seconds_as_ms("min_settled_ts")?, params.seconds_as_ms("max_settled_ts")?);
    let now = now_ms();
    state.read(|ex| {
        let keep = |m: &MarketInfo| {
            let c = &m.config;
            let close = c.close_time_ms.unwrap_or(convert::FAR_FUTURE_MS);
            status.is_none_or(|f| f(m.status))
                && series.is_none_or(|s| c.series_ticker.as_str() == s)
                && event.is_none_or(|e| c.event_ticker.as_str() == e)
                && (tickers.is_empty() || tickers.iter().any(|t| t == c.ticker.as_str()))
                && min_close.is_none_or(|t| close >= t)
                && max_close.is_none_or(|t| close <= t)
                && min_settled.is_none_or(|t| m.settled_ms.is_some_and(|s| s >= t))
                && max_settled.is_none_or(|t| m.settled_ms.is_some_and(|s| s <= t))
        };
        let infos: Vec<MarketInfo> = ex.markets().into_iter().filter(keep).collect();
        let (page, cursor) = paginate(infos, limit, params.get("cursor"), |m| m.config.ticker.as_str())?;
        let markets = page.iter().map(|m| wire_market(ex, m, now)).collect();
        Ok(Json(GetMarketsResponse { markets, cursor }))
    })
}

/// `GET /markets/{ticker}`.
pub(super) async fn one(
    State(state): State<Arc<AppState>>,
    Path(ticker): Path<String>,
) -> Result<Json<GetMarketResponse>, ApiError> {
    let ticker = MarketTicker::new(ticker);
    let now = now_ms();
    state.read(|ex| {
        let info = ex.market_info(&ticker)?;
        Ok(Json(GetMarketResponse { market: wire_market(ex, &info, now) }))
    })
}

/// `depth`: 0, negative or absent = every level, else that many best levels per side.
fn depth(params: &Params) -> Result<Option<usize>, ApiError> {
    Ok(params.parsed::<i64>("depth")?.filter(|d| *d > 0).map(|d| usize::try_from(d).unwrap_or(usize::MAX)))
}

/// `GET /markets/{ticker}/orderbook?depth=`.
pub(super) async fn orderbook(
    State(state): State<Arc<AppState>>,
    Path(ticker): Path<String>,
    params: Params,
) -> Result<Json<GetOrderbookResponse>, ApiError> {
    let depth = depth(&params)?;
    let ticker = MarketTicker::new(ticker);
    let snapshot = state.read(|ex| ex.book_snapshot(&ticker))?;
    Ok(Json(GetOrderbookResponse { orderbook_fp: convert::orderbook(&snapshot, depth) }))
}

/// `GET /markets/orderbooks?tickers=A&tickers=B` (also comma lists): 1 to 100 markets, one
/// book per requested ticker; an unknown ticker is a 404.
pub(super) async fn orderbooks(
    State(state): State<Arc<AppState>>,
    params: Params,
) -> Result<Json<GetOrderbooksResponse>, ApiError> {
    let tickers = params.list("tickers");
    if tickers.is_empty() || tickers.len() > 100 {
        return Err(ApiError::bad_request(format!("between 1 and 100 tickers are required, got {}", tickers.len())));
    }
    let depth = depth(&params)?;
    state.read(|ex| {
        let orderbooks = tickers
            .iter()
            .map(|t| {
                let ticker = MarketTicker::new(t);
                let snapshot = ex.book_snapshot(&ticker)?;
                Ok(MarketOrderbook { ticker, orderbook_fp: convert::orderbook(&snapshot, depth) })
            })
            .collect::<Result<Vec<_>, SimError>>()?;
        Ok(Json(GetOrderbooksResponse { orderbooks }))
    })
}

/// `GET /markets/trades?ticker=&min_ts=&max_ts=&limit=&cursor=`: newest first.
pub(super) async fn trades(
    State(state): State<Arc<AppState>>,
    params: Params,
) -> Result<Json<GetTradesResponse>, ApiError> {
    let limit = params.limit(100, 1_000)?;
    let (min_ms, max_ms) = (params.seconds_as_ms("min_ts")?, params.seconds_as_ms("max_ts")?);
    let ticker = params.get("ticker").map(MarketTicker::new);
    state.read(|ex| {
        let mut trades = Vec::new();
        match &ticker {
            Some(t) => trades.extend(ex.trades(t)?.iter()),
            None => {
                for m in ex.markets() {
                    trades.extend(ex.trades(&m.config.ticker)?.iter());
                }
            }
        }
        trades.retain(|t| min_ms.is_none_or(|m| t.ts_ms >= m) && max_ms.is_none_or(|m| t.ts_ms <= m));
        // Trade ids grow with time: newest first.
        trades.sort_by(|a, b| (b.ts_ms, &b.trade_id).cmp(&(a.ts_ms, &a.trade_id)));
        let (page, cursor) = paginate(trades, limit, params.get("cursor"), |t| t.trade_id.as_str())?;
        Ok(Json(GetTradesResponse { trades: page.into_iter().map(convert::trade).collect(), cursor }))
    })
}

/// An event's status for the `/events` filter, from its markets'.
fn event_status(markets: &[MarketInfo]) -> MarketStatus {
    let all = |f: fn(MarketStatus) -> bool| markets.iter().all(|m| f(m.status));
    if all(|s| s == MarketStatus::Unopened) {
        MarketStatus::Unopened
    } else if all(|s| s == MarketStatus::Settled) {
        MarketStatus::Settled
    } else if all(|s| matches!(s, MarketStatus::Closed | MarketStatus::Settled)) {
        MarketStatus::Closed
    } else {
        MarketStatus::Open
    }
}

/// Markets grouped by event ticker.
fn by_event(ex: &Exchange) -> BTreeMap<String, Vec<MarketInfo>> {
    let mut events: BTreeMap<String, Vec<MarketInfo>> = BTreeMap::new();
    for m in ex.markets() {
        events.entry(m.config.event_ticker.to_string()).or_default().push(m);
    }
    events
}

fn wire_event(
    ex: &Exchange,
    markets: &[MarketInfo],
    nested: bool,
    now: i64,
) -> Option<(kmm_kalshi::wire::Event, Vec<kmm_kalshi::wire::Market>)> {
    let first = markets.first()?;
    let wire_markets: Vec<_> = markets.iter().map(|m| wire_market(ex, m, now)).collect();
    let updated = markets.iter().map(updated_ms).max().unwrap_or(0);
    let event = convert::event(&first.config, nested.then(|| wire_markets.clone()), updated);
    Some((event, wire_markets))
}

/// `GET /events?status=&series_ticker=&with_nested_markets=&limit=&cursor=`: by event ticker.
pub(super) async fn events(
    State(state): State<Arc<AppState>>,
    params: Params,
) -> Result<Json<GetEventsResponse>, ApiError> {
    let limit = params.limit(200, 200)?;
    let status = params.get("status").map(status_filter).transpose()?;
    let series = params.get("series_ticker");
    let nested = params.flag("with_nested_markets")?;
    let now = now_ms();
    state.read(|ex| {
        let groups: Vec<(String, Vec<MarketInfo>)> = by_event(ex)
            .into_iter()
            .filter(|(_, ms)| status.is_none_or(|f| f(event_status(ms))))
            .filter(|(_, ms)| series.is_none_or(|s| ms.iter().any(|m| m.config.series_ticker.as_str() == s)))
            .collect();
        let (page, cursor) = paginate(groups, limit, params.get("cursor"), |(e, _)| e.as_str())?;
        let events = page.iter().filter_map(|(_, ms)| wire_event(ex, ms, nested, now)).map(|(e, _)| e).collect();
        Ok(Json(GetEventsResponse { events, milestones: None, cursor }))
    })
}

/// `GET /events/{event_ticker}?with_nested_markets=`.
pub(super) async fn event(
    State(state): State<Arc<AppState>>,
    Path(event_ticker): Path<String>,
    params: Params,
) -> Result<Json<GetEventResponse>, ApiError> {
    let nested = params.flag("with_nested_markets")?;
    let now = now_ms();
    state.read(|ex| {
        let groups = by_event(ex);
        let markets = groups.get(&event_ticker).map(Vec::as_slice).unwrap_or_default();
        let (event, markets) = wire_event(ex, markets, nested, now)
            .ok_or_else(|| ApiError::from(SimError::NotFound { what: "event", id: event_ticker.clone() }))?;
        Ok(Json(GetEventResponse { event, markets }))
    })
}

/// The first market of each series, and the series' last update.
fn series_of(ex: &Exchange) -> BTreeMap<String, (MarketInfo, i64)> {
    let mut series: BTreeMap<String, (MarketInfo, i64)> = BTreeMap::new();
    for m in ex.markets() {
        let updated = updated_ms(&m);
        series
            .entry(m.config.series_ticker.to_string())
            .and_modify(|(_, u)| *u = (*u).max(updated))
            .or_insert((m, updated));
    }
    series
}

/// `GET /series/{series_ticker}`.
pub(super) async fn series(
    State(state): State<Arc<AppState>>,
    Path(series_ticker): Path<String>,
) -> Result<Json<GetSeriesResponse>, ApiError> {
    state.read(|ex| {
        let all = series_of(ex);
        let (info, updated) =
            all.get(&series_ticker).ok_or(SimError::NotFound { what: "series", id: series_ticker.clone() })?;
        Ok(Json(GetSeriesResponse { series: convert::series(&info.config, *updated) }))
    })
}

/// `GET /series?category=`: every series (all are in category `Simulated`).
pub(super) async fn series_list(
    State(state): State<Arc<AppState>>,
    params: Params,
) -> Result<Json<GetSeriesListResponse>, ApiError> {
    let category = params.get("category");
    Ok(state.read(|ex| {
        let series = series_of(ex)
            .values()
            .map(|(info, updated)| convert::series(&info.config, *updated))
            .filter(|s| category.is_none_or(|c| s.category == c))
            .collect();
        Json(GetSeriesListResponse { series })
    }))
}
