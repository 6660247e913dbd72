//! Typed WebSocket frames: what Kalshi sends ([`Frame`]) and what a client sends ([`Command`]).
//!
//! Both directions serialise to Kalshi's exact shapes (key names, key order, `type`/`cmd`
//! tags), so the exchange simulator can reuse these types to emit frames and parse commands.
//! Unknown keys are ignored; a frame of an unknown `type` becomes [`Frame::Unknown`] instead
//! of an error, so a new message type never breaks the stream.
//!
//! Parsing ([`Frame::parse`]) is on the hot path: it reads the `type` tag (from the first
//! bytes when Kalshi's usual key order holds, else with a borrowed skim of the object) and
//! then deserialises the frame straight from the `&str` into its typed struct, without an
//! intermediate `serde_json::Value`.

use std::borrow::Cow;
use std::fmt;

use kmm_model::MarketTicker;
use serde::de::{self, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

mod commands;
mod payloads;

pub use commands::{Command, CommandBody, SubscribeParams, UnsubscribeParams, UpdateSubscriptionParams};
pub use payloads::{
    EventLifecycle, Fill, MarketLifecycle, MarketPosition, OrderbookDelta, OrderbookSnapshot, Ticker, Trade, UserOrder,
};

/// Declares a string enum with known values and an `Unknown(String)` catch-all, so a value
/// Kalshi adds later parses instead of failing the whole frame.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this client does not know (kept verbatim).
            Unknown(String),
        }

        impl $name {
            /// Kalshi's name for the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let text: Cow<'de, str> = Deserialize::deserialize(deserializer)?;
                Ok(Self::from(text.as_ref()))
            }
        }
    };
}

wire_enum!(
    /// A WebSocket channel name.
    Channel {
        /// `orderbook_delta`: `orderbook_snapshot` then `orderbook_delta` (market filter required).
        OrderbookDelta = "orderbook_delta",
        /// `ticker`: top of book and last trade.
        Ticker = "ticker",
        /// `ticker_v2`.
        TickerV2 = "ticker_v2",
        /// `trade`: public trades.
        Trade = "trade",
        /// `fill`: this account's fills (private).
        Fill = "fill",
        /// `market_positions`: this account's positions (private).
        MarketPositions = "market_positions",
        /// `user_orders`: this account's order updates (private).
        UserOrders = "user_orders",
        /// `order_group_updates` (private).
        OrderGroupUpdates = "order_group_updates",
        /// `market_lifecycle_v2`: market and event lifecycle (all markets).
        MarketLifecycleV2 = "market_lifecycle_v2",
        /// `multivariate`.
        Multivariate = "multivariate",
        /// `communications` (RFQs and quotes).
        Communications = "communications",
    }
);

wire_enum!(
    /// `update_subscription` actions.
    UpdateAction {
        /// Add markets to the subscription.
        AddMarkets = "add_markets",
        /// Remove markets from the subscription.
        DeleteMarkets = "delete_markets",
        /// Ask for fresh orderbook snapshots (third-party documented).
        GetSnapshot = "get_snapshot",
    }
);

wire_enum!(
    /// Legacy order `action` on a fill.
    Action {
        /// Bought.
        Buy = "buy",
        /// Sold.
        Sell = "sell",
    }
);

/// A timestamp as Kalshi sends it: Unix seconds (`fill`, `ticker`, `trade`) or an RFC 3339
/// string (`orderbook_delta`'s `ts`). Kept in the form received so re-serialising is exact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Timestamp {
    /// Unix seconds (a JSON integer).
    Unix(i64),
    /// RFC 3339 text, e.g. `2026-07-01T02:31:45.308599Z`.
    Text(String),
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Timestamp::Unix(secs) => serializer.serialize_i64(*secs),
            Timestamp::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Unix seconds or an RFC 3339 string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Timestamp, E> {
                Ok(Timestamp::Unix(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Timestamp, E> {
                i64::try_from(v).map(Timestamp::Unix).map_err(|_| E::custom("timestamp out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Timestamp, E> {
                Ok(Timestamp::Text(v.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

// ---------------------------------------------------------------------------------------------
// Incoming frames
// ---------------------------------------------------------------------------------------------

/// One frame from the exchange, by its `type`.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `subscribed`: one per channel of a `subscribe` command.
    Subscribed(Subscribed),
    /// `unsubscribed`: one per sid of an `unsubscribe` command.
    Unsubscribed(Unsubscribed),
    /// `ok`: the reply to `update_subscription` (carries a `seq` of that subscription) and to
    /// `list_subscriptions`.
    Ok(OkReply),
    /// `error`: a command failed.
    Error(ErrorReply),
    /// `orderbook_snapshot`: a market's full book.
    OrderbookSnapshot(Data<OrderbookSnapshot>),
    /// `orderbook_delta`: a change of one level.
    OrderbookDelta(Data<OrderbookDelta>),
    /// `ticker`.
    Ticker(Data<Ticker>),
    /// `trade`.
    Trade(Data<Trade>),
    /// `fill`: one of this account's fills.
    Fill(Data<Fill>),
    /// `market_position`: this account's position in a market changed.
    MarketPosition(Data<MarketPosition>),
    /// `user_order`: one of this account's orders changed.
    UserOrder(Data<UserOrder>),
    /// `market_lifecycle_v2`.
    MarketLifecycle(Data<MarketLifecycle>),
    /// `event_lifecycle` (on the `market_lifecycle_v2` channel).
    EventLifecycle(Data<EventLifecycle>),
    /// A frame of a type this client does not know, kept whole.
    Unknown {
        /// The frame's `type`.
        type_name: String,
        /// The whole frame.
        raw: Value,
    },
}

/// The envelope of a data frame: `{"type", "sid", "seq"?, "msg"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Data<M> {
    /// The subscription id.
    pub sid: u64,
    /// Per-subscription sequence number (orderbook frames; absent on most others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// The payload.
    pub msg: M,
}

/// `{"type":"subscribed","id":1,"msg":{"channel":"orderbook_delta","sid":5}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscribed {
    /// The command id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The new subscription.
    pub msg: SubscriptionInfo,
}

/// A channel and its subscription id (`subscribed.msg`, `list_subscriptions` items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionInfo {
    /// The channel.
    pub channel: Channel,
    /// The subscription id.
    pub sid: u64,
}

/// `{"type":"unsubscribed","id":3,"sid":5,"seq":17}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unsubscribed {
    /// The command id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The subscription that ended.
    pub sid: u64,
    /// Its last sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
}

/// `{"type":"ok","id":4,"sid":5,"seq":18,"msg":{"market_tickers":[...]}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OkReply {
    /// The command id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The subscription the command changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<u64>,
    /// The sequence number this reply consumed on that subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// What the command returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<OkMsg>,
}

/// The `msg` of an `ok` reply.
#[derive(Debug, Clone, PartialEq)]
pub enum OkMsg {
    /// `update_subscription`: the subscription's whole market list after the change.
    Markets {
        /// The markets now on the subscription.
        market_tickers: Vec<MarketTicker>,
    },
    /// `list_subscriptions`: the connection's subscriptions (item shape unconfirmed).
    Subscriptions(Vec<SubscriptionInfo>),
    /// Any other shape, kept whole.
    Other(Value),
}

#[derive(Deserialize)]
struct OkMarkets {
    market_tickers: Vec<MarketTicker>,
}

#[derive(Serialize)]
struct OkMarketsRef<'a> {
    market_tickers: &'a [MarketTicker],
}

impl Serialize for OkMsg {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            OkMsg::Markets { market_tickers } => OkMarketsRef { market_tickers }.serialize(serializer),
            OkMsg::Subscriptions(items) => items.serialize(serializer),
            OkMsg::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for OkMsg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        // Rare (command replies only): go through a Value and pick the shape that fits.
        let value = Value::deserialize(deserializer)?;
        if let Ok(OkMarkets { market_tickers }) = OkMarkets::deserialize(&value) {
            return Ok(OkMsg::Markets { market_tickers });
        }
        if let Ok(items) = Vec::<SubscriptionInfo>::deserialize(&value) {
            return Ok(OkMsg::Subscriptions(items));
        }
        Ok(OkMsg::Other(value))
    }
}

/// `{"type":"error","id":9,"msg":{"code":6,"msg":"Already subscribed"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorReply {
    /// The command id, when the error answers one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The error.
    pub msg: ErrorMsg,
}

/// The `msg` of an `error` frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorMsg {
    /// Kalshi's numeric WebSocket error code (6 = already subscribed, 9 = auth required, ...).
    pub code: i64,
    /// The message.
    #[serde(default)]
    pub msg: String,
    /// The market concerned, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<MarketTicker>,
    /// The market id concerned, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
}

/// Borrowed skim of a frame for its `type` when it is not the first key.
#[derive(Deserialize)]
struct TypeOnly<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
}

/// The `type` of a frame that starts `{"type":"...` (Kalshi's usual key order).
fn leading_type(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("{\"type\":\"")?;
    let end = rest.find('"')?;
    let kind = &rest[..end];
    (!kind.contains('\\')).then_some(kind)
}

pub(super) fn decode<'a, T: Deserialize<'a>>(kind: &str, text: &'a str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::decode(format!("websocket {kind} frame"), e))
}

impl Frame {
    /// Parses one text frame.
    ///
    /// # Errors
    /// [`Error::Decode`] when the text is not a JSON object with a string `type`, or a frame
    /// of a known type does not have that type's shape. A frame of an unknown type is not an
    /// error: it becomes [`Frame::Unknown`].
    pub fn parse(text: &str) -> Result<Frame> {
        let kind: Cow<'_, str> = match leading_type(text) {
            Some(kind) => Cow::Borrowed(kind),
            None => decode::<TypeOnly<'_>>("untyped", text)?
                .kind
                .ok_or_else(|| Error::decode("websocket frame", "missing \"type\""))?,
        };
        Ok(match kind.as_ref() {
            "orderbook_delta" => Frame::OrderbookDelta(decode(&kind, text)?),
            "orderbook_snapshot" => Frame::OrderbookSnapshot(decode(&kind, text)?),
            "ticker" | "ticker_v2" => Frame::Ticker(decode(&kind, text)?),
            "trade" => Frame::Trade(decode(&kind, text)?),
            "fill" => Frame::Fill(decode(&kind, text)?),
            "market_position" => Frame::MarketPosition(decode(&kind, text)?),
            "user_order" => Frame::UserOrder(decode(&kind, text)?),
            "market_lifecycle_v2" => Frame::MarketLifecycle(decode(&kind, text)?),
            "event_lifecycle" => Frame::EventLifecycle(decode(&kind, text)?),
            "subscribed" => Frame::Subscribed(decode(&kind, text)?),
            "unsubscribed" => Frame::Unsubscribed(decode(&kind, text)?),
            "ok" => Frame::Ok(decode(&kind, text)?),
            "error" => Frame::Error(decode(&kind, text)?),
            other => {
                let raw: Value = decode(other, text)?;
                // The fast path reads the first `type` key, a JSON object keeps the last: an
                // unknown frame is kept whole, so a duplicated `type` must not disagree.
                if raw.get("type").and_then(Value::as_str) != Some(other) {
                    return Err(Error::decode("websocket frame", "conflicting \"type\" keys"));
                }
                Frame::Unknown { type_name: other.to_owned(), raw }
            }
        })
    }

    /// The frame's `type` as Kalshi names it.
    pub fn type_name(&self) -> &str {
        match self {
            Frame::Subscribed(_) => "subscribed",
            Frame::Unsubscribed(_) => "unsubscribed",
            Frame::Ok(_) => "ok",
            Frame::Error(_) => "error",
            Frame::OrderbookSnapshot(_) => "orderbook_snapshot",
            Frame::OrderbookDelta(_) => "orderbook_delta",
            Frame::Ticker(_) => "ticker",
            Frame::Trade(_) => "trade",
            Frame::Fill(_) => "fill",
            Frame::MarketPosition(_) => "market_position",
            Frame::UserOrder(_) => "user_order",
            Frame::MarketLifecycle(_) => "market_lifecycle_v2",
            Frame::EventLifecycle(_) => "event_lifecycle",
            Frame::Unknown { type_name, .. } => type_name,
        }
    }

    /// The subscription id the frame belongs to, if it names one.
    pub fn sid(&self) -> Option<u64> {
        match self {
            Frame::Subscribed(f) => Some(f.msg.sid),
            Frame::Unsubscribed(f) => Some(f.sid),
            Frame::Ok(f) => f.sid,
            Frame::Error(_) => None,
            Frame::OrderbookSnapshot(d) => Some(d.sid),
            Frame::OrderbookDelta(d) => Some(d.sid),
            Frame::Ticker(d) => Some(d.sid),
            Frame::Trade(d) => Some(d.sid),
            Frame::Fill(d) => Some(d.sid),
            Frame::MarketPosition(d) => Some(d.sid),
            Frame::UserOrder(d) => Some(d.sid),
            Frame::MarketLifecycle(d) => Some(d.sid),
            Frame::EventLifecycle(d) => Some(d.sid),
            Frame::Unknown { raw, .. } => raw.get("sid").and_then(Value::as_u64),
        }
    }

    /// The frame's sequence number on its subscription, if it carries one.
    pub fn seq(&self) -> Option<u64> {
        match self {
            Frame::Subscribed(_) | Frame::Error(_) => None,
            Frame::Unsubscribed(f) => f.seq,
            Frame::Ok(f) => f.seq,
            Frame::OrderbookSnapshot(d) => d.seq,
            Frame::OrderbookDelta(d) => d.seq,
            Frame::Ticker(d) => d.seq,
            Frame::Trade(d) => d.seq,
            Frame::Fill(d) => d.seq,
            Frame::MarketPosition(d) => d.seq,
            Frame::UserOrder(d) => d.seq,
            Frame::MarketLifecycle(d) => d.seq,
            Frame::EventLifecycle(d) => d.seq,
            Frame::Unknown { raw, .. } => raw.get("seq").and_then(Value::as_u64),
        }
    }

    /// The command id a reply answers (`subscribed`, `unsubscribed`, `ok`, `error`).
    pub fn command_id(&self) -> Option<u64> {
        match self {
            Frame::Subscribed(f) => f.id,
            Frame::Unsubscribed(f) => f.id,
            Frame::Ok(f) => f.id,
            Frame::Error(f) => f.id,
            _ => None,
        }
    }

    /// The market a data frame is about, if it names one.
    pub fn market_ticker(&self) -> Option<&MarketTicker> {
        match self {
            Frame::OrderbookSnapshot(d) => Some(&d.msg.market_ticker),
            Frame::OrderbookDelta(d) => Some(&d.msg.market_ticker),
            Frame::Ticker(d) => Some(&d.msg.market_ticker),
            Frame::Trade(d) => Some(&d.msg.market_ticker),
            Frame::Fill(d) => Some(&d.msg.market_ticker),
            Frame::MarketPosition(d) => Some(&d.msg.market_ticker),
            Frame::UserOrder(d) => d.msg.market_ticker.as_ref().or(d.msg.ticker.as_ref()),
            Frame::MarketLifecycle(d) => Some(&d.msg.market_ticker),
            _ => None,
        }
    }

    /// Serialises the frame as Kalshi sends it.
    ///
    /// # Errors
    /// [`Error::Decode`] only if serde_json fails, which these types cannot cause.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::decode("websocket frame serialisation", e))
    }
}

impl std::str::FromStr for Frame {
    type Err = Error;
    fn from_str(text: &str) -> Result<Frame> {
        Frame::parse(text)
    }
}

#[derive(Serialize)]
struct DataOut<'a, M> {
    #[serde(rename = "type")]
    kind: &'a str,
    sid: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
    msg: &'a M,
}

#[derive(Serialize)]
struct SubscribedOut<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    msg: &'a SubscriptionInfo,
}

#[derive(Serialize)]
struct UnsubscribedOut<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    sid: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
}

#[derive(Serialize)]
struct OkOut<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    msg: Option<&'a OkMsg>,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    msg: &'a ErrorMsg,
}

fn data_out<'a, M: Serialize, S: Serializer>(
    kind: &'a str,
    d: &'a Data<M>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    DataOut { kind, sid: d.sid, seq: d.seq, msg: &d.msg }.serialize(serializer)
}

impl Serialize for Frame {
    /// Kalshi's shape and key order: `type` first, then `id`/`sid`/`seq`, then `msg`.
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let kind = self.type_name();
        match self {
            Frame::Subscribed(f) => SubscribedOut { kind, id: f.id, msg: &f.msg }.serialize(serializer),
            Frame::Unsubscribed(f) => UnsubscribedOut { kind, id: f.id, sid: f.sid, seq: f.seq }.serialize(serializer),
            Frame::Ok(f) => OkOut { kind, id: f.id, sid: f.sid, seq: f.seq, msg: f.msg.as_ref() }.serialize(serializer),
            Frame::Error(f) => ErrorOut { kind, id: f.id, msg: &f.msg }.serialize(serializer),
            Frame::OrderbookSnapshot(d) => data_out(kind, d, serializer),
            Frame::OrderbookDelta(d) => data_out(kind, d, serializer),
            Frame::Ticker(d) => data_out(kind, d, serializer),
            Frame::Trade(d) => data_out(kind, d, serializer),
            Frame::Fill(d) => data_out(kind, d, serializer),
            Frame::MarketPosition(d) => data_out(kind, d, serializer),
            Frame::UserOrder(d) => data_out(kind, d, serializer),
            Frame::MarketLifecycle(d) => data_out(kind, d, serializer),
            Frame::EventLifecycle(d) => data_out(kind, d, serializer),
            Frame::Unknown { raw, .. } => raw.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Frame {
    /// Generic path (through a borrowed string when the input allows it); prefer
    /// [`Frame::parse`] on the hot path.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let text = serde_json::to_string(&value).map_err(de::Error::custom)?;
        Frame::parse(&text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use kmm_model::{Price, Qty};

    #[test]
    fn reference_replies_parse_and_reserialise_exactly() {
        for json in [
            r#"{"type":"subscribed","id":1,"msg":{"channel":"orderbook_delta","sid":5}}"#,
            r#"{"type":"unsubscribed","id":3,"sid":5,"seq":17}"#,
            r#"{"type":"ok","id":4,"sid":5,"seq":18,"msg":{"market_tickers":["T1","T2","T3"]}}"#,
            r#"{"type":"ok","id":6,"msg":[{"channel":"orderbook_delta","sid":5}]}"#,
            r#"{"type":"error","id":9,"msg":{"code":6,"msg":"Already subscribed"}}"#,
        ] {
            let frame = Frame::parse(json).unwrap();
            assert_eq!(frame.to_json().unwrap(), json);
        }
        assert!(matches!(
            Frame::parse(r#"{"type":"ok","id":6,"msg":[{"channel":"fill","sid":2}]}"#).unwrap(),
            Frame::Ok(OkReply { msg: Some(OkMsg::Subscriptions(_)), .. })
        ));
    }

    #[test]
    fn type_need_not_come_first_and_unknown_types_survive() {
        let frame = Frame::parse(r#"{"sid":1,"seq":4,"type":"orderbook_delta","msg":{"market_ticker":"T","price_dollars":"0.56","delta_fp":"-5","side":"no","ts":"x"}}"#).unwrap();
        let Frame::OrderbookDelta(d) = &frame else { panic!("{frame:?}") };
        assert_eq!((d.sid, d.seq), (1, Some(4)));
        assert_eq!(d.msg.price_dollars, Price::from_cents(56).unwrap());
        assert_eq!(d.msg.delta_fp, Qty::from_contracts(-5).unwrap());

        let frame = Frame::parse(r#"{"type":"brand_new","sid":3,"seq":9,"msg":{"x":1}}"#).unwrap();
        assert_eq!(frame.type_name(), "brand_new");
        assert_eq!((frame.sid(), frame.seq()), (Some(3), Some(9)));

        let numbers = Frame::parse(r#"{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"T","price_dollars":0.56,"delta_fp":10,"side":"yes"}}"#).unwrap();
        assert!(matches!(numbers, Frame::OrderbookDelta(_)), "JSON numbers are tolerated");

        for bad in
            ["", "[]", "{}", r#"{"type":"orderbook_delta","sid":1}"#, r#"{"type":"ok""#, "{\"type\":\"brand_new\"} x"]
        {
            assert!(matches!(Frame::parse(bad), Err(Error::Decode { .. })), "{bad:?} must be a decode error");
        }
    }

    #[test]
    fn a_duplicated_type_that_disagrees_is_refused() {
        // Found by fuzz/ws_frame: `{"type":"","type":1}` became Unknown("") holding
        // {"type":1}, which serialised to a frame that no longer parsed.
        for bad in [r#"{"type":"","type":1}"#, r#"{"type":"x","type":"ticker","sid":1,"msg":{}}"#] {
            assert!(matches!(Frame::parse(bad), Err(Error::Decode { .. })), "{bad:?} must be a decode error");
        }
        let same = Frame::parse(r#"{"type":"x","type":"x","sid":2}"#).unwrap();
        assert_eq!(Frame::parse(&same.to_json().unwrap()).unwrap(), same, "a repeated identical type is harmless");
    }

    #[test]
    fn empty_snapshot_sides_stay_absent() {
        let json = r#"{"type":"orderbook_snapshot","sid":2,"seq":2,"msg":{"market_ticker":"T","yes_dollars_fp":[["0.0800","300.00"]]}}"#;
        let frame = Frame::parse(json).unwrap();
        let Frame::OrderbookSnapshot(s) = &frame else { panic!() };
        assert!(s.msg.no_levels().is_empty());
        assert_eq!(s.msg.yes_levels().len(), 1);
        assert_eq!(frame.to_json().unwrap(), json, "absent no side is not emitted as []");
    }
}
