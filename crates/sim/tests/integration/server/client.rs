//! The Rust `RestClient` against the simulator, endpoint by endpoint: market data and
//! pagination, the order life cycle (create, list, amend, decrease, cancel), crossing for fills
//! with exact fee and balance arithmetic, batches, cancel-all, the legacy endpoints and order
//! groups; plus the status codes and content type of every write.

use kmm_kalshi::rest::{FillsQuery, MarketFilter, MarketsQuery, OrdersQuery, PortfolioQuery};
use kmm_kalshi::wire::{
    self, AmendOrderRequest, AmendOrderV2Request, BatchCancelOrdersRequest, BatchCancelOrdersV2Request,
    BatchCreateOrdersRequest, BatchCreateOrdersV2Request, CancelOrderItem, CreateOrderGroupRequest, CreateOrderRequest,
    CreateOrderV2Request, DecreaseOrderRequest, DecreaseOrderV2Request, TimeInForce, UpdateOrderGroupLimitRequest,
};
use kmm_kalshi::{Error, RestClient};
use kmm_model::{ClientOrderId, MarketTicker, Money, OrderId, OrderStatus, Outcome, Price, Qty, SeriesTicker, Side};
use reqwest::Method;

use super::*;

fn ticker() -> MarketTicker {
    MarketTicker::new(TICKER)
}

fn bid(price: Price, count: Qty) -> CreateOrderV2Request {
    CreateOrderV2Request::limit(ticker(), Side::Bid, price, count)
}

fn ask(price: Price, count: Qty) -> CreateOrderV2Request {
    CreateOrderV2Request::limit(ticker(), Side::Ask, price, count)
}

async fn available(client: &RestClient) -> Money {
    let b = client.balance().await.unwrap();
    let dollars = b.balance_dollars.expect("balance_dollars is always sent");
    assert_eq!(b.balance, dollars.floor_cents(), "balance is balance_dollars in cents, floored");
    dollars
}

fn api_code(error: &Error) -> (u16, &str) {
    match error {
        Error::Api { status, code, .. } => (*status, code.as_str()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn public_market_data_and_pagination() {
    let sim = start(|_| {}).await;
    let public = sim.public();
    let status = public.exchange_status().await.unwrap();
    assert!(status.exchange_active && status.trading_active);
    let schedule = public.exchange_schedule().await.unwrap();
    assert_eq!(schedule.schedule.standard_hours.len(), 1);
    assert_eq!(schedule.schedule.standard_hours[0].monday.len(), 1);

    // Pages of two, followed by hand to the empty cursor.
    let mut query = MarketsQuery { limit: Some(2), ..MarketsQuery::default() };
    let mut seen = Vec::new();
    loop {
        let page = public.markets(&query).await.unwrap();
        assert!(page.markets.len() <= 2);
        seen.extend(page.markets.into_iter().map(|m| m.ticker.to_string()));
        if page.cursor.is_empty() {
            break;
        }
        query.cursor = Some(page.cursor);
    }
    let all: Vec<String> = MARKETS.iter().map(|m| m.0.to_owned()).collect();
    assert_eq!(seen, all, "every market exactly once, by ticker");
    let all_markets = public.markets_all(&MarketsQuery { limit: Some(3), ..MarketsQuery::default() }).await.unwrap();
    assert_eq!(all_markets.len(), 5);

    let count = |q: MarketsQuery| {
        let public = public.clone();
        async move { public.markets(&q).await.unwrap().markets.len() }
    };
    assert_eq!(count(MarketsQuery { series_ticker: Some(SeriesTicker::new(SERIES)), ..Default::default() }).await, 4);
    assert_eq!(count(MarketsQuery { event_ticker: Some(EVENT.into()), ..Default::default() }).await, 3);
    let tickers = vec![ticker(), MarketTicker::new("KXOTHER-26JAN01-A")];
    assert_eq!(count(MarketsQuery { tickers, ..Default::default() }).await, 2);
    assert_eq!(count(MarketsQuery { status: Some(MarketFilter::Open), ..Default::default() }).await, 5);
    assert_eq!(count(MarketsQuery { status: Some(MarketFilter::Settled), ..Default::default() }).await, 0);

    let market = public.market(&ticker()).await.unwrap();
    assert_eq!(market.status, wire::MarketStatus::Active);
    assert_eq!(market.price_level_structure, "linear_cent");
    assert!(market.is_valid_price(cents(42)) && !market.is_valid_price("0.425".parse().unwrap()));
    assert_eq!((market.yes_bid_dollars, market.yes_ask_dollars), (Price::ZERO, Price::ONE), "empty book");
    let missing = public.market(&MarketTicker::new("NOPE")).await.unwrap_err();
    assert_eq!(api_code(&missing), (404, "not_found"));

    let book = public.orderbook(&ticker(), None).await.unwrap();
    assert!(book.orderbook_fp.yes_dollars.is_empty() && book.orderbook_fp.no_dollars.is_empty());
    let books = public.orderbooks(&[ticker(), MarketTicker::new("KXSIM-26JAN01-T60")]).await.unwrap();
    assert_eq!(books.orderbooks.len(), 2);
    assert!(public.trades(&ticker(), None, None).await.unwrap().trades.is_empty());

    let events = public.events(&kmm_kalshi::rest::EventsQuery::default()).await.unwrap();
    assert_eq!(events.events.len(), 3);
    assert_eq!(events.cursor, "");
    let event = public.event(EVENT).await.unwrap();
    assert_eq!(event.markets.len(), 3);
    assert_eq!(event.event.markets.as_ref().map(Vec::len), Some(3), "with_nested_markets=true nests them");
    let series = public.series(&SeriesTicker::new(SERIES)).await.unwrap().series;
    assert_eq!(series.fee_schedule().unwrap(), kmm_model::FeeSchedule::default());
    assert_eq!(public.series_list(None).await.unwrap().series.len(), 2);
    let costs = public.endpoint_costs().await.unwrap();
    assert_eq!(costs.default_cost, 10);
    assert_eq!(costs.cost_of("DELETE", "/trade-api/v2/portfolio/events/orders/batched"), 2);

    let limits = sim.client("alice").account_limits().await.unwrap();
    assert_eq!(
        (limits.usage_tier.as_str(), limits.read.refill_rate, limits.write.bucket_capacity),
        ("basic", 200, 200)
    );
    sim.server.shutdown().await;
}

#[tokio::test]
async fn resting_order_lifecycle_with_rsa_key() {
    let sim = start(|_| {}).await;
    let alice = sim.client("alice");
    let before = available(&alice).await;
    assert_eq!(before, start_balance());

    let mut request = bid(cents(40), qty(10));
    request.client_order_id = Some(ClientOrderId::new("alice-1"));
    request.post_only = Some(true);
    let ack = alice.create_order(&request).await.unwrap();
    assert_eq!((ack.fill_count, ack.remaining_count), (Qty::ZERO, qty(10)));
    assert_eq!(ack.client_order_id.as_ref().map(ClientOrderId::as_str), Some("alice-1"));
    assert_eq!((ack.average_fill_price, ack.average_fee_paid), (None, None), "nothing filled");

    // Collateral: the price of each contract plus the taker fee at the order price.
    let locked = add(notional(cents(40), qty(10)), fee(qty(10), cents(40), true));
    assert_eq!(available(&alice).await, sub(before, locked));

    let resting =
        alice.orders(&OrdersQuery { status: Some(OrderStatus::Resting), ..OrdersQuery::default() }).await.unwrap();
    assert_eq!(resting.orders.len(), 1);
    assert_eq!(resting.cursor, "");
    let order = alice.order(&ack.order_id).await.unwrap();
    assert_eq!(order.to_model().unwrap().remaining, qty(10));
    assert_eq!((order.book_side, order.outcome_side), (Some(Side::Bid), Some(Outcome::Yes)));
    assert_eq!(order.yes_price_dollars, cents(40));
    assert_eq!(order.no_price_dollars, cents(60));
    assert_eq!(order.user_id, "alice");
    let book = sim.public().orderbook(&ticker(), None).await.unwrap();
    assert_eq!(book.orderbook_fp.yes_dollars, vec![(cents(40), qty(10))]);

    let amend = AmendOrderV2Request {
        ticker: ticker(),
        side: Side::Bid,
        price: cents(42),
        count: qty(12),
        client_order_id: None,
        updated_client_order_id: None,
        expiration_time: None,
        exchange_index: None,
    };
    let amended = alice.amend_order(&ack.order_id, &amend).await.unwrap();
    assert_eq!((amended.remaining_count, amended.fill_count), (Some(qty(12)), Some(Qty::ZERO)));
    let locked = add(notional(cents(42), qty(12)), fee(qty(12), cents(42), true));
    assert_eq!(available(&alice).await, sub(before, locked), "collateral follows the amend");

    let decreased = alice.decrease_order(&ack.order_id, &DecreaseOrderV2Request::by(qty(2))).await.unwrap();
    assert_eq!(decreased.remaining_count, qty(10));
    let decreased = alice.decrease_order(&ack.order_id, &DecreaseOrderV2Request::to(qty(7))).await.unwrap();
    assert_eq!(decreased.remaining_count, qty(7));

    let canceled = alice.cancel_order(&ack.order_id).await.unwrap();
    assert_eq!(canceled.reduced_by, qty(7));
    let again = alice.cancel_order(&ack.order_id).await.unwrap();
    assert_eq!(again.reduced_by, Qty::ZERO, "canceling a canceled order removes nothing");
    let order = alice.order(&ack.order_id).await.unwrap();
    assert_eq!(order.status, wire::OrderStatus::Canceled);
    assert_eq!(available(&alice).await, before, "no fills, no fees: all collateral is back");
    let error = alice.amend_order(&ack.order_id, &amend).await.unwrap_err();
    assert_eq!(api_code(&error), (409, "cannot_update_filled_order"));
    let error = alice.order(&OrderId::new("00000000-0001-4000-8000-00000000ffff")).await.unwrap_err();
    assert_eq!(api_code(&error), (404, "not_found"));
    sim.server.shutdown().await;
}

#[tokio::test]
async fn crossing_fills_positions_and_exact_balances() {
    let sim = start(|_| {}).await;
    let (alice, bob) = (sim.client("alice"), sim.client("bob"));
    let (alice0, bob0) = (available(&alice).await, available(&bob).await);

    let maker = alice.create_order(&bid(cents(45), qty(10))).await.unwrap();
    let mut take = ask(cents(45), qty(4));
    take.time_in_force = TimeInForce::ImmediateOrCancel;
    let taker = bob.create_order(&take).await.unwrap();
    assert_eq!((taker.fill_count, taker.remaining_count), (qty(4), Qty::ZERO));
    assert_eq!(taker.average_fill_price, Some(money("0.45")), "average YES price of the fills");
    let taker_fee = fee(qty(4), cents(45), true);
    let maker_fee = fee(qty(4), cents(45), false);
    assert_eq!(taker_fee, money("0.0693"), "ceil(0.07 × 4 × 0.45 × 0.55, $0.0001)");
    assert_eq!(maker_fee, money("0.0174"), "ceil(0.0175 × 4 × 0.45 × 0.55, $0.0001)");

    // Bob bought 4 NO at $0.55: balance after = before − cost − fee, exactly.
    assert_eq!(available(&bob).await, sub(sub(bob0, notional(cents(55), qty(4))), taker_fee));
    // Alice paid $0.45 × 4 and the maker fee; 6 contracts still rest with their collateral.
    let still_locked = add(notional(cents(45), qty(6)), fee(qty(6), cents(45), true));
    let alice1 = sub(sub(sub(alice0, notional(cents(45), qty(4))), maker_fee), still_locked);
    assert_eq!(available(&alice).await, alice1);

    let fills = alice.fills(&FillsQuery::default()).await.unwrap();
    assert_eq!(fills.fills.len(), 1);
    let fill = fills.fills[0].to_model().unwrap();
    assert_eq!(
        (fill.side, fill.price, fill.count, fill.is_taker, fill.fee),
        (Side::Bid, cents(45), qty(4), false, maker_fee)
    );
    assert_eq!(fill.order_id, maker.order_id);
    let bob_fill =
        bob.fills(&FillsQuery { order_id: Some(taker.order_id.clone()), ..FillsQuery::default() }).await.unwrap();
    let bob_fill = bob_fill.fills[0].to_model().unwrap();
    assert_eq!((bob_fill.side, bob_fill.is_taker, bob_fill.fee), (Side::Ask, true, taker_fee));
    assert_eq!(bob_fill.trade_id, fill.trade_id, "both sides of one trade share its id");
    let other = FillsQuery { tickers: vec![MarketTicker::new("KXSIM-26JAN01-T60")], ..FillsQuery::default() };
    assert!(bob.fills(&other).await.unwrap().fills.is_empty());

    let positions = alice.positions(&PortfolioQuery::default()).await.unwrap();
    let p = positions.market_positions.iter().find(|p| p.ticker.as_str() == TICKER).unwrap();
    assert_eq!((p.position_fp, p.market_exposure_dollars, p.fees_paid_dollars), (qty(4), money("1.80"), maker_fee));
    assert_eq!(p.resting_orders_count, Some(1));
    assert_eq!(positions.event_positions.len(), 1);
    assert_eq!(positions.event_positions[0].total_cost_shares_fp, qty(4));
    let positions = bob.positions(&PortfolioQuery::default()).await.unwrap();
    let p = &positions.market_positions[0];
    assert_eq!((p.position_fp, p.market_exposure_dollars), ("-4.00".parse().unwrap(), money("2.20")));
    let model = p.to_model().unwrap();
    assert_eq!(model.cost, money("-1.80"), "long NO in YES terms: minus the YES proceeds");
    assert_eq!(bob.balance().await.unwrap().portfolio_value, 220, "4 NO marked at $0.55 (last trade 0.45)");
    assert_eq!(alice.balance().await.unwrap().portfolio_value, 180);

    // A second trade, then fills and trades page by one, newest first.
    bob.create_order(&take).await.unwrap();
    let first = alice.fills(&FillsQuery { limit: Some(1), ..FillsQuery::default() }).await.unwrap();
    assert_eq!(first.fills.len(), 1);
    assert!(!first.cursor.is_empty(), "a second page follows");
    let second = FillsQuery { limit: Some(1), cursor: Some(first.cursor.clone()), ..FillsQuery::default() };
    let second = alice.fills(&second).await.unwrap();
    assert_eq!((second.fills.len(), second.cursor.as_str()), (1, ""));
    assert_ne!(first.fills[0].trade_id, second.fills[0].trade_id);
    assert!(first.fills[0].ts >= second.fills[0].ts, "newest first");
    let trades = sim.public().trades(&ticker(), Some(1), None).await.unwrap();
    assert_eq!(trades.trades[0].trade_id, first.fills[0].trade_id.clone().unwrap());
    let trades = sim.public().trades(&ticker(), Some(1), Some(&trades.cursor)).await.unwrap();
    assert_eq!((trades.trades.len(), trades.cursor.as_str()), (1, ""));
    assert_eq!(trades.trades[0].aggressor_side(), Some(Side::Ask));
    let market = sim.public().market(&ticker()).await.unwrap();
    assert_eq!((market.last_price_dollars, market.volume_fp, market.open_interest_fp), (cents(45), qty(8), qty(8)));
    assert_eq!((market.yes_bid_dollars, market.yes_bid_size_fp), (cents(45), qty(2)));
    assert_eq!(market.volume_24h_fp, qty(8));
    sim.server.shutdown().await;
}

#[tokio::test]
async fn batches_and_cancel_all() {
    let sim = start(|_| {}).await;
    let carol = sim.client("carol");
    let before = available(&carol).await;
    let off_grid: Price = "0.425".parse().unwrap();
    let batch = BatchCreateOrdersV2Request {
        orders: vec![bid(cents(30), qty(1)), bid(off_grid, qty(1)), ask(cents(70), qty(2))],
    };
    let results = carol.batch_create_orders(&batch).await.unwrap().orders;
    assert_eq!(results.len(), 3);
    let first = results[0].clone().into_result().unwrap();
    let bad = results[1].clone().into_result().unwrap_err();
    assert_eq!(bad.code.as_deref(), Some("invalid_order"), "an off-grid price fails only its item");
    let third = results[2].clone().into_result().unwrap();

    let cancel = BatchCancelOrdersV2Request {
        orders: vec![
            CancelOrderItem::new(first.order_id.clone()),
            CancelOrderItem::new(OrderId::new("not-an-order")),
            CancelOrderItem::new(third.order_id.clone()),
        ],
    };
    let results = carol.batch_cancel_orders(&cancel).await.unwrap().orders;
    assert_eq!(results.iter().map(|r| r.reduced_by).collect::<Vec<_>>(), vec![qty(1), Qty::ZERO, qty(2)]);
    assert_eq!(results[1].error.as_ref().and_then(|e| e.code.as_deref()), Some("not_found"));
    assert_eq!(available(&carol).await, before);

    for price in [20, 21, 22] {
        carol.create_order(&bid(cents(price), qty(1))).await.unwrap();
    }
    carol.cancel_all_orders().await.unwrap();
    let resting = OrdersQuery { status: Some(OrderStatus::Resting), ..OrdersQuery::default() };
    assert!(carol.orders(&resting).await.unwrap().orders.is_empty());
    let all = carol.orders_all(&OrdersQuery { limit: Some(2), ..OrdersQuery::default() }).await.unwrap();
    assert_eq!(all.len(), 5, "paged by two: two batch orders and three canceled by cancel-all");
    assert_eq!(available(&carol).await, before);
    sim.server.shutdown().await;
}

fn legacy(
    side: Outcome,
    action: wire::Action,
    yes_price: Option<i64>,
    no_price: Option<i64>,
    count: i64,
) -> CreateOrderRequest {
    serde_json::from_value(serde_json::json!({
        "ticker": TICKER,
        "side": side,
        "action": action,
        "yes_price": yes_price,
        "no_price": no_price,
        "count": count,
    }))
    .unwrap()
}

#[tokio::test]
async fn legacy_endpoints_map_side_action_and_prices() {
    let sim = start(|_| {}).await;
    let bob = sim.client("bob");
    // Buying NO at 60¢ is selling YES at 40¢: an ask at 0.40.
    let created = bob.create_order_v1(&legacy(Outcome::No, wire::Action::Buy, None, Some(60), 3)).await.unwrap();
    let order = created.order;
    assert_eq!(
        (order.book_side, order.yes_price_dollars, order.remaining_count_fp),
        (Some(Side::Ask), cents(40), qty(3))
    );
    let book = sim.public().orderbook(&ticker(), None).await.unwrap();
    assert_eq!(book.orderbook_fp.no_dollars, vec![(cents(60), qty(3))], "an ask shows as a NO bid at $1 − p");

    let amend: AmendOrderRequest = serde_json::from_value(serde_json::json!({
        "ticker": TICKER, "side": "no", "action": "buy", "no_price": 62, "count": 5
    }))
    .unwrap();
    let amended = bob.amend_order_v1(&order.order_id, &amend).await.unwrap();
    assert_eq!(amended.old_order.yes_price_dollars, cents(40));
    assert_eq!((amended.order.yes_price_dollars, amended.order.remaining_count_fp), (cents(38), qty(5)));
    let decrease = DecreaseOrderRequest { reduce_by: Some(1), ..DecreaseOrderRequest::default() };
    let decreased = bob.decrease_order_v1(&order.order_id, &decrease).await.unwrap();
    assert_eq!(decreased.order.remaining_count_fp, qty(4));
    let canceled = bob.cancel_order_v1(&order.order_id).await.unwrap();
    assert_eq!(canceled.reduced_by().unwrap(), Some(qty(4)));
    assert_eq!(canceled.order.status, wire::OrderStatus::Canceled);

    let both_prices = legacy(Outcome::Yes, wire::Action::Buy, Some(40), Some(60), 1);
    let error = bob.create_order_v1(&both_prices).await.unwrap_err();
    assert_eq!(api_code(&error), (400, "invalid_order"));

    // Sell YES at 55¢ = ask at 0.55; buy YES at 30¢ = bid at 0.30.
    let batch = BatchCreateOrdersRequest {
        orders: vec![
            legacy(Outcome::Yes, wire::Action::Sell, Some(55), None, 2),
            legacy(Outcome::Yes, wire::Action::Buy, Some(30), None, 2),
            legacy(Outcome::Yes, wire::Action::Buy, Some(0), None, 2),
        ],
    };
    let results = bob.batch_create_orders_v1(&batch).await.unwrap().orders;
    let sides: Vec<_> = results.iter().map(|r| r.order.as_ref().map(|o| (o.book_side, o.yes_price_dollars))).collect();
    assert_eq!(sides, vec![Some((Some(Side::Ask), cents(55))), Some((Some(Side::Bid), cents(30))), None]);
    assert_eq!(results[2].error.as_ref().and_then(|e| e.code.as_deref()), Some("invalid_order"));
    let ids: Vec<OrderId> = results.iter().filter_map(|r| r.order.as_ref().map(|o| o.order_id.clone())).collect();
    let cancel = BatchCancelOrdersRequest { ids: Some(ids), orders: None };
    let results = bob.batch_cancel_orders_v1(&cancel).await.unwrap().orders;
    assert_eq!(results.iter().map(|r| r.reduced_by_fp).collect::<Vec<_>>(), vec![qty(2), qty(2)]);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn order_groups_kill_switch() {
    let sim = start(|_| {}).await;
    let (alice, bob) = (sim.client("alice"), sim.client("bob"));
    let group = alice.create_order_group(&CreateOrderGroupRequest::with_limit(qty(5))).await.unwrap();
    assert_eq!(group.subaccount, 0);
    let id = group.order_group_id;
    let mut request = bid(cents(30), qty(2));
    request.order_group_id = Some(id.clone());
    let order = alice.create_order(&request).await.unwrap();
    let groups = alice.order_groups().await.unwrap().order_groups;
    assert_eq!(groups.len(), 1);
    assert_eq!((groups[0].is_auto_cancel_enabled, groups[0].contracts_limit_fp), (false, Some(qty(5))));
    let one = alice.order_group(&id).await.unwrap();
    assert_eq!(one.orders, vec![order.order_id.clone()]);

    alice.trigger_order_group(&id).await.unwrap();
    assert_eq!(alice.order(&order.order_id).await.unwrap().status, wire::OrderStatus::Canceled);
    assert!(alice.order_group(&id).await.unwrap().is_auto_cancel_enabled, "triggered");
    let error = alice.create_order(&request).await.unwrap_err();
    assert_eq!(api_code(&error), (400, "exceeded_order_group_risk_limit"));
    alice.reset_order_group(&id).await.unwrap();
    alice.create_order(&request).await.unwrap();

    // Matching 3 of a 3-contract limit triggers the group.
    alice
        .set_order_group_limit(
            &id,
            &UpdateOrderGroupLimitRequest { contracts_limit: Some(3), contracts_limit_fp: None },
        )
        .await
        .unwrap();
    let mut hit = ask(cents(30), qty(3));
    hit.time_in_force = TimeInForce::ImmediateOrCancel;
    let mut more = bid(cents(30), qty(2));
    more.order_group_id = Some(id.clone());
    alice.create_order(&more).await.unwrap();
    bob.create_order(&hit).await.unwrap();
    let one = alice.order_group(&id).await.unwrap();
    assert!(one.is_auto_cancel_enabled && one.orders.is_empty(), "limit hit: the rest of the group was canceled");

    alice.delete_order_group(&id).await.unwrap();
    let error = alice.order_group(&id).await.unwrap_err();
    assert_eq!(api_code(&error), (404, "not_found"));
    let error = alice.create_order_group(&CreateOrderGroupRequest::default()).await.unwrap_err();
    assert_eq!(api_code(&error), (400, "bad_request"), "a limit is required");
    sim.server.shutdown().await;
}

#[tokio::test]
async fn status_codes_and_content_type() {
    let sim = start(|_| {}).await;
    let order = format!(
        r#"{{"ticker":"{TICKER}","side":"bid","count":"1.00","price":"0.3000","time_in_force":"good_till_canceled","self_trade_prevention_type":"maker"}}"#
    );
    let created = sim.raw(Some("alice"), Method::POST, "/portfolio/events/orders", Some(&order)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.content_type.as_deref(), Some("application/json"));
    let id = created.json()["order_id"].as_str().unwrap().to_owned();
    let json = created.json();
    assert_eq!((json["fill_count"].as_str(), json["remaining_count"].as_str()), (Some("0.00"), Some("1.00")));
    assert!(json["ts_ms"].is_i64());

    let legacy = format!(r#"{{"ticker":"{TICKER}","side":"yes","action":"buy","count":1,"yes_price":31}}"#);
    assert_eq!(sim.raw(Some("alice"), Method::POST, "/portfolio/orders", Some(&legacy)).await.status, 201);
    let batch = format!(r#"{{"orders":[{order}]}}"#);
    assert_eq!(
        sim.raw(Some("alice"), Method::POST, "/portfolio/events/orders/batched", Some(&batch)).await.status,
        201
    );
    let batch = format!(r#"{{"orders":[{legacy}]}}"#);
    assert_eq!(sim.raw(Some("alice"), Method::POST, "/portfolio/orders/batched", Some(&batch)).await.status, 201);
    let group =
        sim.raw(Some("alice"), Method::POST, "/portfolio/order_groups/create", Some(r#"{"contracts_limit":5}"#)).await;
    assert_eq!(group.status, 201);
    let group_id = group.json()["order_group_id"].as_str().unwrap().to_owned();
    let reset = sim.raw(Some("alice"), Method::PUT, &format!("/portfolio/order_groups/{group_id}/reset"), None).await;
    assert_eq!((reset.status, reset.json()), (200, serde_json::json!({})), "an empty body is accepted as {{}}");

    let read = sim.raw(Some("alice"), Method::GET, &format!("/portfolio/orders/{id}"), None).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json()["order"]["client_order_id"], "", "no client id is the empty string, never null");
    let queue = sim.raw(Some("alice"), Method::GET, &format!("/portfolio/orders/{id}/queue_position"), None).await;
    assert_eq!((queue.status, queue.json()["queue_position_fp"].as_str()), (200, Some("0.00")));
    let queues = sim
        .raw(Some("alice"), Method::GET, &format!("/portfolio/orders/queue_positions?market_tickers={TICKER}"), None)
        .await;
    assert_eq!(queues.json()["queue_positions"].as_array().map(Vec::len), Some(4));

    let all = sim.raw(Some("alice"), Method::DELETE, "/portfolio/events/orders", None).await;
    assert_eq!((all.status, all.text.as_str()), (204, ""), "cancel-all answers 204 with no body");
    let value = sim.raw(Some("alice"), Method::GET, "/portfolio/summary/total_resting_order_value", None).await;
    assert_eq!(value.json()["total_resting_order_value"], 0);
    sim.server.shutdown().await;
}
