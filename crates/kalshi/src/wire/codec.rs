//! Small serde helpers shared by the wire types: money with Kalshi's four-decimal form, empty
//! strings standing for "none", and `null` read as a default.

use kmm_model::Money;
use serde::{Deserialize, Deserializer, Serializer};

/// `money` with four decimals when that loses nothing (`"1.0000"`), six otherwise (`"0.015930"`).
pub(crate) fn money4_string(money: Money) -> String {
    if money.micros() % 100 == 0 { money.to_dollars(4) } else { money.to_dollars(6) }
}

/// `#[serde(with = "money4")]`: a [`Money`] field that Kalshi writes with four decimals
/// (`notional_value_dollars: "1.0000"`, order cost fields). Parsing accepts any precision.
pub(crate) mod money4 {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(money: &Money, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&money4_string(*money))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        Money::deserialize(deserializer)
    }
}

/// `#[serde(with = "option_money4")]`: [`money4`] for an optional field (`null` reads as `None`).
pub(crate) mod option_money4 {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(money: &Option<Money>, serializer: S) -> Result<S::Ok, S::Error> {
        match money {
            Some(m) => serializer.serialize_str(&money4_string(*m)),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Money>, D::Error> {
        Option::<Money>::deserialize(deserializer)
    }
}

/// `#[serde(with = "empty_as_none")]`: an optional id that Kalshi always sends as a string,
/// `""` meaning none (`Order.client_order_id`). Reads `""`, `null` or a missing key (with
/// `#[serde(default)]`) as `None`; writes `None` as `""`.
pub(crate) mod empty_as_none {
    use super::*;
    use serde::Serialize;

    pub(crate) fn serialize<T: AsRef<str>, S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        value.as_ref().map_or("", AsRef::as_ref).serialize(serializer)
    }

    pub(crate) fn deserialize<'de, T: From<String>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        Ok(text.filter(|s| !s.is_empty()).map(T::from))
    }
}

/// `deserialize_with` for defaulted fields: a JSON `null` reads as the type's default, so a
/// field the market maker does not need never fails a whole payload.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn money4_is_lossless() {
        assert_eq!(money4_string(Money::from_micros(1_000_000)), "1.0000");
        assert_eq!(money4_string(Money::from_micros(15_930)), "0.015930", "sub-$0.0001 digits are kept");
        assert_eq!(money4_string(Money::from_micros(-500)), "-0.0005");
    }
}
