//! The exchange's records in Kalshi's wire types. The types are the client crate's own
//! (`kmm_kalshi::wire`), so the simulator emits exactly what the client parses, and their
//! serialisation is pinned against real captures in the client's golden tests.

use kmm_kalshi::wire;
use kmm_model::{Money, Price, Qty};

use super::extract::rfc3339;
use crate::accounts::{FillRecord, SettlementRecord};
use crate::events::TradeRecord;
use crate::market::{MarketConfig, MarketInfo, MarketStatus, MarketType, SettlementResult};
use crate::matching::BookSnapshot;
use crate::order::{OrderRecord, SelfTradePrevention};

/// A market without a scheduled close reports this close time (2100-01-01T00:00:00Z).
pub(crate) const FAR_FUTURE_MS: i64 = 4_102_444_800_000;

const DAY_MS: i64 = 86_400_000;

/// Kalshi's market `status` for a simulator status.
pub(crate) fn market_status(status: MarketStatus) -> wire::MarketStatus {
    match status {
        MarketStatus::Unopened => wire::MarketStatus::Initialized,
        MarketStatus::Open => wire::MarketStatus::Active,
        MarketStatus::Paused => wire::MarketStatus::Inactive,
        MarketStatus::Closed => wire::MarketStatus::Closed,
        MarketStatus::Settled => wire::MarketStatus::Finalized,
    }
}

/// Kalshi's `result` / `market_result`.
pub(crate) fn market_result(result: Option<SettlementResult>) -> wire::MarketResult {
    match result {
        None => wire::MarketResult::Undetermined,
        Some(SettlementResult::Yes) => wire::MarketResult::Yes,
        Some(SettlementResult::No) => wire::MarketResult::No,
        Some(SettlementResult::Scalar(_)) => wire::MarketResult::Scalar,
    }
}

/// A market, with 24-hour volume and the previous price computed from its `trades` (oldest first).
pub(crate) fn market(info: &MarketInfo, trades: &[TradeRecord], now_ms: i64) -> wire::Market {
    let c = &info.config;
    let (yes_bid, yes_bid_size) = info.yes_bid.unwrap_or((Price::ZERO, Qty::ZERO));
    let (yes_ask, yes_ask_size) = info.yes_ask.unwrap_or((Price::ONE, Qty::ZERO));
    let day_ago = now_ms.saturating_sub(DAY_MS);
    let volume_24h: i64 = trades.iter().rev().take_while(|t| t.ts_ms > day_ago).map(|t| t.count.units()).sum();
    let previous_price = trades.iter().rev().find(|t| t.ts_ms <= day_ago).map_or(Price::ZERO, |t| t.price);
    let last_trade_ms = trades.last().map(|t| t.ts_ms);
    let updated_ms =
        [Some(c.open_time_ms), info.closed_ms, info.settled_ms, last_trade_ms].into_iter().flatten().max().unwrap_or(0);
    let close = rfc3339(c.close_time_ms.unwrap_or(FAR_FUTURE_MS));
    let (market_type, what) = match c.market_type {
        MarketType::Binary => (wire::MarketType::Binary, "the simulated event happens"),
        MarketType::Scalar => (wire::MarketType::Scalar, "the simulated value is high"),
    };
    wire::Market {
        ticker: c.ticker.clone(),
        event_ticker: c.event_ticker.clone(),
        market_type,
        title: Some(format!("Simulated market {}", c.ticker)),
        subtitle: None,
        yes_sub_title: "Yes".to_owned(),
        no_sub_title: "No".to_owned(),
        created_time: rfc3339(c.open_time_ms),
        updated_time: rfc3339(updated_ms),
        open_time: rfc3339(c.open_time_ms),
        close_time: close.clone(),
        expected_expiration_time: Some(close.clone()),
        expiration_time: Some(close.clone()),
        latest_expiration_time: close.clone(),
        settlement_timer_seconds: 0,
        status: market_status(info.status),
        yes_bid_dollars: yes_bid,
        yes_bid_size_fp: yes_bid_size,
        yes_ask_dollars: yes_ask,
        yes_ask_size_fp: yes_ask_size,
        no_bid_dollars: yes_ask.complement(),
        no_ask_dollars: yes_bid.complement(),
        last_price_dollars: info.last_price.unwrap_or(Price::ZERO),
        volume_fp: info.volume,
        volume_24h_fp: Qty::from_units(volume_24h),
        result: market_result(info.result),
        can_close_early: true,
        open_interest_fp: info.open_interest,
        notional_value_dollars: Money::from_micros(Money::SCALE),
        previous_yes_bid_dollars: Price::ZERO,
        previous_yes_ask_dollars: Price::ZERO,
        previous_price_dollars: previous_price,
        liquidity_dollars: Some(Money::ZERO),
        settlement_bounds_type: wire::SettlementBoundsType::Default,
        expiration_value: String::new(),
        rules_primary: format!("If {what}, the market {} resolves to Yes.", c.ticker),
        rules_secondary: "This market is listed by the kalshi-mm exchange simulator; nothing real is traded."
            .to_owned(),
        price_level_structure: c.tick_grid.structure().to_owned(),
        price_ranges: c
            .tick_grid
            .ranges()
            .iter()
            .map(|r| wire::PriceRange { start: r.start, end: r.end, step: r.step })
            .collect(),
        early_close_condition: Some("The simulator may close or settle this market at any time.".to_owned()),
        settlement_value_dollars: info.result.map(SettlementResult::yes_value),
        settlement_ts: info.settled_ms.map(rfc3339),
        settlement_floor_dollars: None,
        occurrence_datetime: Some(close),
        fee_waiver_expiration_time: None,
        strike_type: None,
        floor_strike: None,
        cap_strike: None,
        functional_strike: None,
        custom_strike: None,
        mve_collection_ticker: None,
        mve_selected_legs: None,
        primary_participant_key: None,
        is_provisional: None,
        fractional_trading_enabled: Some(c.fractional_trading),
        exchange_index: Some(0),
    }
}

/// The series of a market's configuration.
pub(crate) fn series(c: &MarketConfig, updated_ms: i64) -> wire::Series {
    wire::Series {
        ticker: c.series_ticker.clone(),
        frequency: "custom".to_owned(),
        title: format!("Simulated series {}", c.series_ticker),
        category: "Simulated".to_owned(),
        categories: vec!["Simulated".to_owned()],
        tags: Some(vec!["Simulated".to_owned()]),
        settlement_sources: Some(vec![simulator_source()]),
        additional_prohibitions: Some(Vec::new()),
        contract_url: "https://github.com/kalshi-mm/kalshi-mm".to_owned(),
        contract_terms_url: "https://github.com/kalshi-mm/kalshi-mm".to_owned(),
        fee_type: c.fee_schedule.fee_type.into(),
        fee_multiplier: wire::FeeMultiplier::from_ppm(c.fee_schedule.multiplier_ppm),
        product_metadata: None,
        volume_fp: None,
        last_updated_ts: Some(rfc3339(updated_ms)),
        exchange_index: Some(0),
    }
}

fn simulator_source() -> wire::SettlementSource {
    wire::SettlementSource {
        name: Some("kalshi-mm simulator".to_owned()),
        url: Some("https://github.com/kalshi-mm/kalshi-mm".to_owned()),
    }
}

/// An event from its first market's configuration, with `markets` nested when given.
pub(crate) fn event(c: &MarketConfig, markets: Option<Vec<wire::Market>>, updated_ms: i64) -> wire::Event {
    wire::Event {
        event_ticker: c.event_ticker.clone(),
        series_ticker: c.series_ticker.clone(),
        title: format!("Simulated event {}", c.event_ticker),
        sub_title: String::new(),
        collateral_return_type: String::new(),
        mutually_exclusive: false,
        settlement_sources: Some(vec![simulator_source()]),
        category: Some("Simulated".to_owned()),
        strike_date: None,
        strike_period: None,
        markets,
        product_metadata: None,
        last_updated_ts: Some(rfc3339(updated_ms)),
        fee_type_override: None,
        fee_multiplier_override: None,
        exchange_index: Some(0),
    }
}

/// An order as `GET /portfolio/orders` reports it.
pub(crate) fn order(o: &OrderRecord) -> wire::Order {
    let mut w = wire::Order::from_model(&o.to_model(), o.user.as_str());
    w.taker_fill_cost_dollars = o.taker_fill_cost;
    w.maker_fill_cost_dollars = o.maker_fill_cost;
    w.taker_fees_dollars = o.taker_fees;
    w.maker_fees_dollars = o.maker_fees;
    w.expiration_time = o.expiration_ms.map(rfc3339);
    w.created_time = Some(rfc3339(o.created_ms));
    w.last_update_time = Some(rfc3339(o.updated_ms));
    w.self_trade_prevention_type = Some(match o.self_trade_prevention {
        SelfTradePrevention::TakerAtCross => wire::SelfTradePrevention::TakerAtCross,
        SelfTradePrevention::Maker => wire::SelfTradePrevention::Maker,
    });
    w.order_group_id = o.order_group_id.as_ref().map(ToString::to_string);
    w.cancel_order_on_pause = Some(o.cancel_order_on_pause);
    w.subaccount_number = Some(0);
    w.exchange_index = Some(0);
    w
}

/// One of the user's fills as `GET /portfolio/fills` reports it (both id and ticker twins,
/// legacy `side`/`action` as the outcome bought).
pub(crate) fn fill(record: &FillRecord) -> wire::Fill {
    let f = &record.fill;
    let (side, action) = wire::legacy_side_action(f.side);
    wire::Fill {
        fill_id: Some(f.trade_id.clone()),
        trade_id: Some(f.trade_id.clone()),
        order_id: f.order_id.clone(),
        ticker: f.ticker.clone(),
        market_ticker: Some(f.ticker.clone()),
        client_order_id: None,
        exchange_index: Some(0),
        outcome_side: Some(f.side.outcome()),
        book_side: Some(f.side),
        side: Some(side),
        action: Some(action),
        count_fp: f.count,
        yes_price_dollars: f.price,
        no_price_dollars: Some(f.price.complement()),
        is_taker: f.is_taker,
        fee_cost: f.fee,
        created_time: f.ts_ms.map(rfc3339),
        ts: f.ts_ms.map(|ms| ms.div_euclid(1_000)),
        subaccount_number: Some(0),
    }
}

/// A public trade.
pub(crate) fn trade(t: &TradeRecord) -> wire::Trade {
    wire::Trade {
        trade_id: t.trade_id.clone(),
        ticker: t.ticker.clone(),
        count_fp: t.count,
        yes_price_dollars: t.price,
        no_price_dollars: t.price.complement(),
        taker_outcome_side: Some(t.taker_side.outcome()),
        taker_book_side: Some(t.taker_side),
        taker_side: Some(t.taker_side.outcome()),
        created_time: rfc3339(t.ts_ms),
        is_block_trade: false,
    }
}

/// A settlement; `revenue` and `value` in cents (floored, exact for binary markets).
pub(crate) fn settlement(s: &SettlementRecord) -> wire::Settlement {
    wire::Settlement {
        ticker: s.ticker.clone(),
        event_ticker: s.event_ticker.clone(),
        exchange_index: 0,
        market_result: market_result(Some(s.result)),
        yes_count_fp: s.yes_count,
        yes_total_cost_dollars: s.yes_total_cost,
        no_count_fp: s.no_count,
        no_total_cost_dollars: s.no_total_cost,
        revenue: s.revenue.floor_cents(),
        settled_time: rfc3339(s.settled_ms),
        fee_cost: s.fee_cost,
        value: Some(s.value.units().div_euclid(100)),
    }
}

/// The book's two bid ladders, ascending (best last) as Kalshi sends them; `depth` keeps the
/// best levels of each (`None` = all).
pub(crate) fn orderbook(snapshot: &BookSnapshot, depth: Option<usize>) -> wire::OrderbookFp {
    let best = |levels: &[(Price, Qty)]| -> Vec<(Price, Qty)> {
        let skip = depth.map_or(0, |d| levels.len().saturating_sub(d));
        levels[skip..].to_vec()
    };
    wire::OrderbookFp { yes_dollars: best(&snapshot.yes), no_dollars: best(&snapshot.no) }
}
