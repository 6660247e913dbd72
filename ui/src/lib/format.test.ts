import { describe, expect, it } from "vitest";
import {
  MISSING,
  barPercent,
  compareDecimal,
  depthPercents,
  formatAge,
  formatCount,
  formatDuration,
  formatMoney,
  formatPnl,
  formatPrice,
  formatPriceDiff,
  formatTime,
  parseDecimal,
  scaled,
  signOf,
  toneClass,
} from "./format";

describe("parseDecimal / scaled", () => {
  it("parses the backend's decimal strings exactly", () => {
    expect(parseDecimal("0.4300")).toEqual({ negative: false, units: 4300n, scale: 4 });
    expect(parseDecimal("-6.00")).toEqual({ negative: true, units: 600n, scale: 2 });
    expect(parseDecimal("43")).toEqual({ negative: false, units: 43n, scale: 0 });
    expect(parseDecimal(".5")).toEqual({ negative: false, units: 5n, scale: 1 });
  });

  it("treats -0 as zero and rejects anything that is not a plain decimal", () => {
    expect(parseDecimal("-0.00")?.negative).toBe(false);
    for (const bad of ["", " ", "abc", "1e3", "1.2.3", "--1", "NaN", "0x10", null, undefined]) {
      expect(parseDecimal(bad), String(bad)).toBeNull();
    }
  });

  it("rescales with integer arithmetic, rounding half away from zero", () => {
    expect(scaled("1.250000", 2)).toBe(125n);
    expect(scaled("1.255000", 2)).toBe(126n);
    expect(scaled("-1.255000", 2)).toBe(-126n);
    expect(scaled("1.254999", 2)).toBe(125n);
    expect(scaled("0.43", 4)).toBe(4300n);
  });

  it("keeps precision a float would lose", () => {
    // 2^53 + 1 is not representable as a double.
    expect(scaled("9007199254740993.01", 2)).toBe(900719925474099301n);
    expect(formatMoney("9007199254740993.01")).toBe("$9,007,199,254,740,993.01");
    // 0.1 + 0.2 style errors cannot happen: 0.285 rounds up exactly.
    expect(formatMoney("0.285")).toBe("$0.29");
  });

  it("compares and signs exactly", () => {
    expect(compareDecimal("0.4300", "0.43")).toBe(0);
    expect(compareDecimal("0.4299", "0.43")).toBe(-1);
    expect(compareDecimal("-1", "-2")).toBe(1);
    expect(signOf("-0.000001")).toBe(-1);
    expect(signOf("0.000000")).toBe(0);
    expect(signOf("3")).toBe(1);
    expect(signOf("junk")).toBe(0);
  });
});

describe("formatPrice", () => {
  it("shows YES prices in cents with two decimals", () => {
    expect(formatPrice("0.4300")).toBe("43.00¢");
    expect(formatPrice("0.0900")).toBe("9.00¢");
    expect(formatPrice("0.0001")).toBe("0.01¢");
    expect(formatPrice("0.4350")).toBe("43.50¢");
    expect(formatPrice("1.0000")).toBe("100.00¢");
  });

  it("shows a dash for a missing side", () => {
    expect(formatPrice(null)).toBe(MISSING);
    expect(formatPrice(undefined)).toBe(MISSING);
    expect(formatPrice("n/a")).toBe(MISSING);
  });

  it("computes a spread exactly", () => {
    expect(formatPriceDiff("0.4600", "0.4200")).toBe("4.00¢");
    expect(formatPriceDiff("0.4201", "0.4200")).toBe("0.01¢");
    expect(formatPriceDiff(null, "0.4200")).toBe(MISSING);
  });
});

describe("formatMoney / formatPnl", () => {
  it("rounds to the cent with thousands separators", () => {
    expect(formatMoney("1.250000")).toBe("$1.25");
    expect(formatMoney("1204.1")).toBe("$1,204.10");
    expect(formatMoney("-0.400000")).toBe("-$0.40");
    expect(formatMoney("0")).toBe("$0.00");
  });

  it("signs P&L and gives it a colour class", () => {
    expect(formatPnl("1.250000")).toBe("+$1.25");
    expect(formatPnl("-0.400000")).toBe("-$0.40");
    expect(formatPnl("0.000000")).toBe("$0.00");
    expect(formatPnl("-0.001")).toBe("$0.00");
    expect(toneClass("1.25")).toBe("pos");
    expect(toneClass("-0.40")).toBe("neg");
    expect(toneClass("0.000000")).toBe("flat");
    expect(toneClass(null)).toBe("flat");
  });
});

describe("formatCount", () => {
  it("drops trailing zeros and can sign positions", () => {
    expect(formatCount("10.00")).toBe("10");
    expect(formatCount("2.50")).toBe("2.5");
    expect(formatCount("0.00")).toBe("0");
    expect(formatCount("-6.00")).toBe("-6");
    expect(formatCount("12.00", { sign: true })).toBe("+12");
    expect(formatCount("-6.00", { sign: true })).toBe("-6");
    expect(formatCount("0.00", { sign: true })).toBe("0");
    expect(formatCount("12500.00")).toBe("12,500");
    expect(formatCount(null)).toBe(MISSING);
  });
});

describe("bars (display-only floats)", () => {
  it("scales depth bars to the largest level", () => {
    expect(depthPercents(["10.00", "250.00", "125.00", "500.00"])).toEqual([2, 50, 25, 100]);
    expect(depthPercents([])).toEqual([]);
    expect(depthPercents(["0.00", "0.00"])).toEqual([0, 0]);
  });

  it("clamps usage bars to 0–100 and survives bad input", () => {
    expect(barPercent("12.00", 100)).toBe(12);
    expect(barPercent("150", 100)).toBe(100);
    expect(barPercent("-5", 100)).toBe(0);
    expect(barPercent("x", 100)).toBe(0);
    expect(barPercent(3, 0)).toBe(0);
  });
});

describe("durations and times", () => {
  it("formats uptime", () => {
    expect(formatDuration(42)).toBe("42s");
    expect(formatDuration(125)).toBe("2m 05s");
    expect(formatDuration(3725)).toBe("1h 02m");
    expect(formatDuration(273_600)).toBe("3d 04h");
    expect(formatDuration(null)).toBe(MISSING);
    expect(formatDuration(-1)).toBe(MISSING);
  });

  it("formats feed age", () => {
    expect(formatAge(180)).toBe("180 ms");
    expect(formatAge(3249)).toBe("3.2 s");
    expect(formatAge(125_000)).toBe("2m 05s");
    expect(formatAge(null)).toBe(MISSING);
  });

  it("formats local wall-clock time", () => {
    const ms = new Date(2025, 10, 24, 9, 5, 7).getTime();
    expect(formatTime(ms)).toBe("09:05:07");
    expect(formatTime(null)).toBe(MISSING);
  });
});
