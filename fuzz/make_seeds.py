#!/usr/bin/env python3
"""Regenerates the committed seed corpora in fuzz/seeds/<target>/ from the golden fixtures.

Seeds are a handful of real (or fixture-shaped) inputs per target, kept small (< 200 KB in
all); the fuzzers grow their own corpus in fuzz/corpus/<target>/ (not committed).
Run from anywhere: python3 fuzz/make_seeds.py
"""
import json
import pathlib
import shutil

FUZZ = pathlib.Path(__file__).resolve().parent
FIXTURES = FUZZ.parent / "crates" / "kalshi" / "tests" / "fixtures"
SEEDS = FUZZ / "seeds"


def reset(target):
    d = SEEDS / target
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def write(d, name, text):
    (d / name).write_text(text, encoding="utf-8")


# ws_frame: one or two frames of every type in the captured session, plus command replies.
ws = reset("ws_frame")
seen = {}
for line in (FIXTURES / "ws" / "ws-session-2026-07-01.jsonl").read_text().splitlines():
    line = line.strip()
    if not line:
        continue
    kind = json.loads(line)["type"]
    n = seen.get(kind, 0)
    if n < 2:
        write(ws, f"session-{kind}-{n}.json", line)
        seen[kind] = n + 1
stream = json.loads((FIXTURES / "ws" / "prod-2026-08-ws_orderbook_stream.json").read_text())
seen = {}
for item in stream["frames"]:
    frame = item["frame"]
    kind = frame["type"]
    n = seen.get(kind, 0)
    if n < 2:
        write(ws, f"prod-{kind}-{n}.json", json.dumps(frame, separators=(",", ":")))
        seen[kind] = n + 1
for i, text in enumerate([
    '{"type":"unsubscribed","id":3,"sid":5,"seq":17}',
    '{"type":"ok","id":6,"msg":[{"channel":"orderbook_delta","sid":5}]}',
    '{"type":"error","id":9,"msg":{"code":6,"msg":"Already subscribed"}}',
    '{"sid":1,"seq":4,"type":"orderbook_delta","msg":{"market_ticker":"T","price_dollars":0.56,"delta_fp":-5,"side":"no","ts":1}}',
    '{"type":"ticker","sid":3,"msg":{"market_ticker":"T","price_dollars":"0.5600","yes_bid_dollars":"0.5500","yes_ask_dollars":"0.5700","ts":1786085188}}',
    '{"type":"trade","sid":4,"msg":{"trade_id":"t-1","market_ticker":"T","yes_price_dollars":"0.4200","no_price_dollars":"0.5800","count_fp":"3.00","taker_side":"yes","ts":1786085188}}',
    '{"type":"brand_new","sid":3,"seq":9,"msg":{"x":1}}',
]):
    write(ws, f"reply-{i}.json", text)
# Inputs that once failed the target (docs/reliability.md, "Findings"), kept as regressions.
write(ws, "regress-duplicate-type.json", '{"type":"","type":1}')
write(ws, "regress-long-number.json", '{"type":"x","n":178287339777777777777777777777777777777776916}')

# rest_bodies: each main response shape (markets, market, orderbook, fills, positions, orders,
# balance, error bodies).
rest = reset("rest_bodies")
R = FIXTURES / "rest"
for name in [
    "demo-2026-07-01-orderbook-1-KXNEXTTEAMNBA-26LJAM-MIA.json",
    "prod-2026-08-09-orderbook-KXNCAAFGAME-26SEP19MSUND-ND.json",
    "demo-2026-07-01-portfolio_positions.json",
    "prod-2026-08-09-market_single.json",
    "prod-2026-08-18-portfolio_fills_sanitized.json",
    "synthetic-portfolio_fills.json",
    "synthetic-portfolio_orders.json",
    "synthetic-portfolio_balance.json",
    "prod-2026-08-08-error_400_invalid_status_filter.json",
    "synthetic-error_400_invalid_order.json",
    "synthetic-error_429_rate_limit.json",
]:
    shutil.copy(R / name, rest / name)
markets = json.loads((R / "prod-2026-08-08-markets_settled-markets.json").read_text())
write(rest, "markets-page.json", json.dumps({"markets": markets[:2], "cursor": "abc"}, separators=(",", ":")))

# decimals: the API's dollar and count strings, edge cases included.
dec = reset("decimals")
for i, text in enumerate([
    "0.5600", "0.56", "1.0000", "0.0000", "0.0001", "10.00", "-54.00", "1406474.86",
    "4.950000", "0.054600", "-0.000001", "9223372036854.775807", "99999999999999999999", "0.00005",
]):
    write(dec, f"seed-{i}.txt", text)

total = sum(p.stat().st_size for p in SEEDS.rglob("*") if p.is_file())
print(f"seeds: {total} bytes")
