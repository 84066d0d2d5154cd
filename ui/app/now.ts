// A ticking "now" for ages and countdowns: one timer for the whole page.
import { signal } from "@preact/signals";

export const now = signal(Date.now());
setInterval(() => (now.value = Date.now()), 1_000);
