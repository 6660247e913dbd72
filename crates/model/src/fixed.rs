//! Exact decimal-string parsing and formatting for fixed-point integers.
//!
//! Kalshi sends prices as `"0.5600"`, counts as `"10.00"` and money as `"4.950000"`. These
//! helpers turn such strings into scaled integers and back without ever touching `f64`.

use std::fmt::Write as _;

use crate::error::ParseError;

/// Longest decimal string accepted; anything longer is rejected before any arithmetic.
const MAX_LEN: usize = 40;

/// Parses `text` as a decimal with at most `scale` significant fraction digits into an integer
/// scaled by `10^scale`. Extra fraction digits are accepted only when they are zeros, so
/// `"0.560000"` parses at scale 4 but `"0.56001"` does not.
pub(crate) fn parse(text: &str, scale: u32, signed: bool) -> Result<i64, ParseError> {
    let bad = |reason: &'static str| ParseError::new(text, reason);
    if text.is_empty() {
        return Err(bad("empty string"));
    }
    if text.len() > MAX_LEN {
        return Err(bad("too long"));
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) if signed => (true, rest),
        Some(_) => return Err(bad("negative value not allowed")),
        None => (false, text),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => {
            if f.is_empty() {
                return Err(bad("missing digits after the decimal point"));
            }
            (i, f)
        }
        None => (body, ""),
    };
    if int_part.is_empty() {
        return Err(bad("missing digits before the decimal point"));
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("not a decimal number"));
    }
    let scale_len = scale as usize;
    let (kept, dropped) = frac_part.split_at(frac_part.len().min(scale_len));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(bad("more precision than the unit allows"));
    }
    let overflow = || bad("out of range");
    let mut value: i64 = 0;
    for digit in int_part.bytes().chain(kept.bytes()) {
        value = value.checked_mul(10).and_then(|v| v.checked_add(i64::from(digit - b'0'))).ok_or_else(overflow)?;
    }
    for _ in kept.len()..scale_len {
        value = value.checked_mul(10).ok_or_else(overflow)?;
    }
    Ok(if negative { -value } else { value })
}

/// Formats a value scaled by `10^scale` with exactly `decimals` fraction digits
/// (`decimals >= scale` pads with zeros; `decimals < scale` must only drop zeros).
pub(crate) fn format(value: i64, scale: u32, decimals: u32, out: &mut String) {
    let unit = 10_i64.pow(scale);
    let magnitude = value.unsigned_abs();
    let unit_u = unit.unsigned_abs();
    if value < 0 {
        out.push('-');
    }
    let whole = magnitude / unit_u;
    let frac = magnitude % unit_u;
    // Writing to a String cannot fail.
    let _ = write!(out, "{whole}");
    if decimals == 0 {
        return;
    }
    out.push('.');
    let mut digits = String::with_capacity(scale as usize);
    let _ = write!(digits, "{frac:0width$}", width = scale as usize);
    let shown = (decimals as usize).min(digits.len());
    out.push_str(&digits[..shown]);
    for _ in shown..decimals as usize {
        out.push('0');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(value: i64, scale: u32, decimals: u32) -> String {
        let mut s = String::new();
        format(value, scale, decimals, &mut s);
        s
    }

    #[test]
    fn parses_and_pads_fraction() {
        assert_eq!(parse("0.56", 4, false), Ok(5600));
        assert_eq!(parse("0.5600", 4, false), Ok(5600));
        assert_eq!(parse("0.560000", 4, false), Ok(5600));
        assert_eq!(parse("1", 4, false), Ok(10_000));
        assert_eq!(parse("-54.00", 2, true), Ok(-5400));
    }

    #[test]
    fn rejects_malformed() {
        for bad in ["", "-", ".5", "5.", "0.5.0", "abc", "0,5", " 1", "1 ", "+1", "0x10", "0.56001", "1e3"] {
            assert!(parse(bad, 4, true).is_err(), "{bad:?} must be rejected");
        }
        assert!(parse("-1", 4, false).is_err(), "unsigned parse must reject a minus sign");
        assert!(parse("99999999999999999999", 4, false).is_err(), "overflow must be an error");
    }

    #[test]
    fn formats_with_requested_decimals() {
        assert_eq!(fmt(5600, 4, 4), "0.5600");
        assert_eq!(fmt(-5400, 2, 2), "-54.00");
        assert_eq!(fmt(54_600, 6, 6), "0.054600");
        assert_eq!(fmt(5600, 4, 6), "0.560000");
        assert_eq!(fmt(0, 2, 2), "0.00");
        assert_eq!(fmt(7, 2, 0), "0");
    }
}
