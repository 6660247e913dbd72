// How each trading environment is presented. Pure data and functions, so the mapping is unit-tested
// and the banner can never silently show the wrong colour for real money.
import type { Environment } from "./bindings";

/** Visual tone; each one has a matching `.env-<tone>` class in app.css. */
export type EnvironmentTone = Environment | "unknown";

export interface EnvironmentPresentation {
  /** Upper-case label shown in the banner. */
  label: string;
  /** One-line explanation shown next to the label. */
  description: string;
  /** Accent colour (banner fill / border), a CSS colour. */
  color: string;
  /** Text colour that is readable on `color`. */
  onColor: string;
  /** Translucent `color` for the banner background (rgba, so it works on older WebKit too). */
  tint: string;
  tone: EnvironmentTone;
  /** Whether orders in this environment move real money. */
  realMoney: boolean;
}

export const ENVIRONMENTS: Readonly<Record<Environment, EnvironmentPresentation>> = {
  paper: {
    label: "PAPER",
    description: "Paper trading on the local simulator. No real money.",
    color: "#1f9d55",
    onColor: "#f2fff7",
    tint: "rgba(31, 157, 85, 0.18)",
    tone: "paper",
    realMoney: false,
  },
  demo: {
    label: "DEMO",
    description: "Kalshi demo exchange. Test funds, real API.",
    color: "#d98e04",
    onColor: "#1a1200",
    tint: "rgba(217, 142, 4, 0.18)",
    tone: "demo",
    realMoney: false,
  },
  production: {
    label: "PRODUCTION",
    description: "Live Kalshi exchange. Real money at risk.",
    color: "#d92d20",
    onColor: "#fff5f4",
    tint: "rgba(217, 45, 32, 0.18)",
    tone: "production",
    realMoney: true,
  },
};

/**
 * Shown when the backend reports an environment this UI build does not know (for example a newer
 * backend). It is styled as dangerous on purpose: never assume an unknown environment is safe.
 */
export const UNKNOWN_ENVIRONMENT: EnvironmentPresentation = {
  label: "UNKNOWN",
  description: "Unrecognised environment. Treat as real money.",
  color: "#8e1b8e",
  onColor: "#fff4ff",
  tint: "rgba(142, 27, 142, 0.18)",
  tone: "unknown",
  realMoney: true,
};

export function isEnvironment(value: unknown): value is Environment {
  return typeof value === "string" && Object.hasOwn(ENVIRONMENTS, value);
}

/** The presentation for an environment value as received over IPC (which may be anything at runtime). */
export function presentEnvironment(value: unknown): EnvironmentPresentation {
  return isEnvironment(value) ? ENVIRONMENTS[value] : UNKNOWN_ENVIRONMENT;
}
