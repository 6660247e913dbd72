//! Events and series: `GET /events`, `/events/{ticker}`, `/series`, `/series/{ticker}` and
//! the fee-change schedules. A series carries the fee schedule (`fee_type`, `fee_multiplier`);
//! an event may override it.

use std::fmt;

use kmm_model::fees::Ppm;
use kmm_model::{EventTicker, FeeSchedule, FeeType, Money, Qty, SeriesTicker};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use super::codec::null_as_default;
use super::market::Market;
use crate::error::{Error, Result};

/// A series' `fee_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesFeeType {
    /// Taker fee only.
    Quadratic,
    /// Taker fee and a maker fee at ¼ of the taker rate.
    QuadraticWithMakerFees,
    /// Taker fee and a maker fee at ½ of the taker rate.
    QuadraticWithComboMakerFees,
    /// The "specific" fee table.
    Flat,
    /// A fee type this client does not know.
    #[serde(other)]
    Unknown,
}

impl SeriesFeeType {
    /// The domain fee type; `None` for [`SeriesFeeType::Unknown`].
    pub const fn to_model(self) -> Option<FeeType> {
        match self {
            SeriesFeeType::Quadratic => Some(FeeType::Quadratic),
            SeriesFeeType::QuadraticWithMakerFees => Some(FeeType::QuadraticWithMakerFees),
            SeriesFeeType::QuadraticWithComboMakerFees => Some(FeeType::QuadraticWithComboMakerFees),
            SeriesFeeType::Flat => Some(FeeType::Flat),
            SeriesFeeType::Unknown => None,
        }
    }
}

impl From<FeeType> for SeriesFeeType {
    fn from(value: FeeType) -> Self {
        match value {
            FeeType::Quadratic => SeriesFeeType::Quadratic,
            FeeType::QuadraticWithMakerFees => SeriesFeeType::QuadraticWithMakerFees,
            FeeType::QuadraticWithComboMakerFees => SeriesFeeType::QuadraticWithComboMakerFees,
            FeeType::Flat => SeriesFeeType::Flat,
        }
    }
}

/// A `fee_multiplier`: a JSON **number** on the wire (`0.5`, `1`), held exactly in parts per
/// million. It is read through the number's shortest decimal form (`0.5` → `"0.5"` →
/// 500 000 ppm), never by float arithmetic, and written back as the same number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FeeMultiplier(Ppm);

impl FeeMultiplier {
    /// A multiplier of 1.
    pub const ONE: FeeMultiplier = FeeMultiplier(1_000_000);

    /// From parts per million.
    pub const fn from_ppm(ppm: Ppm) -> Self {
        Self(ppm)
    }

    /// Parts per million (1 = 1 000 000).
    pub const fn ppm(self) -> Ppm {
        self.0
    }
}

impl Default for FeeMultiplier {
    fn default() -> Self {
        Self::ONE
    }
}

impl std::str::FromStr for FeeMultiplier {
    type Err = kmm_model::ModelError;

    /// Parses a decimal such as `"0.5"` (at most six significant decimals, not negative).
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        // Money has six decimals: micro-dollars and ppm are the same scaling.
        if s.starts_with('-') {
            return Err(kmm_model::ModelError::OutOfRange { what: "fee multiplier", value: -1 });
        }
        Ok(Self(s.parse::<Money>()?.micros()))
    }
}

impl fmt::Display for FeeMultiplier {
    /// The shortest decimal: `0.5`, `1`, `0.035`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = Money::from_micros(self.0).to_dollars(6);
        let trimmed = text.trim_end_matches('0').trim_end_matches('.');
        f.write_str(trimmed)
    }
}

impl Serialize for FeeMultiplier {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0 % 1_000_000 == 0 {
            serializer.serialize_i64(self.0 / 1_000_000)
        } else {
            // The f64 nearest to the decimal; serde_json prints its shortest form, which is the
            // same decimal again (at most 6 decimals, far below f64's 15 significant digits).
            let value: f64 = self.to_string().parse().map_err(serde::ser::Error::custom)?;
            serializer.serialize_f64(value)
        }
    }
}

impl<'de> Deserialize<'de> for FeeMultiplier {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = FeeMultiplier;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a fee multiplier such as 0.5 or 1")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<FeeMultiplier, E> {
                v.parse().map_err(|e| E::custom(format!("fee multiplier {v:?}: {e}")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<FeeMultiplier, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<FeeMultiplier, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<FeeMultiplier, E> {
                // f64's Display is the shortest string that reads back as the same f64: 0.5 -> "0.5".
                self.visit_str(&v.to_string())
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A settlement source (`{name, url}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SettlementSource {
    /// Source name, e.g. `"ESPN"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Source URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A series (`GET /series/{ticker}`), e.g. `KXMLBGAME`.
///
/// `tags`, `settlement_sources` and `additional_prohibitions` are required-but-nullable in
/// SDK 3.34, so they are emitted as `null` when `None`. `categories` is required by SDK 3.34
/// but absent from real Aug-2026 payloads: it defaults to `[]` and is always emitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Series ticker.
    pub ticker: SeriesTicker,
    /// How often events recur, e.g. `"custom"`, `"daily"`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub frequency: String,
    /// Title.
    #[serde(default, deserialize_with = "null_as_default")]
    pub title: String,
    /// Category, e.g. `"Sports"`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub category: String,
    /// Categories (SDK 3.34).
    #[serde(default, deserialize_with = "null_as_default")]
    pub categories: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Where outcomes are sourced.
    #[serde(default)]
    pub settlement_sources: Option<Vec<SettlementSource>>,
    /// Who may not trade.
    #[serde(default)]
    pub additional_prohibitions: Option<Vec<String>>,
    /// Product certification URL.
    #[serde(default, deserialize_with = "null_as_default")]
    pub contract_url: String,
    /// Contract terms URL.
    #[serde(default, deserialize_with = "null_as_default")]
    pub contract_terms_url: String,
    /// Fee type.
    pub fee_type: SeriesFeeType,
    /// Fee multiplier.
    pub fee_multiplier: FeeMultiplier,
    /// Free-form product metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_metadata: Option<serde_json::Value>,
    /// Volume, with `include_volume=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_fp: Option<Qty>,
    /// Last update (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_ts: Option<String>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

impl Series {
    /// The series' fee schedule. Fails on a fee type this client does not know, so nothing
    /// is quoted with guessed fees.
    pub fn fee_schedule(&self) -> Result<FeeSchedule> {
        fee_schedule(self.fee_type, self.fee_multiplier, &self.ticker)
    }
}

fn fee_schedule(fee_type: SeriesFeeType, multiplier: FeeMultiplier, whose: &dyn fmt::Display) -> Result<FeeSchedule> {
    let fee_type =
        fee_type.to_model().ok_or_else(|| Error::decode("fee schedule", format!("{whose}: unknown fee_type")))?;
    Ok(FeeSchedule { fee_type, multiplier_ppm: multiplier.ppm() })
}

/// `GET /series/{ticker}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetSeriesResponse {
    /// The series.
    pub series: Series,
}

/// `GET /series`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetSeriesListResponse {
    /// The series.
    #[serde(default, deserialize_with = "null_as_default")]
    pub series: Vec<Series>,
}

/// An event (`EventData`), e.g. `KXHIGHNY-25JAN01`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Event ticker.
    pub event_ticker: EventTicker,
    /// Its series.
    pub series_ticker: SeriesTicker,
    /// Title.
    #[serde(default, deserialize_with = "null_as_default")]
    pub title: String,
    /// Subtitle.
    #[serde(default, deserialize_with = "null_as_default")]
    pub sub_title: String,
    /// `MECNET`, `DIRECNET` or `""`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub collateral_return_type: String,
    /// At most one market of the event resolves YES.
    #[serde(default, deserialize_with = "null_as_default")]
    pub mutually_exclusive: bool,
    /// Where outcomes are sourced (key required, value nullable).
    #[serde(default)]
    pub settlement_sources: Option<Vec<SettlementSource>>,
    /// Deprecated category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Strike date (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_date: Option<String>,
    /// Strike period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_period: Option<String>,
    /// Nested markets (`with_nested_markets=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markets: Option<Vec<Market>>,
    /// Free-form product metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_metadata: Option<serde_json::Value>,
    /// Last update (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_ts: Option<String>,
    /// Overrides the series' fee type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_type_override: Option<SeriesFeeType>,
    /// Overrides the series' fee multiplier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_multiplier_override: Option<FeeMultiplier>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

impl Event {
    /// The event's fee schedule: the series' schedule with this event's overrides applied.
    pub fn fee_schedule(&self, series: &FeeSchedule) -> Result<FeeSchedule> {
        let fee_type = self.fee_type_override.unwrap_or_else(|| series.fee_type.into());
        let multiplier = self.fee_multiplier_override.unwrap_or(FeeMultiplier::from_ppm(series.multiplier_ppm));
        fee_schedule(fee_type, multiplier, &self.event_ticker)
    }
}

/// `GET /events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetEventsResponse {
    /// One page of events.
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<Event>,
    /// Milestones (`with_milestones=true`), kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestones: Option<serde_json::Value>,
    /// Next-page token, `""` on the last page.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cursor: String,
}

/// `GET /events/{event_ticker}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetEventResponse {
    /// The event.
    pub event: Event,
    /// Its markets (deprecated in favour of `event.markets`, still required).
    #[serde(default, deserialize_with = "null_as_default")]
    pub markets: Vec<Market>,
}

/// A scheduled series fee change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesFeeChange {
    /// Change id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// The series.
    pub series_ticker: SeriesTicker,
    /// New fee type.
    pub fee_type: SeriesFeeType,
    /// New multiplier.
    pub fee_multiplier: FeeMultiplier,
    /// When it takes effect (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub scheduled_ts: String,
}

/// `GET /series/fee_changes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetSeriesFeeChangesResponse {
    /// The changes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub series_fee_change_arr: Vec<SeriesFeeChange>,
}

/// A scheduled event fee override change (`null` override = use the series fee).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFeeChange {
    /// Change id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// The event.
    pub event_ticker: EventTicker,
    /// Its series.
    pub series_ticker: SeriesTicker,
    /// New fee type override.
    #[serde(default)]
    pub fee_type_override: Option<SeriesFeeType>,
    /// New multiplier override.
    #[serde(default)]
    pub fee_multiplier_override: Option<FeeMultiplier>,
    /// When it takes effect (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub scheduled_ts: String,
}

/// `GET /events/fee_changes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetEventFeeChangesResponse {
    /// The changes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub event_fee_changes: Vec<EventFeeChange>,
    /// Next-page token.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cursor: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn multiplier_is_exact_both_ways() {
        for (json, ppm) in [("0.5", 500_000), ("1", 1_000_000), ("0.035", 35_000), ("1.25", 1_250_000), ("0", 0)] {
            let m: FeeMultiplier = serde_json::from_str(json).unwrap();
            assert_eq!(m.ppm(), ppm, "{json}");
            assert_eq!(serde_json::to_string(&m).unwrap(), json, "{json} must be written back as the same number");
        }
        assert_eq!(serde_json::from_str::<FeeMultiplier>("1.0").unwrap(), FeeMultiplier::ONE);
        assert!(serde_json::from_str::<FeeMultiplier>("-0.5").is_err());
        assert!(serde_json::from_str::<FeeMultiplier>("0.1234567").is_err(), "more than 6 decimals");
    }
}
