//! Diffing the quotes the strategy wants against the orders that are live: amend first (keep
//! order ids and, where the price holds, queue position), cancel surplus, place what is missing.

use kmm_model::{MarketTicker, Side};
use serde::Serialize;

use super::lifecycle::{LiveOrder, OrderState};
use super::tracker::OrderTracker;
use crate::intent::{OrderAction, Quote};

/// What to do with one live order, given the desired quote it was matched with (or `None`
/// when it is surplus). This is the decision `quoting::reprice` makes; [`OrderTracker::plan`]
/// takes it as a closure so the tracker does not depend on the quoting policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RepriceAction {
    /// Leave it.
    Keep,
    /// Amend it to the desired price and size (keeps the order id).
    Amend,
    /// Cancel it and place the desired quote as a new order.
    Replace,
    /// Cancel it.
    Cancel,
}

/// The plainest policy: keep an order already at the desired price and size, amend otherwise,
/// cancel surplus orders.
pub fn simple_reprice(live: &LiveOrder, desired: Option<&Quote>) -> RepriceAction {
    match desired {
        None => RepriceAction::Cancel,
        Some(q) if q.price == live.price && q.size == live.remaining() => RepriceAction::Keep,
        Some(_) => RepriceAction::Amend,
    }
}

/// More aggressive first: bids by descending price, asks by ascending price.
fn aggressiveness(side: Side, units: i64) -> i64 {
    match side {
        Side::Bid => -units,
        Side::Ask => units,
    }
}

#[derive(Default)]
struct Actions {
    cancels: Vec<OrderAction>,
    amends: Vec<OrderAction>,
    places: Vec<OrderAction>,
}

impl OrderTracker {
    /// The actions that move `ticker`'s live orders toward `desired` (quotes for other markets
    /// and quotes with no size are ignored).
    ///
    /// Per side, desired quotes and live orders (not being canceled) are ranked from the most
    /// aggressive price; an order already at a desired price is matched with it first, the
    /// rest are matched by rank. `decide` chooses for each match (and with `None` for each
    /// surplus order) what to do. Orders with a request in flight or of unknown outcome are
    /// never acted on, and no new order is placed on a side that has an order of unknown
    /// outcome (it may exist and would double the exposure). Returns cancels, then amends,
    /// then places; the runner risk-checks each and calls [`on_sent`](Self::on_sent) for those
    /// it sends, before planning again.
    pub fn plan(
        &mut self,
        ticker: &MarketTicker,
        desired: &[Quote],
        mut decide: impl FnMut(&LiveOrder, Option<&Quote>) -> RepriceAction,
    ) -> Vec<OrderAction> {
        if let Some(stray) = desired.iter().find(|q| &q.ticker != ticker) {
            tracing::debug!(market = %ticker, other = %stray.ticker, "plan ignores quotes for other markets");
        }
        let mut out = Actions::default();
        for side in [Side::Bid, Side::Ask] {
            self.plan_side(ticker, side, desired, &mut decide, &mut out);
        }
        let mut all = out.cancels;
        all.extend(out.amends);
        all.extend(out.places);
        all
    }

    fn plan_side(
        &mut self,
        ticker: &MarketTicker,
        side: Side,
        desired: &[Quote],
        decide: &mut impl FnMut(&LiveOrder, Option<&Quote>) -> RepriceAction,
        out: &mut Actions,
    ) {
        let mut wanted: Vec<&Quote> = desired
            .iter()
            .filter(|q| &q.ticker == ticker && q.side == side && q.size.is_positive() && q.price.is_tradable())
            .collect();
        wanted.sort_by_key(|q| aggressiveness(side, q.price.units()));
        let mut live: Vec<&LiveOrder> =
            self.live_orders(ticker).filter(|o| o.side == side && o.state != OrderState::PendingCancel).collect();
        live.sort_by_key(|o| (aggressiveness(side, o.target_price().units()), o.client_order_id.clone()));
        let side_unknown = self.live_orders(ticker).any(|o| o.side == side && o.state == OrderState::Unknown);

        // Match equal prices first (keeps queue position), then the rest by rank.
        let mut live_used = vec![false; live.len()];
        let mut pair_of: Vec<Option<usize>> = vec![None; wanted.len()];
        for (wi, q) in wanted.iter().enumerate() {
            let hit = live.iter().enumerate().position(|(li, o)| !live_used[li] && o.target_price() == q.price);
            if let Some(li) = hit {
                live_used[li] = true;
                pair_of[wi] = Some(li);
            }
        }
        let mut spare_live = (0..live.len()).filter(|li| !live_used[*li]);
        for slot in pair_of.iter_mut().filter(|p| p.is_none()) {
            match spare_live.next() {
                Some(li) => *slot = Some(li),
                None => break,
            }
        }
        let surplus: Vec<usize> = spare_live.collect();

        let mut to_place: Vec<Quote> = Vec::new();
        for (wi, q) in wanted.iter().enumerate() {
            let Some(li) = pair_of[wi] else {
                to_place.push((*q).clone());
                continue;
            };
            let order = live[li];
            if !order.is_actionable() {
                continue;
            }
            let Some(order_id) = order.order_id.clone() else { continue };
            match decide(order, Some(q)) {
                RepriceAction::Keep => {}
                RepriceAction::Amend => out.amends.push(OrderAction::Amend {
                    order_id,
                    client_order_id: order.client_order_id.clone(),
                    quote: (*q).clone(),
                }),
                RepriceAction::Replace => {
                    out.cancels.push(OrderAction::Cancel { order_id, ticker: ticker.clone() });
                    to_place.push((*q).clone());
                }
                RepriceAction::Cancel => out.cancels.push(OrderAction::Cancel { order_id, ticker: ticker.clone() }),
            }
        }
        for li in surplus {
            let order = live[li];
            let Some(order_id) = order.order_id.clone().filter(|_| order.is_actionable()) else { continue };
            if decide(order, None) != RepriceAction::Keep {
                out.cancels.push(OrderAction::Cancel { order_id, ticker: ticker.clone() });
            }
        }
        if side_unknown && !to_place.is_empty() {
            tracing::info!(market = %ticker, ?side, "not placing: an order on this side has an unknown outcome");
            return;
        }
        for quote in to_place {
            let client_order_id = self.next_client_order_id();
            out.places.push(OrderAction::Place { client_order_id, quote });
        }
    }
}
