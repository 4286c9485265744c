/** Short confirmations ("Goal added") that fade away by themselves. */

export type Toast = { id: number; text: string; tone: "success" | "info" | "error" };

let next = 1;
export const toasts: Toast[] = $state([]);

export function toast(text: string, tone: Toast["tone"] = "success", ms = 4000): void {
  const id = next++;
  toasts.push({ id, text, tone });
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}
