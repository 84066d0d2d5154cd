// Field selectors (`metadata.name=x,status.phase!=Failed`) over the fields a resource supports.
import { badRequest } from "./api-error.ts";
import type { KubeObject } from "./resource-info.ts";

export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

/** All requirements must hold; no requirements selects everything. */
export interface FieldSelector {
  requirements: FieldRequirement[];
}

/** Splits on unescaped commas, keeping the escapes for the next stage. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let current = "";
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === "\\" && index + 1 < text.length) {
      current += char + text[++index];
    } else if (char === ",") {
      terms.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  terms.push(current);
  return terms;
}

function unescapeValue(text: string, whole: string): string {
  let result = "";
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char !== "\\") {
      result += char;
      continue;
    }
    const escaped = text[++index];
    if (escaped !== "\\" && escaped !== "," && escaped !== "=") {
      throw badRequest(`invalid field selector: '${whole}'; invalid escape sequence: '\\${escaped ?? ""}'`);
    }
    result += escaped;
  }
  return result;
}

function parseTerm(term: string, whole: string): FieldRequirement {
  for (let index = 0; index < term.length; index++) {
    const char = term[index]!;
    if (char === "\\") {
      index++;
      continue;
    }
    if (char === "!" && term[index + 1] === "=")
      return { field: term.slice(0, index).trim(), operator: "!=", value: unescapeValue(term.slice(index + 2), whole) };
    if (char === "=") {
      const skip = term[index + 1] === "=" ? 2 : 1;
      return {
        field: term.slice(0, index).trim(),
        operator: "=",
        value: unescapeValue(term.slice(index + skip), whole),
      };
    }
  }
  throw badRequest(`invalid selector: '${whole}'; can't understand '${term}'`);
}

/**
 * Parses a `fieldSelector` query parameter. Fields outside `supportedFields` are a 400
 * `field label not supported: <field>`, as kube-apiserver answers.
 */
export function parseFieldSelector(text: string, supportedFields: readonly string[]): FieldSelector {
  if (text.trim() === "") return { requirements: [] };
  const requirements = splitTerms(text).map((term) => parseTerm(term, text));
  for (const requirement of requirements) {
    if (!supportedFields.includes(requirement.field))
      throw badRequest(`field label not supported: ${requirement.field}`);
  }
  return { requirements };
}

function fieldValue(object: KubeObject, field: string): string {
  const path = field === "source" && object.kind === "Event" ? ["source", "component"] : field.split(".");
  let current: unknown = object;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return "";
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) return "";
  return typeof current === "object" ? JSON.stringify(current) : String(current);
}

/** True when the object satisfies every requirement (a missing field reads as the empty string). */
export function matchesFieldSelector(selector: FieldSelector, object: KubeObject): boolean {
  return selector.requirements.every(
    ({ field, operator, value }) => (fieldValue(object, field) === value) === (operator === "="),
  );
}
