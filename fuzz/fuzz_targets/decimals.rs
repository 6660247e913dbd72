//! Arbitrary text into the API's decimal parsers (`Price` "0.5600", `Qty` "10.00", `Money`
//! "4.950000"). Parsing must never panic or overflow, and whatever parses must print back to
//! a string that parses to the same value (Display → parse is exact).
#![no_main]

use kmm_model::{Money, Price, Qty};
use libfuzzer_sys::fuzz_target;

fn round_trips<T>(text: &str)
where
    T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
    T::Err: std::fmt::Debug,
{
    if let Ok(value) = text.parse::<T>() {
        let printed = value.to_string();
        match printed.parse::<T>() {
            Ok(again) => assert_eq!(again, value, "{text:?} -> {printed:?} changed the value"),
            Err(e) => panic!("{text:?} parsed as {value:?}, but its Display {printed:?} does not parse: {e:?}"),
        }
    }
}

fuzz_target!(|text: &str| {
    round_trips::<Price>(text);
    round_trips::<Qty>(text);
    round_trips::<Money>(text);
    // The JSON entry points (strings and bare numbers) share the parser but go through serde.
    if let Ok(price) = serde_json::from_str::<Price>(text) {
        let json = serde_json::to_string(&price).expect("a Price always serialises");
        assert_eq!(serde_json::from_str::<Price>(&json).ok(), Some(price), "{text:?} -> {json}");
    }
    if let Ok(qty) = serde_json::from_str::<Qty>(text) {
        let json = serde_json::to_string(&qty).expect("a Qty always serialises");
        assert_eq!(serde_json::from_str::<Qty>(&json).ok(), Some(qty), "{text:?} -> {json}");
    }
    if let Ok(money) = serde_json::from_str::<Money>(text) {
        let json = serde_json::to_string(&money).expect("a Money always serialises");
        assert_eq!(serde_json::from_str::<Money>(&json).ok(), Some(money), "{text:?} -> {json}");
    }
});
