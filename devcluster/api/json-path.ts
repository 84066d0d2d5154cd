// The JSONPath subset of CRD printer columns: `.a.b`, `[0]`, `[*]`, `['k']`, `[?(@.type=="Ready")]`.
import { badRequest } from "../registry/index.ts";

export type JsonPathStep =
  | { field: string }
  | { index: number }
  | { all: true }
  | { filter: { path: string[]; operator: "==" | "!="; value: unknown } };

function readName(text: string, start: number): [string, number] {
  let name = "";
  let position = start;
  while (position < text.length && text[position] !== "." && text[position] !== "[") {
    if (text[position] === "\\" && position + 1 < text.length) position++;
    name += text[position++];
  }
  return [name, position];
}

function parseLiteral(text: string): unknown {
  const trimmed = text.trim();
  if (/^'.*'$/.test(trimmed)) return trimmed.slice(1, -1);
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    throw badRequest(`unrecognized JSONPath filter value: ${trimmed}`);
  }
}

function parseBracket(body: string): JsonPathStep {
  if (body === "*") return { all: true };
  if (/^-?\d+$/.test(body)) return { index: Number(body) };
  const quoted = /^(['"])(.*)\1$/.exec(body);
  if (quoted) return { field: quoted[2]! };
  const filter = /^\?\(@((?:\.[^.=!]+)+)\s*(==|!=)\s*(.+)\)$/.exec(body);
  if (filter)
    return {
      filter: {
        path: filter[1]!
          .slice(1)
          .split(".")
          .map((part) => part.trim()),
        operator: filter[2] as "==" | "!=",
        value: parseLiteral(filter[3]!),
      },
    };
  throw badRequest(`unsupported JSONPath expression: [${body}]`);
}

/** Parses a printer column's JSONPath (with or without kubectl's `{…}` braces). */
export function parseJsonPath(expression: string): JsonPathStep[] {
  const text = expression
    .trim()
    .replace(/^\{(.*)\}$/s, "$1")
    .trim();
  const steps: JsonPathStep[] = [];
  let position = text.startsWith("$") ? 1 : 0;
  while (position < text.length) {
    const char = text[position];
    if (char === ".") {
      const [name, next] = readName(text, position + 1);
      if (name) steps.push({ field: name });
      position = next;
    } else if (char === "[") {
      const end = text.indexOf("]", text[position + 1] === "?" ? text.indexOf(")", position) : position);
      if (end < 0) throw badRequest(`unterminated JSONPath bracket in "${expression}"`);
      steps.push(parseBracket(text.slice(position + 1, end).trim()));
      position = end + 1;
    } else {
      const [name, next] = readName(text, position);
      steps.push({ field: name });
      position = next;
    }
  }
  return steps;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** Every value the path selects in `object`, in document order. */
export function evaluateJsonPath(steps: JsonPathStep[], object: unknown): unknown[] {
  let current: unknown[] = [object];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if ("field" in step) {
        const child = field(value, step.field);
        if (child !== undefined) next.push(child);
      } else if (!Array.isArray(value)) {
        // Index, slice and wildcard steps select nothing from a value that is not a list.
      } else if ("index" in step) {
        const child = value[step.index < 0 ? value.length + step.index : step.index];
        if (child !== undefined) next.push(child);
      } else if ("all" in step) {
        next.push(...value);
      } else {
        const { path, operator, value: wanted } = step.filter;
        for (const item of value) {
          const actual = path.reduce<unknown>((node, name) => field(node, name), item);
          if (actual !== undefined && (actual === wanted) === (operator === "==")) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
