// Mounting components and faking the backend (mockIPC with event mocking) in tests.
import { flushSync, mount, unmount, type Component } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";

export type Handler = (cmd: string, args: Record<string, unknown>) => unknown;

export interface Backend {
  /** Every command invoked, in order (event-plugin calls excluded). */
  calls: { cmd: string; args: Record<string, unknown> }[];
  /** Emits an event to the page's listeners, as the Rust side would. */
  emit: (event: string, payload: unknown) => Promise<void>;
  names: () => string[];
}

/** Installs a fake backend: `handler` answers commands (throw a plain object for an `IpcError`). */
export function backend(handler: Handler): Backend {
  const calls: Backend["calls"] = [];
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      return handler(cmd, a);
    },
    { shouldMockEvents: true },
  );
  return { calls, emit: (event, payload) => emit(event, payload), names: () => calls.map((c) => c.cmd) };
}

const mounted: { app: ReturnType<typeof mount>; target: HTMLElement }[] = [];

export function render<P extends Record<string, unknown>>(component: Component<P>, props: P): HTMLElement {
  const target = document.createElement("div");
  document.body.appendChild(target);
  const app = mount(component, { target, props });
  mounted.push({ app, target });
  flushSync();
  return target;
}

/** Unmounts everything rendered and removes the fake backend (call in afterEach). */
export function cleanup(): void {
  for (const { app, target } of mounted.splice(0)) {
    void unmount(app);
    target.remove();
  }
  clearMocks();
}

/** Sets an input's value and fires `input` so Svelte's binding sees it. */
export function type(input: HTMLInputElement | HTMLSelectElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
  flushSync();
}

export function key(el: Element, keyName: string, init: KeyboardEventInit = {}): void {
  el.dispatchEvent(new KeyboardEvent("keydown", { key: keyName, bubbles: true, cancelable: true, ...init }));
  flushSync();
}

export function q(root: ParentNode, selector: string): HTMLElement {
  const el = root.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`no element matches ${selector}`);
  return el;
}
