use std::sync::Arc;
use std::time::Duration;

use kmm_engine::clock::SystemClock;
use kmm_engine::runner::{self, EngineConfig, EngineHandle};
use kmm_engine::venue::LiveVenue;
use kmm_kalshi::ratelimit::Tier;
use kmm_kalshi::signer::KeyKind;
use kmm_kalshi::ws::WsConfig;
use kmm_kalshi::{RestClient, RestConfig, Signer};
use kmm_model::OrderStatus;
use kmm_sim::faults::FaultConfig;
use kmm_sim::flow::FlowConfig;
use kmm_sim::server::SimConfig;
use kmm_sim::server::app::SimServer;
use kmm_sim::{Exchange, OrderFilter};

async fn simulator(markets: usize, faults: FaultConfig) -> (SimServer, Signer) {
    let mut config = SimConfig::new(Vec::new());
    config.seed = 7;
    config.tier = Tier::PRIME;
    config.faults = faults;
    config.flow = Some(FlowConfig { markets, orders_per_sec: 12.0, ..FlowConfig::default() });
    SimServer::start_with_new_key(config, Exchange::new(), KeyKind::Ed25519).await.unwrap()
}

async fn engine(server: &SimServer, signer: &Signer, markets: usize) -> EngineHandle {
    let mut rest = RestConfig::new(server.endpoints());
    rest.tier = Tier::PRIME;
    let venue = LiveVenue::new(RestClient::new(rest, Some(signer.clone())).unwrap());
    let config = EngineConfig {
        auto_markets: markets,
        decide_interval_ms: 100,
        reconcile_interval_ms: 1_000,
        audit_interval_ms: 700,
        ..EngineConfig::default()
    };
    runner::spawn(config, venue, WsConfig::new(server.endpoints(), Some(signer.clone())), Arc::new(SystemClock))
        .await
        .unwrap()
}

/// Our user's resting orders, read straight from the exchange.
fn resting_on_exchange(server: &SimServer, signer: &Signer) -> usize {
    let key = server.state().key(signer.key_id()).unwrap().user.clone();
    let filter = OrderFilter { status: Some(OrderStatus::Resting), ..OrderFilter::default() };
    server.state().read(|ex| ex.orders(&key, &filter).map(|o| o.len()).unwrap_or(usize::MAX))
}

/// Polls `status` until `done` holds or `limit` passes.
async fn wait_for(
    engine: &EngineHandle,
    limit: Duration,
    done: impl Fn(&runner::EngineStatus) -> bool,
) -> runner::EngineStatus {
    let start = tokio::time::Instant::now();
    loop {
        let status = engine.status().await.unwrap();
        if done(&status) || start.elapsed() > limit {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_trading_quotes_fills_and_shuts_down_flat() {
    let (server, signer) = simulator(3, FaultConfig::default()).await;
    let engine = engine(&server, &signer, 3).await;

    let quoting = wait_for(&engine, Duration::from_secs(10), |s| !s.orders.is_empty()).await;
    assert!(!quoting.orders.is_empty(), "quotes appear on the synthetic markets: {quoting:?}");
    assert!(resting_on_exchange(&server, &signer) > 0, "and rest on the exchange");
    let filled = wait_for(&engine, Duration::from_secs(40), |s| s.fills >= 2).await;
    assert!(filled.fills >= 2, "synthetic takers fill our quotes (got {} fills)", filled.fills);
    assert!(filled.fees.micros() > 0, "fills pay fees");

    let report = engine.shutdown().await.unwrap();
    assert!(report.confirmed_flat, "the exchange confirmed none of our orders remain: {report:?}");
    assert_eq!(resting_on_exchange(&server, &signer), 0, "checked on the exchange itself");
    assert!(report.positions_match, "engine positions equal the exchange's");
    assert!(engine.status().await.is_err(), "the engine task ended");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_switch_cancels_everything_and_reset_resumes() {
    let (server, signer) = simulator(2, FaultConfig::default()).await;
    let engine = engine(&server, &signer, 2).await;
    wait_for(&engine, Duration::from_secs(10), |s| s.orders.iter().any(|o| o.order_id.is_some())).await;
    assert!(resting_on_exchange(&server, &signer) > 0);

    let cancels = engine.kill("test: kill switch").await.unwrap();
    assert!(cancels > 0, "the kill switch cancels every resting order");
    let start = tokio::time::Instant::now();
    while resting_on_exchange(&server, &signer) > 0 && start.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(resting_on_exchange(&server, &signer), 0, "nothing rests after the kill switch");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(resting_on_exchange(&server, &signer), 0, "and nothing new is placed while it is latched");
    let status = engine.status().await.unwrap();
    assert_eq!(status.state, kmm_engine::risk::TradingState::Halted);

    assert!(engine.reset("").await.unwrap().is_err(), "a reset must name the person");
    assert_eq!(engine.reset("tester").await.unwrap(), Ok(true));
    let resumed = wait_for(&engine, Duration::from_secs(10), |s| s.orders.iter().any(|o| o.order_id.is_some())).await;
    assert!(resumed.orders.iter().any(|o| o.order_id.is_some()), "quoting resumes after the reset");

    let report = engine.shutdown().await.unwrap();
    assert!(report.confirmed_flat && report.positions_match, "{report:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_leave_orders_and_positions_equal_to_the_exchange() {
    let faults = FaultConfig {
        http_429_rate: 0.05,
        http_5xx_rate: 0.05,
        reject_order_rate: 0.05,
        ws_drop_per_sec: 0.15,
        ws_seq_skip_rate: 0.01,
        ws_duplicate_rate: 0.02,
        ws_max_delay_ms: 5,
        ws_fill_loss_rate: 0.1,
        trading_paused: false,
    };
    let (server, signer) = simulator(3, faults).await;
    let engine = engine(&server, &signer, 3).await;
    let mut events = engine.subscribe();
    let run = tokio::time::sleep(Duration::from_secs(15));
    tokio::pin!(run);
    let (mut disconnects, mut errors) = (0, 0);
    loop {
        tokio::select! {
            () = &mut run => break,
            event = events.recv() => match event {
                Ok(runner::EngineEvent::ConnectionChanged { connection: runner::Connection::Disconnected, .. }) => disconnects += 1,
                Ok(runner::EngineEvent::OrderError { .. }) => errors += 1,
                _ => {}
            }
        }
    }
    let status = engine.status().await.unwrap();
    // Faults off for the sweep, so the final check measures the engine, not the dice.
    server.state().faults.set(FaultConfig::default()).unwrap();
    let report = engine.shutdown().await.unwrap();
    assert!(
        disconnects + errors > 0,
        "faults were actually injected (disconnects {disconnects}, order errors {errors})"
    );
    assert!(report.confirmed_flat, "no resting order left behind: {report:?}");
    assert_eq!(resting_on_exchange(&server, &signer), 0);
    assert!(report.positions_match, "positions equal the exchange's after faults (fills {})", status.fills);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_sweep_cancels_our_leftover_orders_and_adopts_positions() {
    let (server, signer) = simulator(2, FaultConfig::default()).await;
    // A previous session of ours left an order resting and a position open.
    let mut rest = RestConfig::new(server.endpoints());
    rest.tier = Tier::PRIME;
    let client = RestClient::new(rest, Some(signer.clone())).unwrap();
    let market = client.markets(&Default::default()).await.unwrap().markets[0].ticker.clone();
    let mut leftover = kmm_kalshi::wire::CreateOrderV2Request::limit(
        market.clone(),
        kmm_model::Side::Bid,
        kmm_model::Price::from_cents(2).unwrap(),
        kmm_model::Qty::from_contracts(3).unwrap(),
    );
    leftover.client_order_id = Some(kmm_model::ClientOrderId::new("kmm-oldsession-1"));
    client.create_order(&leftover).await.unwrap();
    let mut taker = kmm_kalshi::wire::CreateOrderV2Request::limit(
        market.clone(),
        kmm_model::Side::Bid,
        kmm_model::Price::from_cents(99).unwrap(),
        kmm_model::Qty::from_contracts(2).unwrap(),
    );
    taker.time_in_force = kmm_kalshi::wire::TimeInForce::ImmediateOrCancel;
    let taken = client.create_order(&taker).await.unwrap();
    assert!(taken.fill_count.is_positive(), "the synthetic book had an ask to take");
    assert_eq!(resting_on_exchange(&server, &signer), 1);

    let engine = engine(&server, &signer, 2).await;
    let status = wait_for(&engine, Duration::from_secs(10), |s| {
        s.portfolio.markets.iter().any(|m| m.ticker == market && !m.qty.is_zero())
    })
    .await;
    let position = status.portfolio.markets.iter().find(|m| m.ticker == market).map(|m| m.qty);
    assert_eq!(position, Some(taken.fill_count), "the exchange's position was adopted at startup");
    let start = tokio::time::Instant::now();
    loop {
        let key = server.state().key(signer.key_id()).unwrap().user.clone();
        let old = server.state().read(|ex| {
            ex.order_by_client_id(&key, &kmm_model::ClientOrderId::new("kmm-oldsession-1")).map(|o| o.status)
        });
        if old.as_ref().is_ok_and(|s| *s != OrderStatus::Resting) || start.elapsed() > Duration::from_secs(10) {
            assert!(
                old.is_ok_and(|s| s == OrderStatus::Canceled),
                "the leftover order was canceled by the startup sweep"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = engine.shutdown().await.unwrap();
    assert!(report.confirmed_flat && report.positions_match, "{report:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fills_lost_while_disconnected_are_backfilled_on_reconnect() {
    let (server, signer) = simulator(2, FaultConfig::default()).await;
    let engine = engine(&server, &signer, 2).await;
    let quoted = wait_for(&engine, Duration::from_secs(10), |s| s.orders.iter().any(|o| o.order_id.is_some())).await;
    let ours = quoted.orders.iter().find(|o| o.order_id.is_some()).unwrap().clone();

    let our_user = server.state().key(signer.key_id()).unwrap().user.clone();
    let exchange_fills = || server.state().read(|ex| ex.fills(&our_user).map(|f| f.len() as u64).unwrap());

    // Every fill frame is lost from now on.
    server.state().faults.set(FaultConfig { ws_fill_loss_rate: 1.0, ..FaultConfig::default() }).unwrap();
    // Another trader hits our resting order.
    server
        .state()
        .mutate(|ex| ex.add_user(kmm_sim::UserId::new("hitter"), kmm_model::Money::from_micros(1_000_000_000)))
        .unwrap();
    let hit = server
        .state()
        .mutate(|ex| {
            ex.create_order(
                &kmm_sim::UserId::new("hitter"),
                kmm_sim::OrderRequest::new(
                    ours.ticker.clone(),
                    ours.side.opposite(),
                    ours.price,
                    kmm_model::Qty::from_contracts(1).unwrap(),
                ),
                kmm_sim::server::now_ms(),
            )
        })
        .unwrap();
    assert!(hit.filled.is_positive(), "the hit filled against our quote");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let missed = engine.status().await.unwrap().fills;
    assert!(missed < exchange_fills(), "the fill frame was lost: engine {missed}, exchange {}", exchange_fills());

    // The feed drops and reconnects (fill frames still lost): the engine backfills over REST.
    server
        .state()
        .faults
        .set(FaultConfig { ws_fill_loss_rate: 1.0, ws_drop_per_sec: 40.0, ..FaultConfig::default() })
        .unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    server.state().faults.set(FaultConfig { ws_fill_loss_rate: 1.0, ..FaultConfig::default() }).unwrap();
    // The flow keeps trading (and those fill frames are lost too): check the fills that had
    // happened by now are all recovered.
    let target = exchange_fills();
    let recovered = wait_for(&engine, Duration::from_secs(15), |s| s.fills >= target).await;
    assert!(recovered.fills >= target, "every lost fill was backfilled: engine {}, exchange {target}", recovered.fills);
    server.state().faults.set(FaultConfig::default()).unwrap();
    let report = engine.shutdown().await.unwrap();
    let exchange_positions = server.state().read(|ex| ex.positions(&our_user).unwrap());
    let exchange_fill_list = server.state().read(|ex| {
        ex.fills(&our_user).unwrap().iter().map(|f| (f.fill.trade_id.clone(), f.fill.ts_ms)).collect::<Vec<_>>()
    });
    assert!(
        report.confirmed_flat && report.positions_match,
        "{report:?}\nexchange: {exchange_positions:?}\nfills: {exchange_fill_list:?}"
    );
    server.shutdown().await;
}
