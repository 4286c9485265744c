/** Short confirmations ("Goal added") that fade away by themselves. */

/** A button on a toast ("Undo"): pressing it closes the toast and runs `run`. */
export type ToastAction = { label: string; run: () => void };

export type Toast = { id: number; text: string; tone: "success" | "info" | "error"; action?: ToastAction };

/** At most this many at once: older ones go, so they never pile up over the buttons people are using. */
export const MAX_TOASTS = 2;

let next = 1;
export const toasts: Toast[] = $state([]);

export function toast(text: string, tone: Toast["tone"] = "success", ms = 4000, action?: ToastAction): void {
  // The same words again (a double click, a retry) replace the earlier toast rather than stacking.
  const same = toasts.findIndex((t) => t.text === text);
  if (same >= 0) toasts.splice(same, 1);
  const id = next++;
  toasts.push(action ? { id, text, tone, action } : { id, text, tone });
  while (toasts.length > MAX_TOASTS) toasts.shift();
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}
