import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { describeIpcError, hasTauriIpc } from "./errors";

describe("hasTauriIpc", () => {
  afterEach(() => clearMocks());

  it("is false in a plain browser page and true once IPC is present", () => {
    expect(hasTauriIpc()).toBe(false);
    mockIPC(() => null);
    expect(hasTauriIpc()).toBe(true);
  });
});

describe("describeIpcError", () => {
  it("says the desktop app is missing when there is no IPC bridge, whatever the error", () => {
    const message = describeIpcError(new TypeError("Cannot read properties of undefined (reading 'invoke')"), false);
    expect(message).toMatch(/not running inside the Kalshi MM desktop app/i);
  });

  it("passes string rejections through unchanged", () => {
    expect(describeIpcError("engine is not running", true)).toBe("engine is not running");
  });

  it("uses an Error's message", () => {
    expect(describeIpcError(new Error("boom"), true)).toBe("boom");
  });

  it("shows kind and message of a tagged IPC error object", () => {
    expect(describeIpcError({ kind: "Auth", message: "key rejected" }, true)).toBe("Auth: key rejected");
    expect(describeIpcError({ kind: "Halted" }, true)).toBe("Halted");
    expect(describeIpcError({ message: "plain" }, true)).toBe("plain");
  });

  it("never returns an empty message", () => {
    for (const value of ["", "   ", null, undefined, {}, 0, new Error("")]) {
      expect(describeIpcError(value, true).trim(), String(value)).not.toBe("");
    }
  });
});
