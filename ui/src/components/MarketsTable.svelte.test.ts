import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync } from "svelte";
import { cleanup, key, q, render } from "../test/harness";
import { MARKETS } from "../test/fixtures";
import MarketsTable from "./MarketsTable.svelte";

afterEach(cleanup);

const rows = (root: HTMLElement) => [...root.querySelectorAll<HTMLTableRowElement>("#markets-table tr[data-ticker]")];

describe("MarketsTable", () => {
  it("renders one row per market with formatted prices, position and P&L", () => {
    const root = render(MarketsTable, { markets: MARKETS, selected: null, onselect: () => {} });
    expect(rows(root).map((r) => r.dataset.ticker)).toEqual(MARKETS.map((m) => m.ticker));
    const cells = [...rows(root)[0]!.cells].map((c) => c.textContent?.trim());
    expect(cells).toEqual([
      "KXHIGHNY-25NOV24-T52",
      "Highest temperature in NYC on Nov 24 above 52°F?",
      "42.00¢",
      "46.00¢",
      "44.00¢",
      "4.00¢",
      "43.00¢ / 45.00¢",
      "-6",
      "+$1.25",
      "active",
    ]);
    const fed = rows(root)[1]!;
    expect(fed.cells[7]?.textContent).toBe("+12");
    expect(fed.cells[8]?.className).toContain("neg");
    // Missing sides show a dash rather than 0.
    expect(rows(root)[2]!.cells[2]?.textContent).toBe("—");
  });

  it("selects a market on click and on Enter", () => {
    const onselect = vi.fn();
    const root = render(MarketsTable, { markets: MARKETS, selected: null, onselect });
    rows(root)[1]!.click();
    expect(onselect).toHaveBeenLastCalledWith("KXFEDDECISION-25DEC-H0");
    key(rows(root)[2]!, "Enter");
    expect(onselect).toHaveBeenLastCalledWith("KXBTCD-25NOV2417-T98000");
  });

  it("moves the selection and the focus with the arrow keys, Home and End", () => {
    let selected: string | null = MARKETS[0]!.ticker;
    const props = $state({
      markets: MARKETS,
      selected,
      onselect: (t: string) => {
        selected = t;
        props.selected = t;
      },
    });
    const root = render(MarketsTable, props);
    const first = rows(root)[0]!;
    expect(first.getAttribute("aria-selected")).toBe("true");
    expect(first.tabIndex).toBe(0);
    expect(rows(root)[1]!.tabIndex).toBe(-1);

    key(first, "ArrowDown");
    flushSync();
    expect(selected).toBe("KXFEDDECISION-25DEC-H0");
    expect(document.activeElement).toBe(rows(root)[1]);
    expect(rows(root)[1]!.classList.contains("selected")).toBe(true);

    key(rows(root)[1]!, "End");
    expect(selected).toBe("KXBTCD-25NOV2417-T98000");
    key(rows(root)[2]!, "ArrowDown");
    expect(selected, "stays on the last row").toBe("KXBTCD-25NOV2417-T98000");
    key(rows(root)[2]!, "Home");
    expect(selected).toBe("KXHIGHNY-25NOV24-T52");
    key(rows(root)[0]!, "ArrowUp");
    expect(selected, "stays on the first row").toBe("KXHIGHNY-25NOV24-T52");
    expect(q(root, "#markets-table tr.selected").dataset.ticker).toBe("KXHIGHNY-25NOV24-T52");
  });

  it("says so when there are no markets", () => {
    const root = render(MarketsTable, { markets: [], selected: null, onselect: () => {} });
    expect(rows(root)).toHaveLength(0);
    expect(root.textContent).toMatch(/no markets/i);
  });
});
