// Turning IPC failures into a message a person can act on.
import type { FieldError, IpcError } from "./bindings";

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
  if (isIpcError(error)) {
    return ipcErrorMessage(error);
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

const IPC_ERROR_KINDS: ReadonlySet<string> = new Set<IpcError["kind"]>([
  "validation",
  "notRunning",
  "engine",
  "keychain",
  "confirmationRequired",
]);

/** Whether a rejection is the backend's tagged `IpcError` (as opposed to a transport failure). */
export function isIpcError(error: unknown): error is IpcError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { kind?: unknown }).kind === "string" &&
    IPC_ERROR_KINDS.has((error as { kind: string }).kind)
  );
}

/** The message for an `IpcError`, chosen by `kind` (never by parsing text). */
export function ipcErrorMessage(error: IpcError): string {
  switch (error.kind) {
    case "validation": {
      const fields = error.fields.map((f) => `${f.field}: ${f.message}`).join("; ");
      return fields === "" ? "Invalid input." : `Invalid input (${fields}).`;
    }
    case "notRunning":
      return "The engine is not running. Start it (or wait for it to start), then try again.";
    case "engine":
      return error.message || "The engine refused the request.";
    case "keychain":
      return `OS keychain: ${error.message || "the request failed."}`;
    case "confirmationRequired":
      return error.message || "This action needs an explicit confirmation.";
  }
}

/** The outcome of a command, flattened so components handle one shape. */
export type Outcome<T> =
  | { ok: true; data: T }
  | { ok: false; error: IpcError | null; message: string; fields: readonly FieldError[] };

/** What tauri-specta's `Result` commands resolve to. */
type SpectaResult<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

function failure(error: unknown): Outcome<never> {
  if (isIpcError(error)) {
    return {
      ok: false,
      error,
      message: ipcErrorMessage(error),
      fields: error.kind === "validation" ? error.fields : [],
    };
  }
  return { ok: false, error: null, message: describeIpcError(error, hasTauriIpc()), fields: [] };
}

/**
 * Awaits a command and never throws: a typed `IpcError`, a thrown transport error (tauri-specta
 * rethrows `Error` instances) and a missing IPC bridge all become `{ ok: false, message }`.
 */
export async function settle<T>(call: () => Promise<SpectaResult<T>>): Promise<Outcome<T>> {
  try {
    const result = await call();
    return result.status === "ok" ? { ok: true, data: result.data } : failure(result.error);
  } catch (error) {
    return failure(error);
  }
}

/** `settle` for commands that return a plain value (no `Result`). */
export async function settlePlain<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, data: await call() };
  } catch (error) {
    return failure(error);
  }
}
