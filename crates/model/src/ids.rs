//! String identifiers as distinct types, so a ticker can't be passed where an order id goes.

/// Defines a string identifier newtype: cheap to clone (`Arc<str>`), serialised as a plain
/// string, with `Display`, a `Debug` naming the type, and conversions from `&str`/`String`.
/// Exported so other crates (the simulator's user ids) define ids the same way.
#[macro_export]
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(::std::sync::Arc<str>);

        impl $name {
            /// Wraps a string.
            pub fn new(value: impl AsRef<str>) -> Self {
                Self(::std::sync::Arc::from(value.as_ref()))
            }

            /// The identifier as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(::std::sync::Arc::from(value))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// A market ticker, e.g. `KXHIGHNY-25JAN01-B45.5`.
    MarketTicker
);
id_type!(
    /// An event ticker, e.g. `KXHIGHNY-25JAN01`.
    EventTicker
);
id_type!(
    /// A series ticker, e.g. `KXHIGHNY`.
    SeriesTicker
);
id_type!(
    /// The exchange's order id.
    OrderId
);
id_type!(
    /// Our own order id, unique among our orders; the key that survives a lost acknowledgement.
    ClientOrderId
);
id_type!(
    /// The exchange's trade id; a fill's identity for de-duplication.
    TradeId
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ids_serialize_as_plain_strings() {
        let t = MarketTicker::new("KXBTC-1");
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"KXBTC-1\"");
        assert_eq!(serde_json::from_str::<MarketTicker>("\"KXBTC-1\"").unwrap(), t);
        assert_eq!(format!("{t:?}"), "MarketTicker(\"KXBTC-1\")");
    }
}
