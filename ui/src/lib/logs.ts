// Filtering of the logs view (pure, so it is unit-tested).
import type { LogDto } from "./bindings";

export type LevelFilter = "all" | "info" | "warn" | "error";

const RANK: Readonly<Record<string, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/** Lines at or above `level` whose message (or level) contains `text`, case-insensitively. */
export function filterLogs(logs: readonly LogDto[], level: LevelFilter, text: string): LogDto[] {
  const min = level === "all" ? -1 : (RANK[level] ?? -1);
  const needle = text.trim().toLowerCase();
  return logs.filter((log) => {
    const rank = RANK[log.level.toLowerCase()] ?? RANK.info ?? 2;
    if (rank < min) return false;
    return needle === "" || log.message.toLowerCase().includes(needle);
  });
}
