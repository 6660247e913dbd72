import { describe, expect, it } from "vitest";
import { LOGS } from "../test/fixtures";
import { filterLogs } from "./logs";

describe("filterLogs", () => {
  it("filters by minimum level", () => {
    expect(filterLogs(LOGS, "all", "")).toHaveLength(3);
    expect(filterLogs(LOGS, "warn", "").map((l) => l.level)).toEqual(["warn", "error"]);
    expect(filterLogs(LOGS, "error", "").map((l) => l.level)).toEqual(["error"]);
  });

  it("filters by text, case-insensitively, combined with the level", () => {
    expect(filterLogs(LOGS, "all", "KXHIGHNY").map((l) => l.level)).toEqual(["warn"]);
    expect(filterLogs(LOGS, "all", "  ORDER rejected ")).toHaveLength(1);
    expect(filterLogs(LOGS, "error", "book gap")).toHaveLength(0);
  });
});
