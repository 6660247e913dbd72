//! Helpers shared by the fuzz targets.

use serde_json::Value;

/// Most units in the last place two JSON floats may differ by and still count as equal.
///
/// serde_json's default float parser is not correctly rounded outside its exact fast path
/// (about 30% of random doubles printed in shortest form read back 1-2 ulps off; the worst
/// seen in 3 million tries was 2 ulps). Typed fields never hold floats (prices, counts and
/// money are fixed-point decimals), but opaque values the wire types keep whole (an unknown
/// frame, `custom_strike`, ...) do, so a serialise → parse round trip may move such a float by
/// an ulp or two. Enabling serde_json's `float_roundtrip` feature would make it exact.
pub const FLOAT_ULPS: u64 = 4;

/// `a == b`, except that JSON floats may differ by up to [`FLOAT_ULPS`].
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x != y && (x.is_f64() || y.is_f64()) => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => ulps_apart(x, y) <= FLOAT_ULPS,
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Distance between two finite doubles in units in the last place.
fn ulps_apart(x: f64, y: f64) -> u64 {
    // Map the bit patterns onto a line where adjacent doubles are adjacent integers.
    let key = |v: f64| {
        let bits = v.to_bits().cast_signed();
        if bits < 0 { i64::MIN - bits } else { bits }
    };
    key(x).abs_diff(key(y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_may_move_by_an_ulp_integers_may_not() {
        let a = f64::from_bits(0x491f_fa8d_9b79_43f9);
        let b = f64::from_bits(0x491f_fa8d_9b79_43fa);
        assert!(same_json(&json!({"n": [a]}), &json!({"n": [b]})));
        assert!(!same_json(&json!({"n": 1.0}), &json!({"n": 1.5})));
        assert!(!same_json(&json!({"n": 1}), &json!({"n": 2})));
        assert!(!same_json(&json!({"n": "1"}), &json!({"n": 1})));
        assert!(!same_json(&json!({"n": 1}), &json!({"m": 1})));
        assert_eq!(ulps_apart(-0.0, 0.0), 0);
        assert_eq!(ulps_apart(f64::MIN_POSITIVE, -f64::MIN_POSITIVE), 2 * f64::MIN_POSITIVE.to_bits());
    }
}
