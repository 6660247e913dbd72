//! `GET /exchange/status`, `/exchange/schedule`, `/exchange/user_data_timestamp`: the
//! simulator is always up, open around the clock, and its reads are always current.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use kmm_kalshi::wire::{
    DailySession, ExchangeIndexStatus, ExchangeSchedule, ExchangeStatus, GetExchangeScheduleResponse,
    GetUserDataTimestampResponse, WeeklySchedule,
};

use super::convert::FAR_FUTURE_MS;
use super::extract::rfc3339;
use crate::server::{AppState, now_ms};

/// `GET /exchange/status`: trading is active unless paused by the fault layer.
pub(super) async fn status(State(state): State<Arc<AppState>>) -> Json<ExchangeStatus> {
    let trading = !state.faults.trading_paused();
    Json(ExchangeStatus {
        exchange_active: true,
        trading_active: trading,
        intra_exchange_transfers_active: Some(true),
        exchange_estimated_resume_time: None,
        exchange_index_statuses: Some(vec![ExchangeIndexStatus {
            exchange_index: 0,
            description: "event contracts (simulated)".to_owned(),
            exchange_active: true,
            trading_active: trading,
            intra_exchange_transfers_active: true,
        }]),
    })
}

/// `GET /exchange/schedule`: one session per day covering the whole day, no maintenance.
pub(super) async fn schedule() -> Json<GetExchangeScheduleResponse> {
    let day = || vec![DailySession { open_time: "00:00".to_owned(), close_time: "23:59".to_owned() }];
    Json(GetExchangeScheduleResponse {
        schedule: ExchangeSchedule {
            standard_hours: vec![WeeklySchedule {
                start_time: rfc3339(0),
                end_time: rfc3339(FAR_FUTURE_MS),
                monday: day(),
                tuesday: day(),
                wednesday: day(),
                thursday: day(),
                friday: day(),
                saturday: day(),
                sunday: day(),
            }],
            maintenance_windows: Vec::new(),
        },
    })
}

/// `GET /exchange/user_data_timestamp`: now (reads are never stale).
pub(super) async fn user_data_timestamp() -> Json<GetUserDataTimestampResponse> {
    Json(GetUserDataTimestampResponse { as_of_time: rfc3339(now_ms()) })
}
