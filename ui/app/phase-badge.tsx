// An execution's phase as a coloured badge with its name (colour is never the only cue).
import type { ExecutionPhase } from "../../crds/index.ts";

export function PhaseBadge({ phase }: { phase: ExecutionPhase }) {
  return <span class={`phase phase-${phase.toLowerCase()}`}>{phase}</span>;
}
