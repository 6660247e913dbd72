//! Order tracking: client order ids, each order's life cycle, in-flight and unknown-outcome
//! bookkeeping, fill de-duplication, the desired-vs-live diff ([`OrderTracker::plan`]),
//! reconciliation with the exchange and the shutdown sweep.
//!
//! Sans-IO: the runner sends what [`OrderTracker::plan`] (or the kill switch) returns, after
//! the risk gate approves it, and feeds back what happened:
//!
//! ```text
//! plan / cancel_all_actions ─► risk::check ─► send ─► on_sent
//!   reply 2xx        ─► on_create_ack / on_amend_ack / on_cancel_ack
//!   definite refusal ─► on_reject(kind)
//!   timeout, 5xx, transport error ─► on_request_failed(Delivery::Unknown) ─► Unknown
//! WS user_orders / REST order ─► on_order_update        WS fill / REST backfill ─► on_fill
//! periodic REST read of orders + positions ─► reconcile (adopt, vanish, resolve, drift)
//! ```
//! Every input takes the engine time (`now_ms`) from the runner's clock.

mod dedupe;
mod ids;
mod lifecycle;
mod plan;
mod reconcile;
mod tracker;

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod tests;

use serde::{Deserialize, Serialize};

pub use dedupe::FillDedupe;
pub use ids::{ClientIdGen, MAX_PART_LEN, session_tag};
pub use lifecycle::{AmendTarget, Leg, LiveOrder, OrderState, UnknownOp, WorstCase};
pub use plan::{RepriceAction, simple_reprice};
pub use reconcile::{Drift, Reconciliation, UnknownResolution};
pub use tracker::OrderTracker;

use crate::intent::OrderAction;

/// What to do with resting orders that carry our prefix but that the tracker does not know
/// (left over from an earlier session).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LeftoverPolicy {
    /// Track them; [`OrderTracker::plan`] then amends or cancels them like its own.
    Adopt,
    /// Track them and return cancels for them.
    #[default]
    Cancel,
}

/// Tracker settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackerConfig {
    /// Client-id prefix marking our orders: 1–16 of `[A-Za-z0-9_]`.
    pub prefix: String,
    /// This session's tag (see [`session_tag`]): 1–16 of `[A-Za-z0-9_]`.
    pub session: String,
    /// Startup-sweep policy.
    pub leftover: LeftoverPolicy,
    /// How long after its request failed an unknown create must stay missing from an
    /// exchange read before it is declared absent.
    pub unknown_grace_ms: i64,
    /// How long fills the exchange reported for a finished order may stay pending before a
    /// reconciliation stops counting them.
    pub settle_timeout_ms: i64,
    /// Consecutive reconciliations with unexplained drift in a market before `halt` is set.
    pub drift_confirmations: u32,
    /// Trade ids remembered per market for de-duplication.
    pub fill_ids_per_market: usize,
    /// Finished orders (and early fills of unknown order ids) remembered.
    pub finished_cap: usize,
}

impl TrackerConfig {
    /// Defaults with the given prefix and session tag.
    pub fn new(prefix: impl Into<String>, session: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            session: session.into(),
            leftover: LeftoverPolicy::default(),
            unknown_grace_ms: 5_000,
            settle_timeout_ms: 60_000,
            drift_confirmations: 2,
            fill_ids_per_market: 50_000,
            finished_cap: 1_000,
        }
    }
}

/// How the exchange refused a request (the runner maps API errors onto these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RejectKind {
    /// The order does not exist (404; already filled or canceled). A refused amend or cancel
    /// of it means it is gone.
    NotFound,
    /// The client order id is taken (409 `ORDER_ALREADY_EXISTS`): for a create this means the
    /// order may well exist (e.g. a retried create), so it becomes `Unknown`.
    DuplicateClientOrderId,
    /// Any other definite refusal (400 invalid, insufficient balance, post-only cross, market
    /// closed, 429 before processing): nothing changed on the exchange.
    Refused,
}

/// Whether a failed request may have reached the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Delivery {
    /// Certainly not sent (e.g. refused by the client's own rate limiter, connect failed).
    NotSent,
    /// May have been processed (timeout, 5xx, connection dropped mid-request).
    Unknown,
}

/// Tracker errors: inputs that do not fit what the tracker knows (the runner logs them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackError {
    /// No such order.
    #[error("unknown order {0}")]
    UnknownOrder(String),
    /// A place reused a client order id.
    #[error("client order id {0} is already in use")]
    DuplicateClientOrderId(kmm_model::ClientOrderId),
    /// An amend or cancel for an order that has a request in flight or is not acknowledged.
    #[error("order {id} cannot be acted on in state {state:?}")]
    NotActionable {
        /// The order.
        id: String,
        /// Its state.
        state: OrderState,
    },
    /// A bad client-id prefix or session tag.
    #[error("{what} {value:?} must be 1-16 characters of [A-Za-z0-9_]")]
    BadIdPart {
        /// `prefix` or `session`.
        what: &'static str,
        /// The value.
        value: String,
    },
}

/// Actions grouped for the batch endpoints, each group in chunks of at most `max_batch`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batches {
    /// Chunks of places (batch create).
    pub places: Vec<Vec<OrderAction>>,
    /// Amends (no batch endpoint: one request each).
    pub amends: Vec<OrderAction>,
    /// Chunks of cancels (batch cancel).
    pub cancels: Vec<Vec<OrderAction>>,
}

impl Batches {
    /// Splits `actions`; cancels keep their relative order, as do places.
    pub fn split(actions: impl IntoIterator<Item = OrderAction>, max_batch: usize) -> Self {
        let max_batch = max_batch.max(1);
        let (mut places, mut amends, mut cancels) = (Vec::new(), Vec::new(), Vec::new());
        for action in actions {
            match action {
                OrderAction::Place { .. } => places.push(action),
                OrderAction::Amend { .. } => amends.push(action),
                OrderAction::Cancel { .. } => cancels.push(action),
            }
        }
        let chunk = |v: Vec<OrderAction>| v.chunks(max_batch).map(<[OrderAction]>::to_vec).collect();
        Self { places: chunk(places), amends, cancels: chunk(cancels) }
    }
}
