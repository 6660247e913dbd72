//! REST order round trips per second over loopback: a signed V2 create followed by its cancel,
//! against a running simulator, beside a baseline of unsigned `GET /exchange/status` requests
//! (HTTP + JSON with no auth, no matching) in the same invocation.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kmm_kalshi::ratelimit::Tier;
use kmm_kalshi::signer::KeyKind;
use kmm_kalshi::wire::CreateOrderV2Request;
use kmm_kalshi::{RestClient, RestConfig};
use kmm_model::{MarketTicker, Price, Qty, Side};
use kmm_sim::server::SimConfig;
use kmm_sim::server::app::SimServer;
use kmm_sim::{Exchange, MarketConfig};

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (server, clients) = runtime.block_on(async {
        let mut exchange = Exchange::new();
        exchange.add_market(MarketConfig::binary("BENCH-26JAN01-T50", "BENCH-26JAN01", "BENCH"), 0).unwrap();
        let mut config = SimConfig::new(Vec::new());
        // A tier far above the request rate, so the limiter never waits.
        config.tier = Tier::new(10_000_000, 10_000_000);
        let mut clients = Vec::new();
        // One server with both keys registered.
        let (ed_key, ed) = kmm_sim::server::app::new_api_key(KeyKind::Ed25519, kmm_sim::UserId::new("ed")).unwrap();
        let (rsa_key, rsa) = kmm_sim::server::app::new_api_key(KeyKind::Rsa, kmm_sim::UserId::new("rsa")).unwrap();
        config.api_keys = vec![ed_key, rsa_key];
        let server = SimServer::start(config, exchange).await.unwrap();
        for (name, signer) in [("ed25519", ed), ("rsa2048", rsa)] {
            let mut rest = RestConfig::new(server.endpoints());
            rest.tier = Tier::new(10_000_000, 10_000_000);
            clients.push((name, RestClient::new(rest, Some(signer)).unwrap()));
        }
        (server, clients)
    });
    let ticker = MarketTicker::new("BENCH-26JAN01-T50");
    let mut group = c.benchmark_group("rest_loopback");
    group.throughput(Throughput::Elements(1));
    group.bench_function("baseline_get_exchange_status", |b| {
        let client = &clients[0].1;
        b.iter(|| runtime.block_on(async { black_box(client.exchange_status().await.unwrap()) }))
    });
    for (name, client) in &clients {
        group.bench_function(format!("create_and_cancel_{name}"), |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let request = CreateOrderV2Request::limit(
                        ticker.clone(),
                        Side::Bid,
                        Price::from_cents(10).unwrap(),
                        Qty::from_contracts(1).unwrap(),
                    );
                    let ack = client.create_order(&request).await.unwrap();
                    black_box(client.cancel_order(&ack.order_id).await.unwrap())
                })
            })
        });
    }
    group.finish();
    runtime.block_on(server.shutdown());
}

criterion_group!(benches, bench);
criterion_main!(benches);
