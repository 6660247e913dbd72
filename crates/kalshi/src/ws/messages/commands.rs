//! Client commands: `{"id":1,"cmd":"subscribe","params":{...}}` and friends.

use kmm_model::MarketTicker;
use serde::{Deserialize, Serialize};

use super::{Channel, UpdateAction, decode};
use crate::error::{Error, Result};

/// A client command: `{"id":1,"cmd":"subscribe","params":{...}}`. `id` must be unique on the
/// connection (0 means "no id").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Command {
    /// The command id, echoed by the reply.
    pub id: u64,
    /// The command and its parameters.
    #[serde(flatten)]
    pub body: CommandBody,
}

/// The command (`cmd`) and its `params`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cmd", content = "params", rename_all = "snake_case")]
pub enum CommandBody {
    /// Subscribe to channels.
    Subscribe(SubscribeParams),
    /// End subscriptions.
    Unsubscribe(UnsubscribeParams),
    /// Change the markets of one subscription, or ask for fresh snapshots.
    UpdateSubscription(UpdateSubscriptionParams),
    /// List this connection's subscriptions.
    ListSubscriptions,
}

/// `subscribe` params.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SubscribeParams {
    /// Channels (required).
    pub channels: Vec<Channel>,
    /// One market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<MarketTicker>,
    /// Several markets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_tickers: Option<Vec<MarketTicker>>,
    /// One market by id (ticker channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
    /// Several markets by id (ticker channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ids: Option<Vec<String>>,
    /// Ticker channel: send the current values first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_initial_snapshot: Option<bool>,
    /// Ticker channel: skip the `subscribed` ack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_ticker_ack: Option<bool>,
}

impl SubscribeParams {
    /// `channels` on `markets` (all markets when empty), sent as `market_tickers`.
    pub fn new(channels: Vec<Channel>, markets: Vec<MarketTicker>) -> Self {
        Self { channels, market_tickers: (!markets.is_empty()).then_some(markets), ..Self::default() }
    }

    /// Every market named, whichever key carried it.
    pub fn markets(&self) -> Vec<MarketTicker> {
        let mut all: Vec<MarketTicker> = self.market_ticker.iter().cloned().collect();
        all.extend(self.market_tickers.iter().flatten().cloned());
        all
    }
}

/// `unsubscribe` params.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UnsubscribeParams {
    /// The subscriptions to end.
    pub sids: Vec<u64>,
}

/// `update_subscription` params: exactly one sid, as `sid` or a one-element `sids`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateSubscriptionParams {
    /// The subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<u64>,
    /// The subscription, as a one-element list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sids: Option<Vec<u64>>,
    /// What to do.
    pub action: UpdateAction,
    /// The markets to add or remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_tickers: Option<Vec<MarketTicker>>,
}

impl UpdateSubscriptionParams {
    /// `action` on `markets` of subscription `sid`.
    pub fn new(sid: u64, action: UpdateAction, markets: Vec<MarketTicker>) -> Self {
        Self { sid: Some(sid), sids: None, action, market_tickers: (!markets.is_empty()).then_some(markets) }
    }

    /// The one subscription targeted, or `None` when the params name zero or several.
    pub fn target_sid(&self) -> Option<u64> {
        match (self.sid, self.sids.as_deref()) {
            (Some(sid), None) => Some(sid),
            (None, Some([sid])) => Some(*sid),
            (Some(sid), Some([other])) if sid == *other => Some(sid),
            _ => None,
        }
    }
}

impl Command {
    /// Parses a command (what a simulator receives).
    ///
    /// # Errors
    /// [`Error::Decode`] when the text is not a command.
    pub fn parse(text: &str) -> Result<Command> {
        decode("command", text)
    }

    /// Serialises the command as Kalshi expects it.
    ///
    /// # Errors
    /// [`Error::Decode`] only if serde_json fails, which these types cannot cause.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::decode("websocket command serialisation", e))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn commands_have_kalshis_shape() {
        let cases = [
            (
                Command {
                    id: 1,
                    body: CommandBody::Subscribe(SubscribeParams::new(
                        vec![Channel::OrderbookDelta],
                        vec!["T1".into(), "T2".into()],
                    )),
                },
                r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["T1","T2"]}}"#,
            ),
            (
                Command {
                    id: 2,
                    body: CommandBody::Subscribe(SubscribeParams::new(vec![Channel::Ticker, Channel::Trade], vec![])),
                },
                r#"{"id":2,"cmd":"subscribe","params":{"channels":["ticker","trade"]}}"#,
            ),
            (
                Command { id: 3, body: CommandBody::Unsubscribe(UnsubscribeParams { sids: vec![5, 6] }) },
                r#"{"id":3,"cmd":"unsubscribe","params":{"sids":[5,6]}}"#,
            ),
            (
                Command {
                    id: 4,
                    body: CommandBody::UpdateSubscription(UpdateSubscriptionParams::new(
                        5,
                        UpdateAction::AddMarkets,
                        vec!["T3".into()],
                    )),
                },
                r#"{"id":4,"cmd":"update_subscription","params":{"sid":5,"action":"add_markets","market_tickers":["T3"]}}"#,
            ),
            (Command { id: 6, body: CommandBody::ListSubscriptions }, r#"{"id":6,"cmd":"list_subscriptions"}"#),
        ];
        for (command, json) in cases {
            assert_eq!(command.to_json().unwrap(), json);
            assert_eq!(Command::parse(json).unwrap(), command, "{json} parses back");
        }
        let sids = Command::parse(
            r#"{"id":5,"cmd":"update_subscription","params":{"sids":[5],"action":"delete_markets","market_tickers":["T1"]}}"#,
        )
        .unwrap();
        let CommandBody::UpdateSubscription(params) = sids.body else { panic!("update_subscription") };
        assert_eq!(params.target_sid(), Some(5));
        assert_eq!(params.action, UpdateAction::DeleteMarkets);
    }
}
