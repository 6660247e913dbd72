import { describe, expect, it } from "vitest";
import type { Environment } from "./bindings";
import { ENVIRONMENTS, UNKNOWN_ENVIRONMENT, isEnvironment, presentEnvironment } from "./environment";

const ALL: Environment[] = ["paper", "demo", "production"];

describe("presentEnvironment", () => {
  it("labels each environment the way the banner must show it", () => {
    expect(presentEnvironment("paper").label).toBe("PAPER");
    expect(presentEnvironment("demo").label).toBe("DEMO");
    expect(presentEnvironment("production").label).toBe("PRODUCTION");
  });

  it("describes paper as the local simulator and production as real money", () => {
    expect(presentEnvironment("paper").description).toMatch(/local simulator/i);
    expect(presentEnvironment("demo").description).toMatch(/demo/i);
    expect(presentEnvironment("production").description).toMatch(/real money/i);
  });

  it("uses green for paper, amber for demo and red for production", () => {
    const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
    const [pr, pg, pb] = rgb(presentEnvironment("paper").color);
    expect(pg, "paper should be dominated by green").toBeGreaterThan(Math.max(pr, pb));
    const [dr, dg, db] = rgb(presentEnvironment("demo").color);
    expect(dr, "amber has lots of red").toBeGreaterThan(db);
    expect(dg, "amber has lots of green").toBeGreaterThan(db);
    const [rr, rg, rb] = rgb(presentEnvironment("production").color);
    expect(rr, "production should be dominated by red").toBeGreaterThan(2 * Math.max(rg, rb));
  });

  it("flags only production as real money", () => {
    expect(ALL.filter((env) => presentEnvironment(env).realMoney)).toEqual(["production"]);
  });

  it("gives every environment a distinct colour, tone and label", () => {
    for (const key of ["color", "tone", "label"] as const) {
      const values = ALL.map((env) => ENVIRONMENTS[env][key]);
      expect(new Set(values).size, `${key} must differ between environments`).toBe(ALL.length);
    }
    for (const env of ALL) {
      expect(ENVIRONMENTS[env].tone).toBe(env);
    }
  });

  it("treats an environment the UI does not know as unknown and real money", () => {
    for (const value of ["live", "PAPER", "", null, undefined, 3, "toString", "__proto__"]) {
      expect(isEnvironment(value), String(value)).toBe(false);
      expect(presentEnvironment(value), String(value)).toBe(UNKNOWN_ENVIRONMENT);
    }
    expect(UNKNOWN_ENVIRONMENT.realMoney).toBe(true);
    expect(UNKNOWN_ENVIRONMENT.label).toBe("UNKNOWN");
  });
});
