import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { describeIpcError, hasTauriIpc, ipcErrorMessage, isIpcError, settle, settlePlain } from "./errors";

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

describe("ipcErrorMessage", () => {
  it("explains each kind of IpcError by kind, not by text", () => {
    expect(ipcErrorMessage({ kind: "notRunning" })).toMatch(/engine is not running/i);
    expect(ipcErrorMessage({ kind: "engine", message: "exchange rejected the order" })).toBe("exchange rejected the order");
    expect(ipcErrorMessage({ kind: "keychain", message: "locked" })).toBe("OS keychain: locked");
    expect(ipcErrorMessage({ kind: "confirmationRequired", message: "confirm production" })).toBe("confirm production");
    expect(
      ipcErrorMessage({ kind: "validation", fields: [{ field: "minSpread", message: "must be positive" }] }),
    ).toBe("Invalid input (minSpread: must be positive).");
  });

  it("is used by describeIpcError for tagged errors", () => {
    expect(describeIpcError({ kind: "notRunning" }, true)).toMatch(/engine is not running/i);
    expect(isIpcError({ kind: "Auth" })).toBe(false);
  });
});

describe("settle", () => {
  it("flattens ok results", async () => {
    await expect(settle(async () => ({ status: "ok" as const, data: 3 }))).resolves.toEqual({ ok: true, data: 3 });
  });

  it("flattens typed errors and keeps validation fields", async () => {
    const fields = [{ field: "maxPosition", message: "too large" }];
    const outcome = await settle(async () => ({ status: "error" as const, error: { kind: "validation" as const, fields } }));
    expect(outcome).toMatchObject({ ok: false, fields, error: { kind: "validation" } });
  });

  it("turns a thrown transport error into a message instead of throwing", async () => {
    mockIPC(() => null);
    const outcome = await settle<number>(() => Promise.reject(new Error("command kill_switch not found")));
    expect(outcome).toEqual({ ok: false, error: null, message: "command kill_switch not found", fields: [] });
    const plain = await settlePlain<number>(() => Promise.reject({ kind: "notRunning" }));
    expect(plain.ok).toBe(false);
    expect(plain.ok ? "" : plain.message).toMatch(/not running/);
    clearMocks();
  });
});
