//! One method per Kalshi REST endpoint a market maker uses.

use kmm_model::{MarketTicker, OrderId, SeriesTicker};
use reqwest::Method;
use serde::Serialize;

use super::client::{Call, RestClient};
use super::query::{EventsQuery, FillsQuery, MarketsQuery, OrdersQuery, PortfolioQuery};
use crate::error::{Error, Result};
use crate::ratelimit::{BATCH_CANCEL_ITEM_COST, DEFAULT_COST};
use crate::wire::{
    AmendOrderRequest, AmendOrderResponse, AmendOrderV2Request, AmendOrderV2Response, BatchCancelOrdersRequest,
    BatchCancelOrdersResponse, BatchCancelOrdersV2Request, BatchCancelOrdersV2Response, BatchCreateOrdersRequest,
    BatchCreateOrdersResponse, BatchCreateOrdersV2Request, BatchCreateOrdersV2Response, CancelOrderResponse,
    CancelOrderV2Response, CreateOrderGroupRequest, CreateOrderGroupResponse, CreateOrderRequest, CreateOrderResponse,
    CreateOrderV2Request, CreateOrderV2Response, DecreaseOrderRequest, DecreaseOrderResponse, DecreaseOrderV2Request,
    DecreaseOrderV2Response, ExchangeStatus, GetAccountApiLimitsResponse, GetAccountEndpointCostsResponse,
    GetBalanceResponse, GetEventResponse, GetEventsResponse, GetExchangeScheduleResponse, GetFillsResponse,
    GetMarketResponse, GetMarketsResponse, GetOrderGroupResponse, GetOrderGroupsResponse, GetOrderResponse,
    GetOrderbookResponse, GetOrderbooksResponse, GetOrdersResponse, GetPositionsResponse, GetSeriesListResponse,
    GetSeriesResponse, GetSettlementsResponse, GetTradesResponse, Market, Order, UpdateOrderGroupLimitRequest,
};

/// Most pages a `*_all` call follows before deciding the server is looping.
const MAX_PAGES: usize = 10_000;

/// A path segment (ticker, order id) checked to be URL-safe, so it cannot change the path.
fn segment(value: &str) -> Result<&str> {
    let ok = !value.is_empty()
        && !value.bytes().all(|b| b == b'.')
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'+' | b'='));
    if ok { Ok(value) } else { Err(Error::Config(format!("{value:?} is not a valid ticker or id"))) }
}

#[derive(Serialize)]
struct Empty {}

impl RestClient {
    // ---- exchange ----

    /// `GET /exchange/status`.
    pub async fn exchange_status(&self) -> Result<ExchangeStatus> {
        self.send(Call::get("/exchange/status")).await
    }

    /// `GET /exchange/schedule`.
    pub async fn exchange_schedule(&self) -> Result<GetExchangeScheduleResponse> {
        self.send(Call::get("/exchange/schedule")).await
    }

    // ---- market data (public) ----

    /// `GET /markets`: one page.
    pub async fn markets(&self, query: &MarketsQuery) -> Result<GetMarketsResponse> {
        self.send(query.apply(Call::get("/markets"))).await
    }

    /// `GET /markets`, following the cursor to the last page.
    pub async fn markets_all(&self, query: &MarketsQuery) -> Result<Vec<Market>> {
        let mut query = query.clone();
        let mut markets = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = self.markets(&query).await?;
            markets.extend(page.markets);
            if page.cursor.is_empty() || query.cursor.as_deref() == Some(page.cursor.as_str()) {
                return Ok(markets);
            }
            query.cursor = Some(page.cursor);
        }
        Err(Error::decode("GET /markets", "pagination did not end"))
    }

    /// `GET /markets/{ticker}`.
    pub async fn market(&self, ticker: &MarketTicker) -> Result<Market> {
        let path = format!("/markets/{}", segment(ticker.as_str())?);
        let response: GetMarketResponse = self.send(Call::get(path)).await?;
        Ok(response.market)
    }

    /// `GET /markets/{ticker}/orderbook`; `depth` 0 = all levels.
    pub async fn orderbook(&self, ticker: &MarketTicker, depth: Option<u32>) -> Result<GetOrderbookResponse> {
        let path = format!("/markets/{}/orderbook", segment(ticker.as_str())?);
        self.send(Call::get(path).query_opt("depth", depth)).await
    }

    /// `GET /markets/orderbooks?tickers=A&tickers=B` (1–100 tickers).
    pub async fn orderbooks(&self, tickers: &[MarketTicker]) -> Result<GetOrderbooksResponse> {
        let mut call = Call::get("/markets/orderbooks");
        for ticker in tickers {
            call = call.query("tickers", ticker);
        }
        self.send(call).await
    }

    /// `GET /markets/trades` for one market.
    pub async fn trades(
        &self,
        ticker: &MarketTicker,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<GetTradesResponse> {
        let call =
            Call::get("/markets/trades").query("ticker", ticker).query_opt("limit", limit).query_opt("cursor", cursor);
        self.send(call).await
    }

    /// `GET /events`.
    pub async fn events(&self, query: &EventsQuery) -> Result<GetEventsResponse> {
        self.send(query.apply(Call::get("/events"))).await
    }

    /// `GET /events/{event_ticker}` with its markets.
    pub async fn event(&self, event_ticker: &str) -> Result<GetEventResponse> {
        let path = format!("/events/{}", segment(event_ticker)?);
        self.send(Call::get(path).query("with_nested_markets", "true")).await
    }

    /// `GET /series/{series_ticker}`.
    pub async fn series(&self, series_ticker: &SeriesTicker) -> Result<GetSeriesResponse> {
        let path = format!("/series/{}", segment(series_ticker.as_str())?);
        self.send(Call::get(path)).await
    }

    /// `GET /series`, optionally by category.
    pub async fn series_list(&self, category: Option<&str>) -> Result<GetSeriesListResponse> {
        self.send(Call::get("/series").query_opt("category", category)).await
    }

    // ---- account ----

    /// `GET /account/limits`: the key's tier and budgets.
    pub async fn account_limits(&self) -> Result<GetAccountApiLimitsResponse> {
        self.send(Call::get("/account/limits").private()).await
    }

    /// `GET /account/endpoint_costs`: token costs that differ from the default.
    pub async fn endpoint_costs(&self) -> Result<GetAccountEndpointCostsResponse> {
        self.send(Call::get("/account/endpoint_costs")).await
    }

    // ---- portfolio reads ----

    /// `GET /portfolio/balance`.
    pub async fn balance(&self) -> Result<GetBalanceResponse> {
        self.send(Call::get("/portfolio/balance").private()).await
    }

    /// `GET /portfolio/positions`.
    pub async fn positions(&self, query: &PortfolioQuery) -> Result<GetPositionsResponse> {
        self.send(query.apply(Call::get("/portfolio/positions").private())).await
    }

    /// `GET /portfolio/fills`.
    pub async fn fills(&self, query: &FillsQuery) -> Result<GetFillsResponse> {
        self.send(query.apply(Call::get("/portfolio/fills").private())).await
    }

    /// `GET /portfolio/settlements`.
    pub async fn settlements(&self, query: &PortfolioQuery) -> Result<GetSettlementsResponse> {
        self.send(query.apply(Call::get("/portfolio/settlements").private())).await
    }

    /// `GET /portfolio/orders`.
    pub async fn orders(&self, query: &OrdersQuery) -> Result<GetOrdersResponse> {
        self.send(query.apply(Call::get("/portfolio/orders").private())).await
    }

    /// `GET /portfolio/orders`, following the cursor to the last page.
    pub async fn orders_all(&self, query: &OrdersQuery) -> Result<Vec<Order>> {
        let mut query = query.clone();
        let mut orders = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = self.orders(&query).await?;
            orders.extend(page.orders);
            if page.cursor.is_empty() || query.cursor.as_deref() == Some(page.cursor.as_str()) {
                return Ok(orders);
            }
            query.cursor = Some(page.cursor);
        }
        Err(Error::decode("GET /portfolio/orders", "pagination did not end"))
    }

    /// `GET /portfolio/orders/{order_id}`.
    pub async fn order(&self, order_id: &OrderId) -> Result<Order> {
        let path = format!("/portfolio/orders/{}", segment(order_id.as_str())?);
        let response: GetOrderResponse = self.send(Call::get(path).private()).await?;
        Ok(response.order)
    }

    // ---- V2 order writes ----

    /// `POST /portfolio/events/orders`: place an order.
    pub async fn create_order(&self, request: &CreateOrderV2Request) -> Result<CreateOrderV2Response> {
        self.send(Call::write(Method::POST, "/portfolio/events/orders").json(request)?).await
    }

    /// `POST /portfolio/events/orders/{id}/amend`: new price and/or total count.
    pub async fn amend_order(&self, order_id: &OrderId, request: &AmendOrderV2Request) -> Result<AmendOrderV2Response> {
        let path = format!("/portfolio/events/orders/{}/amend", segment(order_id.as_str())?);
        self.send(Call::write(Method::POST, path).json(request)?).await
    }

    /// `POST /portfolio/events/orders/{id}/decrease`.
    pub async fn decrease_order(
        &self,
        order_id: &OrderId,
        request: &DecreaseOrderV2Request,
    ) -> Result<DecreaseOrderV2Response> {
        let path = format!("/portfolio/events/orders/{}/decrease", segment(order_id.as_str())?);
        self.send(Call::write(Method::POST, path).json(request)?).await
    }

    /// `DELETE /portfolio/events/orders/{id}`: cancel. Safe to retry.
    pub async fn cancel_order(&self, order_id: &OrderId) -> Result<CancelOrderV2Response> {
        let path = format!("/portfolio/events/orders/{}", segment(order_id.as_str())?);
        self.send(Call::write(Method::DELETE, path).idempotent()).await
    }

    /// `POST /portfolio/events/orders/batched`: each item billed as one order.
    pub async fn batch_create_orders(
        &self,
        request: &BatchCreateOrdersV2Request,
    ) -> Result<BatchCreateOrdersV2Response> {
        let cost = DEFAULT_COST.saturating_mul(u32::try_from(request.orders.len()).unwrap_or(u32::MAX));
        self.send(Call::write(Method::POST, "/portfolio/events/orders/batched").cost(cost).json(request)?).await
    }

    /// `DELETE /portfolio/events/orders/batched`. Safe to retry.
    pub async fn batch_cancel_orders(
        &self,
        request: &BatchCancelOrdersV2Request,
    ) -> Result<BatchCancelOrdersV2Response> {
        let cost = BATCH_CANCEL_ITEM_COST.saturating_mul(u32::try_from(request.orders.len()).unwrap_or(u32::MAX));
        let call =
            Call::write(Method::DELETE, "/portfolio/events/orders/batched").cost(cost).idempotent().json(request)?;
        self.send(call).await
    }

    /// `DELETE /portfolio/events/orders`: cancel every resting order (204). Safe to retry.
    pub async fn cancel_all_orders(&self) -> Result<()> {
        self.send(Call::write(Method::DELETE, "/portfolio/events/orders").idempotent()).await
    }

    // ---- legacy (v1) order writes ----

    /// Legacy `POST /portfolio/orders`.
    pub async fn create_order_v1(&self, request: &CreateOrderRequest) -> Result<CreateOrderResponse> {
        self.send(Call::write(Method::POST, "/portfolio/orders").json(request)?).await
    }

    /// Legacy `DELETE /portfolio/orders/{id}`.
    pub async fn cancel_order_v1(&self, order_id: &OrderId) -> Result<CancelOrderResponse> {
        let path = format!("/portfolio/orders/{}", segment(order_id.as_str())?);
        self.send(Call::write(Method::DELETE, path).idempotent()).await
    }

    /// Legacy `POST /portfolio/orders/{id}/amend`.
    pub async fn amend_order_v1(&self, order_id: &OrderId, request: &AmendOrderRequest) -> Result<AmendOrderResponse> {
        let path = format!("/portfolio/orders/{}/amend", segment(order_id.as_str())?);
        self.send(Call::write(Method::POST, path).json(request)?).await
    }

    /// Legacy `POST /portfolio/orders/{id}/decrease`.
    pub async fn decrease_order_v1(
        &self,
        order_id: &OrderId,
        request: &DecreaseOrderRequest,
    ) -> Result<DecreaseOrderResponse> {
        let path = format!("/portfolio/orders/{}/decrease", segment(order_id.as_str())?);
        self.send(Call::write(Method::POST, path).json(request)?).await
    }

    /// Legacy `POST /portfolio/orders/batched`.
    pub async fn batch_create_orders_v1(
        &self,
        request: &BatchCreateOrdersRequest,
    ) -> Result<BatchCreateOrdersResponse> {
        let cost = DEFAULT_COST.saturating_mul(u32::try_from(request.orders.len()).unwrap_or(u32::MAX));
        self.send(Call::write(Method::POST, "/portfolio/orders/batched").cost(cost).json(request)?).await
    }

    /// Legacy `DELETE /portfolio/orders/batched`.
    pub async fn batch_cancel_orders_v1(
        &self,
        request: &BatchCancelOrdersRequest,
    ) -> Result<BatchCancelOrdersResponse> {
        let cost = BATCH_CANCEL_ITEM_COST.saturating_mul(u32::try_from(request.order_ids().len()).unwrap_or(u32::MAX));
        let call = Call::write(Method::DELETE, "/portfolio/orders/batched").cost(cost).idempotent().json(request)?;
        self.send(call).await
    }

    // ---- order groups ----

    /// `POST /portfolio/order_groups/create`.
    pub async fn create_order_group(&self, request: &CreateOrderGroupRequest) -> Result<CreateOrderGroupResponse> {
        self.send(Call::write(Method::POST, "/portfolio/order_groups/create").json(request)?).await
    }

    /// `GET /portfolio/order_groups`.
    pub async fn order_groups(&self) -> Result<GetOrderGroupsResponse> {
        self.send(Call::get("/portfolio/order_groups").private()).await
    }

    /// `GET /portfolio/order_groups/{id}`.
    pub async fn order_group(&self, group_id: &str) -> Result<GetOrderGroupResponse> {
        let path = format!("/portfolio/order_groups/{}", segment(group_id)?);
        self.send(Call::get(path).private()).await
    }

    /// `PUT /portfolio/order_groups/{id}/reset`: allow orders again after a trigger.
    pub async fn reset_order_group(&self, group_id: &str) -> Result<()> {
        self.order_group_action(group_id, "reset").await
    }

    /// `PUT /portfolio/order_groups/{id}/trigger`: cancel the group's orders now.
    pub async fn trigger_order_group(&self, group_id: &str) -> Result<()> {
        self.order_group_action(group_id, "trigger").await
    }

    async fn order_group_action(&self, group_id: &str, action: &str) -> Result<()> {
        let path = format!("/portfolio/order_groups/{}/{action}", segment(group_id)?);
        let _: serde::de::IgnoredAny = self.send(Call::write(Method::PUT, path).idempotent().json(&Empty {})?).await?;
        Ok(())
    }

    /// `PUT /portfolio/order_groups/{id}/limit`.
    pub async fn set_order_group_limit(&self, group_id: &str, request: &UpdateOrderGroupLimitRequest) -> Result<()> {
        let path = format!("/portfolio/order_groups/{}/limit", segment(group_id)?);
        let _: serde::de::IgnoredAny = self.send(Call::write(Method::PUT, path).idempotent().json(request)?).await?;
        Ok(())
    }

    /// `DELETE /portfolio/order_groups/{id}`: cancels its orders and removes it.
    pub async fn delete_order_group(&self, group_id: &str) -> Result<()> {
        let path = format!("/portfolio/order_groups/{}", segment(group_id)?);
        let _: serde::de::IgnoredAny = self.send(Call::write(Method::DELETE, path).idempotent()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_escape() {
        assert!(segment("KXHIGHNY-25JAN01-B45.5").is_ok());
        assert!(segment("ee6f0c1a-0000-4000-8000-000000000000").is_ok());
        for bad in ["", ".", "..", "a/b", "a?b=1", "../x", "a b", "a#b", "a%2Fb"] {
            assert!(segment(bad).is_err(), "{bad:?} must be refused");
        }
    }
}
