#!/usr/bin/env python3
"""Kalshi's official Python SDK (kalshi-python-sync 3.34.0) against the simulator.

Usage: conformance.py REST_URL KEY_ID KEY_PATH TICKER ASK_PRICE ASK_COUNT

Every response is parsed by the SDK's own typed models (the methods that return models, never
the raw `_without_preload_content` variants), so a missing required field, a number where the
SDK wants a string, or a wrong enum value fails a check. Another user must have an ask resting
on TICKER at ASK_PRICE for ASK_COUNT contracts (the Rust test seeds it); this script buys into
it and checks the fee and balance arithmetic exactly.

Prints one line per check and finally `N passed, M failed`; exits 0 only if nothing failed.
Install the SDK with: pip install --ignore-requires-python kalshi-python-sync==3.34.0
"""

import base64
import json
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from kalshi_python_sync import ApiException, Configuration, KalshiClient
from kalshi_python_sync.models import (
    AmendOrderV2Response,
    BatchCancelOrdersV2Response,
    BatchCreateOrdersV2Response,
    CancelOrderV2Response,
    CreateOrderGroupResponse,
    CreateOrderResponse,
    CreateOrderV2Request,
    CreateOrderV2Response,
    DecreaseOrderV2Response,
    ExchangeStatus,
    GetAccountApiLimitsResponse,
    GetAccountEndpointCostsResponse,
    GetBalanceResponse,
    GetEventResponse,
    GetEventsResponse,
    GetExchangeScheduleResponse,
    GetFillsResponse,
    GetMarketOrderbookResponse,
    GetMarketOrderbooksResponse,
    GetMarketResponse,
    GetMarketsResponse,
    GetOrderGroupResponse,
    GetOrderGroupsResponse,
    GetOrderQueuePositionResponse,
    GetOrderQueuePositionsResponse,
    GetOrderResponse,
    GetOrdersResponse,
    GetPortfolioRestingOrderTotalValueResponse,
    GetPositionsResponse,
    GetSeriesListResponse,
    GetSeriesResponse,
    GetSettlementsResponse,
    GetTradesResponse,
    GetUserDataTimestampResponse,
)
from kalshi_python_sync.models.batch_cancel_orders_v2_request_orders_inner import (
    BatchCancelOrdersV2RequestOrdersInner,
)

REST_URL, KEY_ID, KEY_PATH, TICKER, ASK_PRICE, ASK_COUNT = sys.argv[1:7]
ASK = Decimal(ASK_PRICE)
COUNT = Decimal(ASK_COUNT)
CENT = Decimal("0.01")

results = {"passed": 0, "failed": 0}


def check(name, fn):
    """Runs one check; `fn` raises (AssertionError, ApiException, pydantic errors) on failure."""
    try:
        detail = fn()
        results["passed"] += 1
        print(f"ok   - {name}" + (f": {detail}" if detail else ""))
    except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the run
        results["failed"] += 1
        print(f"FAIL - {name}: {type(error).__name__}: {error}")
        traceback.print_exc(limit=3, file=sys.stdout)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def price(value):
    """A dollar string as the API wants it (4 decimals)."""
    return f"{Decimal(value):.4f}"


def taker_fee(count, yes_price, multiplier):
    """ceil(0.07 x multiplier x C x P x (1 - P)) to $0.0001, Kalshi's taker fee."""
    raw = Decimal("0.07") * multiplier * count * yes_price * (1 - yes_price)
    return raw.quantize(Decimal("0.0001"), rounding=ROUND_CEILING)


# A plain signed HTTP call, for the legacy v1 endpoints the SDK 3.34 no longer wraps.
with open(KEY_PATH, "rb") as key_file:
    PRIVATE_KEY = serialization.load_pem_private_key(key_file.read(), password=None)
BASE_PATH = urllib.parse.urlparse(REST_URL).path


def signed(method, path, body=None):
    """`ts + METHOD + /trade-api/v2/path` signed with RSA-PSS (SHA-256, MGF1 SHA-256, 32-byte salt)."""
    ts = str(int(time.time() * 1000))
    full_path = BASE_PATH + path
    signature = PRIVATE_KEY.sign(
        (ts + method + full_path.split("?")[0]).encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH),
        hashes.SHA256(),
    )
    headers = {
        "KALSHI-ACCESS-KEY": KEY_ID,
        "KALSHI-ACCESS-TIMESTAMP": ts,
        "KALSHI-ACCESS-SIGNATURE": base64.b64encode(signature).decode(),
        "Content-Type": "application/json",
    }
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(REST_URL + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main():
    config = Configuration(host=REST_URL)
    config.api_key_id = KEY_ID
    with open(KEY_PATH) as key_file:
        config.private_key_pem = key_file.read()
    client = KalshiClient(config)
    state = {}

    # ---- exchange and account ----
    def exchange():
        status = client.get_exchange_status()
        expect(isinstance(status, ExchangeStatus) and status.exchange_active and status.trading_active, status)
        schedule = client.get_exchange_schedule()
        expect(isinstance(schedule, GetExchangeScheduleResponse), schedule)
        expect(len(schedule.schedule.standard_hours) >= 1, "standard hours")
        stamp = client.get_user_data_timestamp()
        expect(isinstance(stamp, GetUserDataTimestampResponse), stamp)
        return f"trading_active={status.trading_active}"

    check("get_exchange_status / get_exchange_schedule / get_user_data_timestamp", exchange)

    def account():
        limits = client.get_account_api_limits()
        expect(isinstance(limits, GetAccountApiLimitsResponse), limits)
        costs = client.get_account_endpoint_costs()
        expect(isinstance(costs, GetAccountEndpointCostsResponse) and costs.default_cost == 10, costs)
        return f"tier={limits.usage_tier} write={limits.write.refill_rate}/s"

    check("get_account_api_limits / get_account_endpoint_costs", account)

    # ---- market data ----
    def markets_paginated():
        tickers, cursor, pages = [], None, 0
        while True:
            page = client.get_markets(limit=2, cursor=cursor) if cursor else client.get_markets(limit=2)
            expect(isinstance(page, GetMarketsResponse), page)
            expect(len(page.markets) <= 2, "page size")
            tickers += [m.ticker for m in page.markets]
            pages += 1
            if not page.cursor:
                break
            cursor = page.cursor
            expect(pages < 100, "pagination does not end")
        expect(TICKER in tickers, f"{TICKER} not listed")
        expect(len(tickers) == len(set(tickers)), "a market listed twice")
        expect(pages >= 2, "expected several pages")
        state["tickers"] = tickers
        filtered = client.get_markets(status="open", tickers=TICKER)
        expect([m.ticker for m in filtered.markets] == [TICKER], filtered.markets)
        return f"{len(tickers)} markets in {pages} pages"

    check("get_markets (limit=2, following cursor)", markets_paginated)

    def bad_filter():
        try:
            client.get_markets(status="finalized")
        except ApiException as error:
            expect(error.status == 400 and "invalid status filter" in (error.body or ""), error.body)
            return "400 bad_request"
        raise AssertionError("status=finalized was accepted")

    check("get_markets(status=finalized) -> 400", bad_filter)

    def market():
        response = client.get_market(TICKER)
        expect(isinstance(response, GetMarketResponse), response)
        m = response.market
        expect(m.ticker == TICKER and m.status == "active", (m.ticker, m.status))
        expect(Decimal(m.yes_ask_dollars) == ASK, f"best ask {m.yes_ask_dollars}")
        expect(m.price_level_structure == "linear_cent" and m.price_ranges, m.price_ranges)
        state["event_ticker"] = m.event_ticker
        return f"{m.ticker} {m.status} bid {m.yes_bid_dollars} ask {m.yes_ask_dollars}"

    check("get_market", market)

    def orderbook():
        book = client.get_market_orderbook(TICKER)
        expect(isinstance(book, GetMarketOrderbookResponse), book)
        no_levels = [(Decimal(p), Decimal(c)) for p, c in book.orderbook_fp.no_dollars]
        expect((1 - ASK, COUNT) in no_levels, f"the seeded ask is a NO bid at {1 - ASK}: {no_levels}")
        top = client.get_market_orderbook(TICKER, depth=1)
        expect(len(top.orderbook_fp.no_dollars) <= 1 and len(top.orderbook_fp.yes_dollars) <= 1, top)
        books = client.get_market_orderbooks(tickers=state["tickers"][:2])
        expect(isinstance(books, GetMarketOrderbooksResponse) and len(books.orderbooks) == 2, books)
        return f"yes {book.orderbook_fp.yes_dollars} no {book.orderbook_fp.no_dollars}"

    check("get_market_orderbook / get_market_orderbooks", orderbook)

    def events_and_series():
        events = client.get_events(limit=10, with_nested_markets=True)
        expect(isinstance(events, GetEventsResponse) and events.events, events)
        event = client.get_event(state["event_ticker"], with_nested_markets=True)
        expect(isinstance(event, GetEventResponse) and TICKER in [m.ticker for m in event.markets], event)
        series_ticker = event.event.series_ticker
        series = client.get_series(series_ticker)
        expect(isinstance(series, GetSeriesResponse) and series.series.fee_type, series)
        state["fee_multiplier"] = Decimal(str(series.series.fee_multiplier))
        listing = client.get_series_list()
        expect(isinstance(listing, GetSeriesListResponse) and listing.series, listing)
        trades = client.get_trades(ticker=TICKER, limit=5)
        expect(isinstance(trades, GetTradesResponse), trades)
        return f"series {series_ticker} fee {series.series.fee_type} x{series.series.fee_multiplier}"

    check("get_events / get_event / get_series / get_series_list / get_trades", events_and_series)

    # ---- portfolio reads ----
    def balance_and_positions():
        balance = client.get_balance()
        expect(isinstance(balance, GetBalanceResponse), balance)
        dollars = Decimal(balance.balance_dollars)
        expect(balance.balance == int((dollars / CENT).to_integral_value(rounding=ROUND_FLOOR)), balance)
        positions = client.get_positions()
        expect(isinstance(positions, GetPositionsResponse), positions)
        settlements = client.get_settlements()
        expect(isinstance(settlements, GetSettlementsResponse), settlements)
        total = client.get_portfolio_resting_order_total_value()
        expect(isinstance(total, GetPortfolioRestingOrderTotalValueResponse), total)
        return f"balance {balance.balance_dollars}, {len(positions.market_positions)} positions"

    check("get_balance / get_positions / get_settlements / resting order value", balance_and_positions)

    # ---- a resting V2 order: create, read, amend, decrease, cancel ----
    resting_price = price(ASK - Decimal("0.10"))

    def create_resting():
        ack = client.create_order_v2(
            ticker=TICKER, side="bid", count="2", price=resting_price, client_order_id="sdk-resting-1",
            time_in_force="good_till_canceled", self_trade_prevention_type="maker", post_only=True,
        )
        expect(isinstance(ack, CreateOrderV2Response), ack)
        expect(ack.fill_count == "0.00" and ack.remaining_count == "2.00", ack)
        expect(isinstance(ack.ts_ms, int), ack.ts_ms)
        state["order_id"] = ack.order_id
        return f"{ack.order_id} resting 2 @ {resting_price}"

    check("create_order_v2 (resting, post-only)", create_resting)

    def read_order():
        order = client.get_order(state["order_id"]).order
        expect(order.status == "resting" and order.book_side == "bid" and order.outcome_side == "yes", order)
        expect(order.client_order_id == "sdk-resting-1" and order.remaining_count_fp == "2.00", order)
        expect(Decimal(order.yes_price_dollars) + Decimal(order.no_price_dollars) == 1, order)
        listed = client.get_orders(ticker=TICKER, status="resting")
        expect(isinstance(listed, GetOrdersResponse), listed)
        expect(state["order_id"] in [o.order_id for o in listed.orders], "not listed as resting")
        queue = client.get_order_queue_position(state["order_id"])
        expect(isinstance(queue, GetOrderQueuePositionResponse), queue)
        queues = client.get_order_queue_positions(market_tickers=TICKER)
        expect(isinstance(queues, GetOrderQueuePositionsResponse) and queues.queue_positions, queues)
        return f"status {order.status}, queue {queue.queue_position_fp}"

    check("get_order / get_orders / queue positions", read_order)

    def amend():
        ack = client.amend_order_v2(
            state["order_id"], ticker=TICKER, side="bid", price=price(ASK - Decimal("0.11")), count="3"
        )
        expect(isinstance(ack, AmendOrderV2Response) and ack.remaining_count == "3.00", ack)
        order = client.get_order(state["order_id"]).order
        expect(Decimal(order.yes_price_dollars) == ASK - Decimal("0.11"), order.yes_price_dollars)
        decreased = client.decrease_order_v2(state["order_id"], reduce_by="1")
        expect(isinstance(decreased, DecreaseOrderV2Response) and decreased.remaining_count == "2.00", decreased)
        return f"amended to 3 @ {order.yes_price_dollars}, decreased to {decreased.remaining_count}"

    check("amend_order_v2 / decrease_order_v2", amend)

    def cancel():
        ack = client.cancel_order_v2(state["order_id"])
        expect(isinstance(ack, CancelOrderV2Response) and ack.reduced_by == "2.00", ack)
        order = client.get_order(state["order_id"]).order
        expect(order.status == "canceled" and order.remaining_count_fp == "0.00", order)
        return "canceled, reduced_by 2.00"

    check("cancel_order_v2", cancel)

    def batches():
        far = price(Decimal("0.05"))
        orders = [
            CreateOrderV2Request(ticker=TICKER, side="bid", count="1", price=far,
                                 time_in_force="good_till_canceled", self_trade_prevention_type="maker"),
            CreateOrderV2Request(ticker=TICKER, side="bid", count="1", price="0.0550",
                                 time_in_force="good_till_canceled", self_trade_prevention_type="maker"),
        ]
        created = client.batch_create_orders_v2(orders=orders)
        expect(isinstance(created, BatchCreateOrdersV2Response) and len(created.orders) == 2, created)
        expect(created.orders[0].order_id and created.orders[0].error is None, created.orders[0])
        expect(created.orders[1].error is not None and created.orders[1].error.code == "invalid_order",
               created.orders[1])
        inner = [BatchCancelOrdersV2RequestOrdersInner(order_id=created.orders[0].order_id)]
        canceled = client.batch_cancel_orders_v2(orders=inner)
        expect(isinstance(canceled, BatchCancelOrdersV2Response) and canceled.orders[0].reduced_by == "1.00", canceled)
        return "one created and canceled, one off-grid price refused per item"

    check("batch_create_orders_v2 / batch_cancel_orders_v2", batches)

    def order_groups():
        group = client.create_order_group(contracts_limit=5)
        expect(isinstance(group, CreateOrderGroupResponse) and group.subaccount == 0, group)
        gid = group.order_group_id
        listed = client.get_order_groups()
        expect(isinstance(listed, GetOrderGroupsResponse) and gid in [g.id for g in listed.order_groups], listed)
        one = client.get_order_group(gid)
        expect(isinstance(one, GetOrderGroupResponse) and one.is_auto_cancel_enabled is False, one)
        client.update_order_group_limit(gid, contracts_limit=7)
        client.trigger_order_group(gid)
        expect(client.get_order_group(gid).is_auto_cancel_enabled, "triggered")
        client.reset_order_group(gid)
        client.delete_order_group(gid)
        return gid

    check("order groups: create / list / get / limit / trigger / reset / delete", order_groups)

    def legacy_v1():
        status, text = signed("POST", "/portfolio/orders",
                              {"ticker": TICKER, "side": "no", "action": "buy", "count": 1, "no_price": 97})
        expect(status == 201, f"{status} {text}")
        order = CreateOrderResponse.from_json(text).order
        expect(order.book_side == "ask" and Decimal(order.yes_price_dollars) == Decimal("0.03"), order)
        status, text = signed("DELETE", f"/portfolio/orders/{order.order_id}")
        expect(status == 200 and json.loads(text)["order"]["status"] == "canceled", f"{status} {text}")
        status, text = signed("POST", "/portfolio/orders",
                              {"ticker": TICKER, "side": "yes", "action": "buy", "count": 1,
                               "yes_price": 10, "no_price": 90})
        expect(status == 400 and json.loads(text)["error"]["code"] == "invalid_order", f"{status} {text}")
        return "buy NO @97c = ask @ $0.03; both prices -> 400 invalid_order"

    check("legacy v1 create/cancel by signed HTTP (cryptography RSA-PSS)", legacy_v1)

    # ---- cross the seeded ask: fills, position, fee and balance arithmetic ----
    def cross():
        client.cancel_all_orders()
        expect(not client.get_orders(status="resting").orders, "cancel-all left resting orders")
        before = Decimal(client.get_balance().balance_dollars)
        ack = client.create_order_v2(
            ticker=TICKER, side="bid", count=str(COUNT), price=price(ASK), client_order_id="sdk-cross-1",
            time_in_force="immediate_or_cancel", self_trade_prevention_type="taker_at_cross",
        )
        expect(ack.fill_count == f"{COUNT:.2f}" and ack.remaining_count == "0.00", ack)
        fee = taker_fee(COUNT, ASK, state["fee_multiplier"])
        fills = client.get_fills(ticker=TICKER, order_id=ack.order_id)
        expect(isinstance(fills, GetFillsResponse) and len(fills.fills) == 1, fills)
        fill = fills.fills[0]
        expect(fill.is_taker and fill.book_side == "bid" and fill.outcome_side == "yes", fill)
        expect(Decimal(fill.count_fp) == COUNT and Decimal(fill.yes_price_dollars) == ASK, fill)
        expect(Decimal(fill.fee_cost) == fee, f"fee_cost {fill.fee_cost}, expected {fee}")
        expect(fill.fill_id == fill.trade_id and fill.ticker == fill.market_ticker == TICKER, fill)
        positions = client.get_positions(ticker=TICKER)
        position = positions.market_positions[0]
        expect(Decimal(position.position_fp) == COUNT, position)
        expect(Decimal(position.market_exposure_dollars) == COUNT * ASK, position)
        expect(Decimal(position.fees_paid_dollars) == fee, position)
        after = client.get_balance()
        expected = before - COUNT * ASK - fee
        expect(Decimal(after.balance_dollars) == expected, f"balance {after.balance_dollars}, expected {expected}")
        expect(after.balance == int((expected / CENT).to_integral_value(rounding=ROUND_FLOOR)), after)
        order = client.get_order(ack.order_id).order
        expect(order.status == "executed" and Decimal(order.taker_fees_dollars) == fee, order)
        return f"bought {COUNT} @ {ASK}: fee {fee}, balance {before} -> {after.balance_dollars}"

    check("cross the book: fills, position, fee and balance", cross)

    def trades_after_cross():
        trades = client.get_trades(ticker=TICKER, limit=10)
        expect(trades.trades and trades.trades[0].taker_book_side == "bid", trades)
        expect(Decimal(trades.trades[0].yes_price_dollars) == ASK, trades.trades[0])
        market = client.get_market(TICKER).market
        expect(Decimal(market.last_price_dollars) == ASK and Decimal(market.volume_fp) == COUNT, market)
        return f"{len(trades.trades)} trade(s), last price {market.last_price_dollars}"

    check("get_trades / get_market after the cross", trades_after_cross)

    def settlement():
        # The simulator's admin API (no Kalshi equivalent) settles the market YES.
        admin = REST_URL.replace(BASE_PATH, "/sim")
        request = urllib.request.Request(f"{admin}/markets/{TICKER}/settle", data=b'{"result":"yes"}',
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            expect(response.status == 200, response.status)
        market = client.get_market(TICKER).market
        expect(market.status == "finalized" and market.result == "yes", (market.status, market.result))
        settled = client.get_markets(status="settled")
        expect(TICKER in [m.ticker for m in settled.markets], settled.markets)
        records = client.get_settlements(ticker=TICKER)
        expect(isinstance(records, GetSettlementsResponse) and len(records.settlements) == 1, records)
        record = records.settlements[0]
        expect(record.market_result == "yes" and Decimal(record.yes_count_fp) == COUNT, record)
        expect(record.revenue == int(COUNT * 100), f"revenue {record.revenue} cents")
        expect(Decimal(record.yes_total_cost_dollars) == COUNT * ASK, record)
        positions = client.get_positions(settlement_status="settled")
        expect([p.ticker for p in positions.market_positions] == [TICKER], positions)
        expect(Decimal(positions.market_positions[0].position_fp) == 0, positions.market_positions[0])
        return f"revenue {record.revenue} cents, fee {record.fee_cost}"

    check("settlement: get_market / get_markets(settled) / get_settlements / settled positions", settlement)

    def not_found():
        try:
            client.get_market("NO-SUCH-MARKET")
        except ApiException as error:
            expect(error.status == 404, error.status)
            return "404"
        raise AssertionError("an unknown market was found")

    check("unknown market -> ApiException 404", not_found)


if __name__ == "__main__":
    try:
        main()
    except Exception:  # noqa: BLE001 - a crash outside a check is one more failure
        results["failed"] += 1
        traceback.print_exc(file=sys.stdout)
    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)
