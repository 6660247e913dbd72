//! In-process matching throughput of the simulator's exchange core (orders per second).
//!
//! One `linear_cent` market, 20 funded users and a pre-filled book (10 orders per user on
//! each side between 40¢ and 60¢). Each iteration runs 10 000 commands on a fresh copy and
//! drains the events after every command, as the server will:
//! * `mix`: 60 % resting adds (bids 35–49¢, asks 51–65¢, 1–20 contracts), 30 % cancels of
//!   earlier adds (some already filled), 10 % crossing IOC takers of 1–40 contracts that
//!   sweep one or more levels;
//! * `add_cancel`: 50 % adds, 50 % cancels, no trades;
//! * `takers`: every command a crossing IOC order against a deep book.
//!
//! `cargo bench -p kmm-sim --bench matching -- --warm-up-time 1 --measurement-time 3`
//! Results: `docs/benchmarks.md`.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kmm_model::{MarketTicker, Money, OrderId, Price, Qty, Side};
use kmm_sim::{Exchange, MarketConfig, OrderRequest, SelfTradePrevention, TimeInForce, UserId};

const OPS: usize = 10_000;
const USERS: usize = 20;
const TICKER: &str = "KXBENCH-26JAN01-T50";

/// xorshift64*: a tiny deterministic generator, so every run sees the same flow.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> i64 {
        i64::try_from(self.next() % n).unwrap()
    }
}

#[derive(Clone, Copy)]
enum Op {
    Add { user: usize, side: Side, cents: i64, count: i64 },
    Cancel { pick: u64 },
    Take { user: usize, side: Side, count: i64 },
}

fn users() -> Vec<UserId> {
    (0..USERS).map(|i| UserId::new(format!("mm{i}"))).collect()
}

fn order(side: Side, cents: i64, count: i64) -> OrderRequest {
    OrderRequest {
        self_trade_prevention: SelfTradePrevention::Maker,
        ..OrderRequest::new(
            MarketTicker::new(TICKER),
            side,
            Price::from_cents(cents).unwrap(),
            Qty::from_contracts(count).unwrap(),
        )
    }
}

fn exchange(depth_per_user: i64) -> Exchange {
    let mut ex = Exchange::new();
    ex.add_market(MarketConfig::binary(TICKER, "KXBENCH-26JAN01", "KXBENCH"), 0).unwrap();
    let users = users();
    for user in &users {
        ex.add_user(user.clone(), Money::from_cents(100_000_000_000).unwrap()).unwrap();
    }
    for (i, user) in users.iter().enumerate() {
        for k in 0..depth_per_user {
            let offset = (i as i64 + k) % 10 + 1;
            ex.create_order(user, order(Side::Bid, 50 - offset, 10), 0).unwrap();
            ex.create_order(user, order(Side::Ask, 50 + offset, 10), 0).unwrap();
        }
    }
    ex.drain_events();
    ex
}

fn flow(seed: u64, adds: u64, cancels: u64) -> Vec<Op> {
    let mut rng = Rng(seed);
    (0..OPS)
        .map(|_| {
            let roll = rng.next() % 100;
            let user = usize::try_from(rng.next() % USERS as u64).unwrap();
            let side = if rng.next().is_multiple_of(2) { Side::Bid } else { Side::Ask };
            if roll < adds {
                let cents = match side {
                    Side::Bid => 35 + rng.below(15),
                    Side::Ask => 51 + rng.below(15),
                };
                Op::Add { user, side, cents, count: 1 + rng.below(20) }
            } else if roll < adds + cancels {
                Op::Cancel { pick: rng.next() }
            } else {
                Op::Take { user, side, count: 1 + rng.below(40) }
            }
        })
        .collect()
}

fn run(ex: &mut Exchange, ops: &[Op], users: &[UserId]) -> usize {
    let mut placed: Vec<(usize, OrderId)> = Vec::with_capacity(ops.len());
    let mut events = 0;
    for (now, op) in (1_i64..).zip(ops) {
        match *op {
            Op::Add { user, side, cents, count } => {
                let order = ex.create_order(&users[user], order(side, cents, count), now).unwrap();
                placed.push((user, order.order_id));
            }
            Op::Cancel { pick } => {
                if !placed.is_empty() {
                    let (user, id) = &placed[usize::try_from(pick % placed.len() as u64).unwrap()];
                    ex.cancel_order(&users[*user], id, now).unwrap();
                }
            }
            Op::Take { user, side, count } => {
                let cents = if side == Side::Bid { 65 } else { 35 };
                let ioc = OrderRequest { time_in_force: TimeInForce::ImmediateOrCancel, ..order(side, cents, count) };
                ex.create_order(&users[user], ioc, now).unwrap();
            }
        }
        events += ex.drain_events().len();
    }
    events
}

fn bench(c: &mut Criterion) {
    let users = users();
    let mut group = c.benchmark_group("matching");
    group.throughput(Throughput::Elements(OPS as u64));
    for (name, adds, cancels, depth) in [("mix", 60, 30, 10), ("add_cancel", 50, 50, 10), ("takers", 0, 0, 600)] {
        let base = exchange(depth);
        let ops = flow(0x9e37_79b9_7f4a_7c15, adds, cancels);
        group.bench_function(name, |b| {
            b.iter_batched(|| base.clone(), |mut ex| black_box(run(&mut ex, &ops, &users)), BatchSize::LargeInput);
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
