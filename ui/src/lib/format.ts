// Display formatting for the decimal strings the backend sends ("0.4300", "-6.00", "1.250000").
//
// Money, prices and counts are parsed into BigInt fixed-point values and formatted with integer
// arithmetic only, so nothing is ever rounded by a binary float. Floats appear only where the
// value is purely visual (depth-bar widths, usage bars, chart coordinates) and are marked so.
//
// Conventions (used everywhere in the UI):
//   price  "0.4300"   -> "43.00¢"   (YES price in cents, always 2 decimals = the engine's $0.0001 tick)
//   money  "1.250000" -> "$1.25"    (rounded half away from zero to the cent; optional "+" sign)
//   count  "10.00"    -> "10"       (contracts, trailing zeros dropped; optional sign)

/** A parsed decimal: value = sign · units / 10^scale. */
export interface Decimal {
  readonly negative: boolean;
  readonly units: bigint;
  readonly scale: number;
}

/** Shown for a missing or unparsable value. */
export const MISSING = "—";

const DECIMAL_RE = /^\s*([+-])?(\d*)(?:\.(\d*))?\s*$/;

/** Parses a plain decimal string ("-6.00", ".5", "43"); null for anything else (incl. exponents). */
export function parseDecimal(text: string | null | undefined): Decimal | null {
  if (typeof text !== "string") return null;
  const match = DECIMAL_RE.exec(text);
  if (!match) return null;
  const whole = match[2] ?? "";
  const frac = match[3] ?? "";
  if (whole === "" && frac === "") return null;
  const units = BigInt((whole || "0") + frac);
  return { negative: match[1] === "-" && units !== 0n, units, scale: frac.length };
}

/** The value as a signed integer count of 10^-scale, rounded half away from zero. */
export function toScaled(decimal: Decimal, scale: number): bigint {
  let units = decimal.units;
  if (scale >= decimal.scale) {
    units *= 10n ** BigInt(scale - decimal.scale);
  } else {
    const divisor = 10n ** BigInt(decimal.scale - scale);
    const quotient = units / divisor;
    const remainder = units % divisor;
    units = remainder * 2n >= divisor ? quotient + 1n : quotient;
  }
  return decimal.negative ? -units : units;
}

/** Parses and rescales in one go; null when the text is not a decimal. */
export function scaled(text: string | null | undefined, scale: number): bigint | null {
  const decimal = parseDecimal(text);
  return decimal ? toScaled(decimal, scale) : null;
}

/** -1, 0 or 1; 0 for unparsable text. */
export function signOf(text: string | null | undefined): -1 | 0 | 1 {
  const decimal = parseDecimal(text);
  if (!decimal || decimal.units === 0n) return 0;
  return decimal.negative ? -1 : 1;
}

/** Exact comparison of two decimal strings (unparsable sorts as zero). */
export function compareDecimal(a: string | null | undefined, b: string | null | undefined): -1 | 0 | 1 {
  const da = parseDecimal(a);
  const db = parseDecimal(b);
  const scale = Math.max(da?.scale ?? 0, db?.scale ?? 0);
  const va = da ? toScaled(da, scale) : 0n;
  const vb = db ? toScaled(db, scale) : 0n;
  return va < vb ? -1 : va > vb ? 1 : 0;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

interface FixedOptions {
  /** Fraction digits of `value` (it is an integer count of 10^-fraction). */
  fraction: number;
  /** Drop trailing zeros of the fraction (and the point if nothing is left). */
  trim?: boolean;
  /** Thousands separators in the whole part. */
  group?: boolean;
}

/** Renders a scaled integer as an unsigned decimal string (the caller adds the sign). */
function fixed(magnitude: bigint, { fraction, trim = false, group = false }: FixedOptions): string {
  const digits = magnitude.toString().padStart(fraction + 1, "0");
  let whole = digits.slice(0, digits.length - fraction);
  let frac = digits.slice(digits.length - fraction);
  if (group) whole = groupThousands(whole);
  if (trim) frac = frac.replace(/0+$/, "");
  return frac === "" ? whole : `${whole}.${frac}`;
}

function signPrefix(value: bigint, plus: boolean): string {
  if (value < 0n) return "-";
  return plus && value > 0n ? "+" : "";
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

/** A YES price in dollars ("0.4300") as cents with two decimals ("43.00¢"). */
export function formatPrice(text: string | null | undefined): string {
  // Dollars at scale 4 are cents at scale 2: the same integer.
  const units = scaled(text, 4);
  return units === null ? MISSING : formatPriceUnits(units);
}

/** A price given in the engine's units of $0.0001 (= 0.01¢): 4300n -> "43.00¢". */
export function formatPriceUnits(units: bigint): string {
  return `${signPrefix(units, false)}${fixed(abs(units), { fraction: 2 })}¢`;
}

/** The exact difference `ask − bid` of two prices, formatted; missing if either is. */
export function formatPriceDiff(ask: string | null | undefined, bid: string | null | undefined): string {
  const a = scaled(ask, 4);
  const b = scaled(bid, 4);
  return a === null || b === null ? MISSING : formatPriceUnits(a - b);
}

export interface MoneyOptions {
  /** Prefix positive amounts with "+" (P&L). */
  sign?: boolean;
}

/** A dollar amount ("1.250000") rounded to the cent ("$1.25", "-$0.40", "+$1,204.10"). */
export function formatMoney(text: string | null | undefined, { sign = false }: MoneyOptions = {}): string {
  const cents = scaled(text, 2);
  if (cents === null) return MISSING;
  return `${signPrefix(cents, sign)}$${fixed(abs(cents), { fraction: 2, group: true })}`;
}

/** A P&L amount: always signed when non-zero. */
export function formatPnl(text: string | null | undefined): string {
  return formatMoney(text, { sign: true });
}

export interface CountOptions {
  /** Prefix positive counts with "+" (positions). */
  sign?: boolean;
}

/** Contracts ("10.00" -> "10", "2.50" -> "2.5", "-6.00" -> "-6"). */
export function formatCount(text: string | null | undefined, { sign = false }: CountOptions = {}): string {
  const value = scaled(text, 2);
  if (value === null) return MISSING;
  return `${signPrefix(value, sign)}${fixed(abs(value), { fraction: 2, trim: true, group: true })}`;
}

/** The colour class for a signed amount: "pos", "neg" or "flat" (styled in app.css). */
export function toneClass(text: string | null | undefined): "pos" | "neg" | "flat" {
  const sign = signOf(text);
  return sign > 0 ? "pos" : sign < 0 ? "neg" : "flat";
}

/** Whether a count is non-zero (exactly). */
export function isNonZero(text: string | null | undefined): boolean {
  return signOf(text) !== 0;
}

/**
 * DISPLAY ONLY (float): the value as a JS number, for chart coordinates and bar widths.
 * Never use it for money arithmetic.
 */
export function toDisplayNumber(text: string | null | undefined): number | null {
  const decimal = parseDecimal(text);
  if (!decimal) return null;
  const value = Number(decimal.units) / 10 ** decimal.scale;
  return decimal.negative ? -value : value;
}

/** DISPLAY ONLY (float): width of a bar in percent of `max`, clamped to [0, 100]. */
export function barPercent(value: string | number | null | undefined, max: number): number {
  const v = typeof value === "number" ? value : toDisplayNumber(value);
  if (v === null || !Number.isFinite(v) || !(max > 0)) return 0;
  return Math.min(100, Math.max(0, (v / max) * 100));
}

/** Depth-bar widths (percent) for the levels of both sides, scaled to the largest level. */
export function depthPercents(sizes: readonly string[]): number[] {
  const values = sizes.map((s) => Math.max(0, toDisplayNumber(s) ?? 0));
  const max = Math.max(0, ...values);
  return values.map((v) => barPercent(v, max));
}

/** "42s", "2m 05s", "1h 02m", "3d 04h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return MISSING;
  const s = Math.floor(seconds);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
}

/** Feed age: "120 ms", "3.2 s", then as a duration. */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return MISSING;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  return formatDuration(ms / 1000);
}

/** Local wall-clock time "14:03:05". */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return MISSING;
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "bid" -> "BUY", "ask" -> "SELL" (YES side). */
export function formatSide(side: string): string {
  return side === "bid" ? "BUY" : side === "ask" ? "SELL" : side.toUpperCase();
}
