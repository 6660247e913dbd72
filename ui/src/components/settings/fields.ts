// Grouping of backend validation errors by field, for display next to the inputs.
import type { FieldError } from "../../lib/bindings";

/** `{ field: "message; message" }` for the errors of an `IpcError.validation`. */
export function byField(fields: readonly FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) out[f.field] = out[f.field] ? `${out[f.field]}; ${f.message}` : f.message;
  return out;
}
