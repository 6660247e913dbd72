// Turning IPC failures into a message a person can act on.

type MaybeTauriWindow = Window & { __TAURI_INTERNALS__?: { invoke?: unknown } };

/** True when the page runs inside a Tauri webview (or under `mockIPC` in tests). */
export function hasTauriIpc(win: Window = window): boolean {
  return typeof (win as MaybeTauriWindow).__TAURI_INTERNALS__?.invoke === "function";
}

/**
 * A readable description of a rejected command. Tauri rejects with whatever the command's error
 * serialised to: usually a string, or an object such as `{ kind, message }`.
 */
export function describeIpcError(error: unknown, ipcAvailable: boolean): string {
  if (!ipcAvailable) {
    return "Not running inside the Kalshi MM desktop app: the Tauri IPC bridge is unavailable.";
  }
  if (typeof error === "string") {
    return error.trim() === "" ? "Unknown error (empty message)." : error;
  }
  if (error instanceof Error) {
    return error.message || error.name;
  }
  if (typeof error === "object" && error !== null) {
    const { kind, message } = error as { kind?: unknown; message?: unknown };
    if (typeof message === "string" && message !== "") {
      return typeof kind === "string" ? `${kind}: ${message}` : message;
    }
    if (typeof kind === "string") {
      return kind;
    }
    try {
      return JSON.stringify(error);
    } catch {
      // fall through
    }
  }
  return `Unknown error (${String(error)}).`;
}
