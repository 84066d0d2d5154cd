// The `pod-template-hash` of a Deployment's Pod template: FNV-1a over its canonical JSON, encoded with
// kube's safe alphabet (no vowels, so it spells no words), as kube's ComputeHash does with its own hasher.

const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The hash of `template`; `collisionCount` (the Deployment's `status.collisionCount`) changes it. */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const digits = String(fnv1a32(canonicalJson(template) + (collisionCount > 0 ? String(collisionCount) : "")));
  return [...digits].map((digit) => safeAlphabet[digit.charCodeAt(0) % safeAlphabet.length]).join("");
}
