import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "../test/harness";
import { book } from "../test/fixtures";
import BookLadder from "./BookLadder.svelte";

afterEach(cleanup);

const levels = (root: HTMLElement, side: "bid" | "ask") =>
  [...root.querySelectorAll<HTMLElement>(`#book-ladder .level[data-side="${side}"]`)];
const width = (row: HTMLElement) => row.querySelector<HTMLElement>(".depth-bar")!.style.width;

describe("BookLadder", () => {
  it("shows asks worst-to-best above the spread and bids best-first below", () => {
    const root = render(BookLadder, { book: book(), ticker: "KXHIGHNY-25NOV24-T52" });
    expect(levels(root, "ask").map((r) => r.dataset.price)).toEqual(["0.4600", "0.4500"]);
    expect(levels(root, "bid").map((r) => r.dataset.price)).toEqual(["0.4300", "0.4200", "0.4100"]);
    expect(root.querySelector(".spread-row")?.textContent).toContain("2.00¢");
    expect(levels(root, "bid")[1]!.textContent).toContain("42.00¢");
    expect(levels(root, "bid")[1]!.textContent).toContain("250");
  });

  it("scales depth bars to the largest level on either side", () => {
    const root = render(BookLadder, { book: book(), ticker: "KXHIGHNY-25NOV24-T52" });
    // Largest level: 500 (ask 0.46).
    expect(width(levels(root, "ask")[0]!)).toBe("100%");
    expect(width(levels(root, "ask")[1]!)).toBe("10%");
    expect(levels(root, "bid").map(width)).toEqual(["2%", "50%", "25%"]);
  });

  it("highlights the levels holding our orders and shows our size", () => {
    const root = render(BookLadder, { book: book(), ticker: "KXHIGHNY-25NOV24-T52" });
    const ours = [...root.querySelectorAll<HTMLElement>("#book-ladder .level.ours")];
    expect(ours.map((r) => `${r.dataset.side}@${r.dataset.price}`)).toEqual(["ask@0.4500", "bid@0.4300"]);
    expect(ours[0]!.querySelector(".ours-size")?.textContent).toBe("6");
    expect(levels(root, "bid")[1]!.classList.contains("ours")).toBe(false);
  });

  it("limits the depth and handles an empty side, a stale book and no selection", () => {
    const many = Array.from({ length: 15 }, (_, i) => ({ price: `0.${30 - i}00`, size: "1.00", ours: "0.00" }));
    const root = render(BookLadder, { book: book({ bids: many, asks: [], live: false }), ticker: "X", depth: 5 });
    expect(levels(root, "bid")).toHaveLength(5);
    expect(root.textContent).toContain("No asks");
    expect(root.textContent).toContain("stale");
    const none = render(BookLadder, { book: null, ticker: null });
    expect(none.textContent).toMatch(/select a market/i);
  });
});
