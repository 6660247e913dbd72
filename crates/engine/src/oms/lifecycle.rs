//! One order's life as the engine tracks it, and the worst-case arithmetic built on it.
//!
//! ```text
//!             on_sent(Place)         create ack / update(resting)
//!   (none) ───────────────► PendingNew ─────────────────────────► Open ◄──────┐
//!                              │  │ request failed (unknown)     │  │        │ amend ack/reject
//!                              │  └──────────► Unknown ◄─────────┘  ├─► PendingAmend
//!                              │ reject          │ reconcile         └─► PendingCancel
//!                              ▼                 ▼                        │ cancel ack
//!                          Rejected     Open / Rejected (absent)   Canceled / Filled
//! ```
//! An order in `PendingNew`, `PendingAmend`, `PendingCancel` or `Unknown` has a request whose
//! outcome is not known yet; nothing else is sent for it until that resolves.

use kmm_model::{ClientOrderId, MarketTicker, OrderId, Price, Qty, Side};
use serde::Serialize;

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum OrderState {
    /// Create sent, no answer yet.
    PendingNew,
    /// Acknowledged and resting.
    Open,
    /// Amend sent, no answer yet.
    PendingAmend,
    /// Cancel sent, no answer yet.
    PendingCancel,
    /// A request's outcome is unknown (timeout, 5xx, transport error, duplicate id): the order
    /// may exist in either form until reconciliation says which.
    Unknown,
    /// Completely filled.
    Filled,
    /// Off the book.
    Canceled,
    /// Refused by the exchange, or proven never to have existed.
    Rejected,
}

impl OrderState {
    /// True once the order can no longer fill.
    pub const fn is_terminal(self) -> bool {
        matches!(self, OrderState::Filled | OrderState::Canceled | OrderState::Rejected)
    }

    /// True while a request for the order is unanswered.
    pub const fn is_in_flight(self) -> bool {
        matches!(
            self,
            OrderState::PendingNew | OrderState::PendingAmend | OrderState::PendingCancel | OrderState::Unknown
        )
    }
}

/// Which request's outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum UnknownOp {
    /// A create: the order may or may not exist (no order id known).
    Create,
    /// An amend: the order rests at the old or the new price/size.
    Amend,
    /// A cancel: the order may be gone or still resting.
    Cancel,
}

/// What an amend in flight asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AmendTarget {
    /// New YES price.
    pub price: Price,
    /// New remaining size, as planned.
    pub size: Qty,
    /// New total (Kalshi's amend `count`): what had filled when it was sent plus `size`.
    pub total: Qty,
}

/// An order the tracker knows. Fields are read-only outside the tracker (it hands out `&`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveOrder {
    /// Our id; the key.
    pub client_order_id: ClientOrderId,
    /// The exchange's id, once known.
    pub order_id: Option<OrderId>,
    /// Market.
    pub ticker: MarketTicker,
    /// Side.
    pub side: Side,
    /// Current YES price (the amend target is in [`amend`](Self::amend)).
    pub price: Price,
    /// Filled + remaining, as last known (the exchange's `initial_count` after amends).
    pub total: Qty,
    /// Fills this engine has counted into its position: fills received (deduplicated) plus,
    /// for an adopted order, what had filled before adoption.
    pub counted_filled: Qty,
    /// The largest filled count the exchange reported (acks, order updates, reconciliation).
    pub reported_filled: Qty,
    /// Life-cycle state.
    pub state: OrderState,
    /// An amend in flight (or of unknown outcome).
    pub amend: Option<AmendTarget>,
    /// Which request's outcome is unknown, in state `Unknown`.
    pub unknown: Option<UnknownOp>,
    /// The state to return to if a cancel is refused.
    pub before_cancel: Option<OrderState>,
    /// Taken over from the exchange (startup sweep) rather than placed by this session.
    pub adopted: bool,
    /// Engine time it was placed or adopted, Unix ms.
    pub created_ms: i64,
    /// Engine time of the last request sent or answer received for it, Unix ms.
    pub updated_ms: i64,
    /// Engine time it got its current price and size: placed, adopted or amend acknowledged
    /// (`quoting::LiveQuote::placed_at_ms`).
    pub priced_ms: i64,
}

impl LiveOrder {
    /// Contracts filled, as far as anyone has told us.
    pub fn filled(&self) -> Qty {
        self.counted_filled.max(self.reported_filled)
    }

    /// Contracts still on the book, as far as anyone has told us (never negative).
    pub fn remaining(&self) -> Qty {
        Qty::from_units((self.total.units() - self.filled().units()).max(0))
    }

    /// Contracts that can still be added to the engine's position by this order: the larger
    /// of its total and an amend's new total, minus the fills already counted (conservative
    /// until every fill has arrived).
    pub fn worst_remaining(&self) -> Qty {
        let total = self.amend.map_or(self.total, |a| self.total.max(a.total));
        Qty::from_units((total.units() - self.counted_filled.units()).max(0))
    }

    /// The total `count` to send with an amend to `size` remaining: filled so far plus `size`
    /// (if more fills land meanwhile, the exchange leaves less resting, never more).
    pub fn amend_total(&self, size: Qty) -> Qty {
        Qty::from_units(self.filled().units().saturating_add(size.units()))
    }

    /// Keeps `total ≥ filled`.
    pub(super) fn cover_fills(&mut self) {
        self.total = self.total.max(self.filled());
    }

    /// The order's contribution to worst-case risk: its side, the worse of its current and
    /// target price (higher for a bid, lower for an ask), and [`worst_remaining`](Self::worst_remaining).
    pub fn leg(&self) -> Leg {
        let price = match (self.amend, self.side) {
            (Some(a), Side::Bid) => self.price.max(a.price),
            (Some(a), Side::Ask) => self.price.min(a.price),
            (None, _) => self.price,
        };
        Leg { side: self.side, price, qty: self.worst_remaining() }
    }

    /// The leg this order would have once an amend to `price`/`size` is sent.
    pub fn leg_after_amend(&self, price: Price, size: Qty) -> Leg {
        let mut probe = self.clone();
        let total = self.amend_total(size);
        let target = match self.amend {
            // An amend already in flight stays possible too.
            Some(prev) => AmendTarget {
                price: match self.side {
                    Side::Bid => prev.price.max(price),
                    Side::Ask => prev.price.min(price),
                },
                size: prev.size.max(size),
                total: prev.total.max(total),
            },
            None => AmendTarget { price, size, total },
        };
        probe.amend = Some(target);
        probe.leg()
    }

    /// True when the engine may act on it (amend or cancel): acknowledged and nothing in flight.
    pub fn is_actionable(&self) -> bool {
        self.state == OrderState::Open && self.order_id.is_some()
    }

    /// The price the order is heading to: the amend target's if one is in flight.
    pub fn target_price(&self) -> Price {
        self.amend.map_or(self.price, |a| a.price)
    }
}

/// What one order (or the unsettled fills of a finished one) could still do to a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Leg {
    /// Bid adds to the position, ask subtracts.
    pub side: Side,
    /// Worst price for the cost at risk.
    pub price: Price,
    /// Contracts.
    pub qty: Qty,
}

/// Contracts that could still be bought (`bid`) and sold (`ask`) in one market if every live,
/// in-flight and unknown order filled completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct WorstCase {
    /// Could still be bought.
    pub bid: Qty,
    /// Could still be sold.
    pub ask: Qty,
}

impl WorstCase {
    /// Sums legs by side.
    pub fn of(legs: impl IntoIterator<Item = Leg>) -> Self {
        let mut wc = WorstCase::default();
        for leg in legs {
            let slot = match leg.side {
                Side::Bid => &mut wc.bid,
                Side::Ask => &mut wc.ask,
            };
            *slot = Qty::from_units(slot.units().saturating_add(leg.qty.units()));
        }
        wc
    }

    /// The longest the position can get: `position + bid`.
    pub fn max_long(&self, position: Qty) -> Qty {
        Qty::from_units(position.units().saturating_add(self.bid.units()))
    }

    /// The shortest (as a positive count): `ask − position`.
    pub fn max_short(&self, position: Qty) -> Qty {
        Qty::from_units(self.ask.units().saturating_sub(position.units()))
    }
}
