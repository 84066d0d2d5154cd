// Client-side routes; the query string holds a view's filters so a reload or a shared link keeps them.
import { signal } from "@preact/signals";

export const location = signal(new URL(window.location.href));

export function navigate(path: string, mode: "push" | "replace" = "push"): void {
  const url = new URL(path, window.location.origin);
  if (mode === "push") history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  location.value = url;
}

window.addEventListener("popstate", () => (location.value = new URL(window.location.href)));

export type Route =
  | { view: "executions" }
  | { view: "execution"; name: string }
  | { view: "start" }
  | { view: "functions" }
  | { view: "schedules" };

export function routeOf(url: URL): Route {
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "executions" && parts[1] !== undefined) return { view: "execution", name: parts[1] };
  if (parts[0] === "start") return { view: "start" };
  if (parts[0] === "functions") return { view: "functions" };
  if (parts[0] === "schedules") return { view: "schedules" };
  return { view: "executions" };
}

/** An in-app link's click: navigates without a reload, but stays a real link for new tabs and keyboard users. */
export function link(path: string) {
  return (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(path);
  };
}
