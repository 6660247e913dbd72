//! Sending approved order actions and feeding their replies back to the order tracker.

use kmm_model::Qty;

use super::{Engine, EngineEvent, IoResult, OrderView};
use crate::intent::OrderAction;
use crate::oms::{Delivery, LiveOrder, RejectKind};
use crate::risk::RiskView;
use crate::venue::{NewOrder, OrderAck, VenueError};

/// A successful reply to one action.
#[derive(Debug)]
pub(super) enum Reply {
    Placed(OrderAck),
    Amended,
    Canceled(Qty),
}

/// An order as the UI shows it.
pub(super) fn view(order: &LiveOrder) -> OrderView {
    OrderView {
        client_order_id: order.client_order_id.clone(),
        order_id: order.order_id.clone(),
        ticker: order.ticker.clone(),
        side: order.side,
        price: order.price,
        remaining: order.remaining(),
        filled: order.filled(),
        state: format!("{:?}", order.state).to_lowercase(),
    }
}

impl Engine {
    /// Sends actions that need no approval (cancels from the kill switch, stops, sweeps).
    pub(super) fn send_all(&mut self, actions: Vec<OrderAction>) {
        for action in actions {
            self.send(action);
        }
    }

    /// Runs an action past the risk gate, then sends it; a denial is reported, not sent.
    pub(super) fn check_and_send(&mut self, action: OrderAction) {
        let now = self.now();
        let pnl = self.portfolio.net_pnl(self.marks()).unwrap_or_default();
        let books = &self.books;
        let book_time = |t: &kmm_model::MarketTicker| {
            books.market(t).filter(|m| *m.state() == crate::book_sync::BookState::Live).and_then(|m| m.last_update_ms())
        };
        let view = RiskView { orders: &self.tracker, positions: &self.portfolio, pnl, book_time_ms: &book_time };
        match self.risk.check(&action, &view, now) {
            Ok(()) => self.send(action),
            Err(denial) => {
                self.emit(EngineEvent::Denied { ticker: action.ticker().clone(), reason: denial.to_string() });
            }
        }
    }

    /// Records the action as sent and performs it on its own task.
    fn send(&mut self, action: OrderAction) {
        let now = self.now();
        if let Err(e) = self.tracker.on_sent(&action, now) {
            self.log("warn", format!("not sending {action:?}: {e}"));
            return;
        }
        let amend_total = match &action {
            OrderAction::Amend { order_id, quote, .. } => {
                self.tracker.get_by_order_id(order_id).map(|o| o.amend_total(quote.size))
            }
            _ => None,
        };
        self.emit_order(&action);
        let (venue, io, post_only) = (self.venue.clone(), self.io_tx.clone(), self.config.quote.post_only);
        tokio::spawn(async move {
            let result = match &action {
                OrderAction::Place { client_order_id, quote } => venue
                    .place(&NewOrder {
                        client_order_id: client_order_id.clone(),
                        ticker: quote.ticker.clone(),
                        side: quote.side,
                        price: quote.price,
                        count: quote.size,
                        post_only,
                    })
                    .await
                    .map(Reply::Placed),
                OrderAction::Amend { order_id, quote, .. } => {
                    let total = amend_total.unwrap_or(quote.size);
                    venue.amend(order_id, &quote.ticker, quote.side, quote.price, total).await.map(|()| Reply::Amended)
                }
                OrderAction::Cancel { order_id, .. } => venue.cancel(order_id).await.map(Reply::Canceled),
            };
            let _ = io.send(IoResult::Sent { action, result }).await;
        });
    }

    fn emit_order(&self, action: &OrderAction) {
        let order = match action {
            OrderAction::Place { client_order_id, .. } | OrderAction::Amend { client_order_id, .. } => {
                self.tracker.get(client_order_id)
            }
            OrderAction::Cancel { order_id, .. } => self.tracker.get_by_order_id(order_id),
        };
        if let Some(order) = order {
            self.emit(EngineEvent::OrderChanged(view(order)));
        }
    }

    /// Feeds an action's reply to the tracker.
    pub(super) fn on_reply(&mut self, action: OrderAction, result: Result<Reply, VenueError>) {
        let now = self.now();
        let outcome = match (result, &action) {
            (Ok(Reply::Placed(ack)), OrderAction::Place { client_order_id, .. }) => {
                self.tracker.on_create_ack(client_order_id, &ack.order_id, ack.filled, ack.remaining, now)
            }
            (Ok(Reply::Amended), OrderAction::Amend { order_id, .. }) => {
                self.tracker.on_amend_ack(order_id, None, None, now)
            }
            (Ok(Reply::Canceled(reduced)), OrderAction::Cancel { order_id, .. }) => {
                self.tracker.on_cancel_ack(order_id, reduced, now)
            }
            // Replies are built per action kind in `send`, so no other pairing occurs.
            (Ok(_), _) => Ok(()),
            (Err(error), _) => {
                let ticker = action.ticker().clone();
                let result = match &error {
                    VenueError::Rejected { code, .. } => {
                        let kind = match code.as_str() {
                            "not_found" => RejectKind::NotFound,
                            "order_already_exists" => RejectKind::DuplicateClientOrderId,
                            _ => RejectKind::Refused,
                        };
                        self.tracker.on_reject(&action, kind, now)
                    }
                    VenueError::RateLimited | VenueError::Auth(_) => {
                        self.tracker.on_request_failed(&action, Delivery::NotSent, now)
                    }
                    VenueError::Unknown(_) | VenueError::Other(_) => {
                        self.tracker.on_request_failed(&action, Delivery::Unknown, now)
                    }
                };
                self.emit(EngineEvent::OrderError { ticker, message: error.to_string() });
                result
            }
        };
        if let Err(e) = outcome {
            self.log("warn", format!("order reply not applied: {e}"));
        }
        self.emit_order(&action);
    }
}
