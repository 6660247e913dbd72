//! The app's settings: the chosen environment and the editable strategy/risk values, kept as
//! a small JSON file in the app config folder (never a key), and the conversion of the UI's
//! decimal strings into the engine's [`QuoteParams`] and [`RiskLimits`] with per-field errors.

use std::path::{Path, PathBuf};

use kmm_engine::quoting::QuoteParams;
use kmm_engine::risk::RiskLimits;
use kmm_model::{Money, Price, Qty};
use serde::{Deserialize, Serialize};

use crate::dto::{Environment, SettingsDto};
use crate::error::FieldError;

/// The settings file's name inside the app config folder.
pub const FILE_NAME: &str = "settings.json";

/// Longest quote refresh interval accepted (one hour), ms.
const MAX_REFRESH_MS: f64 = 3_600_000.0;
/// Largest open-order limit accepted.
const MAX_OPEN_ORDERS: f64 = 1_000.0;

/// What the settings file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StoredSettings {
    /// The environment the app trades on at startup (paper when it has no key).
    pub environment: Environment,
    /// Strategy and risk values.
    pub settings: SettingsDto,
}

impl Default for StoredSettings {
    fn default() -> Self {
        Self { environment: Environment::Paper, settings: default_settings() }
    }
}

/// The engine's defaults, as the UI shows them.
pub fn default_settings() -> SettingsDto {
    let (quote, risk) = (QuoteParams::default(), RiskLimits::default());
    to_dto(&quote, &risk, true)
}

/// The UI's view of engine parameters.
pub fn to_dto(quote: &QuoteParams, risk: &RiskLimits, notifications: bool) -> SettingsDto {
    SettingsDto {
        min_spread: quote.min_spread.to_string(),
        order_amount: quote.order_amount.to_string(),
        // An i64 of milliseconds below 2^53 is exact in f64; larger values are refused on input.
        #[allow(clippy::cast_precision_loss)]
        order_refresh_time_ms: quote.order_refresh_time_ms as f64,
        inventory_skew_enabled: quote.inventory_skew_enabled,
        max_position: risk.max_position.to_string(),
        daily_loss_limit: risk.daily_loss_limit.to_string(),
        max_open_orders: f64::from(risk.max_open_orders),
        notifications,
    }
}

/// Converts the UI's settings into engine parameters, starting from `quote` and `risk` for
/// the fields the UI does not edit. Every bad field is reported, keyed by its `SettingsDto`
/// (camelCase) name; the engine's own validation runs too, so a value the engine would refuse
/// is caught here with the same per-field shape.
pub fn parse(
    dto: &SettingsDto,
    quote: &QuoteParams,
    risk: &RiskLimits,
) -> Result<(QuoteParams, RiskLimits), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut bad = |field: &str, message: String| errors.push(FieldError { field: field.to_owned(), message });
    let mut quote = quote.clone();
    let mut risk = risk.clone();

    match dto.min_spread.trim().parse::<Price>() {
        Ok(p) => quote.min_spread = p,
        Err(_) => bad("minSpread", "enter a dollar price between 0 and 1, such as 0.0500".to_owned()),
    }
    match dto.order_amount.trim().parse::<Qty>() {
        Ok(q) => quote.order_amount = q,
        Err(_) => bad("orderAmount", "enter a number of contracts, such as 10.00".to_owned()),
    }
    match whole_number(dto.order_refresh_time_ms, 1.0, MAX_REFRESH_MS) {
        Some(ms) => quote.order_refresh_time_ms = ms,
        None => bad("orderRefreshTimeMs", "enter whole milliseconds between 1 and 3600000".to_owned()),
    }
    quote.inventory_skew_enabled = dto.inventory_skew_enabled;
    match dto.max_position.trim().parse::<Qty>() {
        Ok(q) => risk.max_position = q,
        Err(_) => bad("maxPosition", "enter a number of contracts, such as 100.00".to_owned()),
    }
    match dto.daily_loss_limit.trim().parse::<Money>() {
        Ok(m) => risk.daily_loss_limit = m,
        Err(_) => bad("dailyLossLimit", "enter a dollar amount, such as 50.00".to_owned()),
    }
    match whole_number(dto.max_open_orders, 1.0, MAX_OPEN_ORDERS).and_then(|n| u32::try_from(n).ok()) {
        Some(n) => {
            risk.max_open_orders = n;
            // A global limit below the per-market one would be refused; the smaller wins.
            risk.max_open_orders_per_market = risk.max_open_orders_per_market.min(n);
        }
        None => bad("maxOpenOrders", "enter a whole number between 1 and 1000".to_owned()),
    }

    // The engine's own checks, for the fields that parsed.
    let parsed = |field: &str, errors: &[FieldError]| !errors.iter().any(|e| e.field == field);
    if let Err(problems) = quote.validate() {
        for p in problems {
            if let Some(field) = quote_field(p.field)
                && parsed(field, &errors)
            {
                errors.push(FieldError { field: field.to_owned(), message: p.message });
            }
        }
    }
    if let Err(invalid) = risk.validate() {
        for p in invalid.problems {
            if let Some(field) = risk_field(p.field)
                && parsed(field, &errors)
            {
                errors.push(FieldError { field: field.to_owned(), message: p.message });
            }
        }
    }
    if errors.is_empty() { Ok((quote, risk)) } else { Err(errors) }
}

/// A finite whole number in `[min, max]`.
fn whole_number(value: f64, min: f64, max: f64) -> Option<i64> {
    // The range check bounds the value well inside i64, so the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    (value.is_finite() && value.fract() == 0.0 && (min..=max).contains(&value)).then_some(value as i64)
}

/// The `SettingsDto` field of a `QuoteParams` field the UI edits.
fn quote_field(field: &str) -> Option<&'static str> {
    match field {
        "min_spread" => Some("minSpread"),
        "order_amount" => Some("orderAmount"),
        "order_refresh_time_ms" => Some("orderRefreshTimeMs"),
        _ => None,
    }
}

/// The `SettingsDto` field of a `RiskLimits` field the UI edits.
fn risk_field(field: &str) -> Option<&'static str> {
    match field {
        "max_position" => Some("maxPosition"),
        "daily_loss_limit" => Some("dailyLossLimit"),
        "max_open_orders" | "max_open_orders_per_market" => Some("maxOpenOrders"),
        _ => None,
    }
}

/// Where the settings live; `None` keeps them in memory only (tests).
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: Option<PathBuf>,
}

impl SettingsFile {
    /// The file `dir/settings.json`.
    pub fn in_dir(dir: &Path) -> Self {
        Self { path: Some(dir.join(FILE_NAME)) }
    }

    /// No file: settings are not persisted.
    pub fn memory() -> Self {
        Self { path: None }
    }

    /// The file's path, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The stored settings; defaults when there is no file, and defaults with a warning when
    /// it cannot be read (a damaged file never stops the app).
    pub fn load(&self) -> StoredSettings {
        let Some(path) = &self.path else { return StoredSettings::default() };
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|error| {
                tracing::warn!(path = %path.display(), %error, "settings file unreadable; using defaults");
                StoredSettings::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => StoredSettings::default(),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "settings file unreadable; using defaults");
                StoredSettings::default()
            }
        }
    }

    /// Writes the settings (to a temporary file first, then renamed over the old one).
    pub fn save(&self, settings: &StoredSettings) -> std::io::Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_string_pretty(settings).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn defaults_round_trip_through_the_dto() {
        let dto = default_settings();
        assert_eq!(dto.min_spread, "0.0500", "prices are four-decimal strings");
        assert_eq!(dto.order_amount, "10.00", "counts are two-decimal strings");
        assert_eq!(dto.daily_loss_limit, "50.000000", "money is six-decimal strings");
        let (quote, risk) = parse(&dto, &QuoteParams::default(), &RiskLimits::default()).unwrap();
        assert_eq!(quote, QuoteParams::default(), "the defaults parse back to themselves");
        assert_eq!(risk, RiskLimits::default());
    }

    #[test]
    fn values_are_parsed_exactly() {
        let dto = SettingsDto {
            min_spread: " 0.07 ".into(),
            order_amount: "5".into(),
            order_refresh_time_ms: 2_500.0,
            inventory_skew_enabled: false,
            max_position: "25.50".into(),
            daily_loss_limit: "12.5".into(),
            max_open_orders: 4.0,
            notifications: false,
        };
        let (quote, risk) = parse(&dto, &QuoteParams::default(), &RiskLimits::default()).unwrap();
        assert_eq!(quote.min_spread, Price::from_cents(7).unwrap());
        assert_eq!(quote.order_amount, Qty::from_contracts(5).unwrap());
        assert_eq!(quote.order_refresh_time_ms, 2_500);
        assert!(!quote.inventory_skew_enabled);
        assert_eq!(risk.max_position, Qty::from_units(2_550));
        assert_eq!(risk.daily_loss_limit, Money::from_micros(12_500_000));
        assert_eq!(risk.max_open_orders, 4);
        assert_eq!(risk.max_open_orders_per_market, 4, "the per-market limit follows a smaller global one");
    }

    #[test]
    fn every_bad_field_is_reported_by_its_camel_case_name() {
        let dto = SettingsDto {
            min_spread: "1.5".into(),
            order_amount: "ten".into(),
            order_refresh_time_ms: 0.5,
            inventory_skew_enabled: true,
            max_position: "0".into(),
            daily_loss_limit: "-3".into(),
            max_open_orders: f64::NAN,
            notifications: true,
        };
        let errors = parse(&dto, &QuoteParams::default(), &RiskLimits::default()).unwrap_err();
        let mut got = fields(&errors);
        got.sort_unstable();
        assert_eq!(
            got,
            ["dailyLossLimit", "maxOpenOrders", "maxPosition", "minSpread", "orderAmount", "orderRefreshTimeMs"],
            "one error per bad field, no duplicates: {errors:?}"
        );
        assert!(errors.iter().all(|e| !e.message.is_empty()), "each error says what is wrong");
    }

    #[test]
    fn engine_rules_surface_as_field_errors() {
        let dto = SettingsDto { min_spread: "0".into(), order_amount: "0".into(), ..default_settings() };
        let errors = parse(&dto, &QuoteParams::default(), &RiskLimits::default()).unwrap_err();
        assert_eq!(fields(&errors), ["minSpread", "orderAmount"], "{errors:?}");
        assert!(errors[0].message.contains("above"), "the engine's message is kept: {}", errors[0].message);
    }

    #[test]
    fn the_file_round_trips_and_survives_damage() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::in_dir(dir.path());
        assert_eq!(file.load().environment, Environment::Paper, "no file: paper");
        let mut stored = StoredSettings { environment: Environment::Demo, ..StoredSettings::default() };
        stored.settings.min_spread = "0.0300".into();
        file.save(&stored).unwrap();
        let back = file.load();
        assert_eq!(back.environment, Environment::Demo);
        assert_eq!(back.settings.min_spread, "0.0300");
        std::fs::write(dir.path().join(FILE_NAME), "{ not json").unwrap();
        assert_eq!(file.load().environment, Environment::Paper, "a damaged file falls back to defaults");
    }
}
