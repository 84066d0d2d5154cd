// Label selectors: kube's text grammar (`k=v,k in (a,b),!k`) and metav1.LabelSelector, and matching.
import { badRequest } from "./api-error.ts";
import { labelKeyProblem, labelValueProblem } from "./label-syntax.ts";

export type LabelOperator = "=" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** All requirements must hold; no requirements selects everything. */
export interface LabelSelector {
  requirements: LabelRequirement[];
}

export interface LabelSelectorMatch {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

type TokenKind = "identifier" | "(" | ")" | "," | "=" | "==" | "!=" | "!" | "in" | "notin" | ">" | "<" | "end";

interface Token {
  kind: TokenKind;
  text: string;
}

const symbols: TokenKind[] = ["==", "!=", "=", "!", "(", ")", ",", ">", "<"];
const specialCharacters = new Set(["=", "!", "(", ")", ",", ">", "<"]);

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    const char = text[position]!;
    if (/\s/.test(char)) {
      position++;
      continue;
    }
    const symbol = symbols.find((candidate) => text.startsWith(candidate, position));
    if (symbol) {
      tokens.push({ kind: symbol, text: symbol });
      position += symbol.length;
      continue;
    }
    let end = position;
    while (end < text.length && !/\s/.test(text[end]!) && !specialCharacters.has(text[end]!)) end++;
    const word = text.slice(position, end);
    tokens.push({ kind: word === "in" || word === "notin" ? word : "identifier", text: word });
    position = end;
  }
  tokens.push({ kind: "end", text: "" });
  return tokens;
}

function invalidRequirement(field: string, value: string, why: string): never {
  throw badRequest(`unable to parse requirement: ${field}: Invalid value: "${value}": ${why}`);
}

function validateKey(key: string): void {
  const problem = labelKeyProblem(key);
  if (problem) invalidRequirement("key", key, problem);
}

function validateValue(key: string, index: number, value: string): void {
  const problem = labelValueProblem(value);
  if (problem) invalidRequirement(`values[${index}][${key}]`, value, problem);
}

function requirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  validateKey(key);
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0)
        invalidRequirement("values", "", "for 'in', 'notin' operators, values set can't be empty");
      break;
    case "=":
    case "!=":
      if (values.length !== 1)
        invalidRequirement("values", values.join(","), "exact-match compatibility requires one single value");
      break;
    case "exists":
    case "!":
      break;
    case "gt":
    case "lt":
      if (values.length !== 1 || !/^-?\d+$/.test(values[0]!))
        invalidRequirement("values", values.join(","), "for 'Gt', 'Lt' operators, the value must be an integer");
      return { key, operator, values };
    default: {
      const unknown: never = operator;
      throw badRequest(`unable to parse requirement: operator: Unsupported value: "${String(unknown)}"`);
    }
  }
  values.forEach((value, index) => validateValue(key, index, value));
  return { key, operator, values: [...new Set(values)].sort() };
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    return this.tokens[this.position++]!;
  }

  /** A token out of place inside one requirement: kube prefixes these with "unable to parse requirement". */
  private fail(token: Token, expected: string): never {
    throw badRequest(`unable to parse requirement: found '${token.text}', expected: ${expected}`);
  }

  /** A token out of place between requirements. */
  private failBetween(token: Token, expected: string): never {
    throw badRequest(`found '${token.text}', expected: ${expected}`);
  }

  parse(): LabelSelector {
    const requirements: LabelRequirement[] = [];
    if (this.peek().kind === "end") return { requirements };
    for (;;) {
      const start = this.peek();
      if (start.kind !== "identifier" && start.kind !== "!")
        this.failBetween(start, "!, identifier, or 'end of string'");
      requirements.push(this.requirement());
      const token = this.next();
      if (token.kind === "end") return { requirements };
      if (token.kind !== ",") this.failBetween(token, "',' or 'end of string'");
      if (this.peek().kind === "end") this.failBetween(this.peek(), "identifier after ','");
    }
  }

  private requirement(): LabelRequirement {
    let token = this.next();
    if (token.kind === "!") {
      token = this.next();
      if (token.kind !== "identifier") this.fail(token, "identifier");
      return requirement(token.text, "!", []);
    }
    const key = token.text;
    const operator = this.peek();
    switch (operator.kind) {
      case "end":
      case ",":
        return requirement(key, "exists", []);
      case "=":
      case "==":
        this.next();
        return requirement(key, "=", [this.exactValue()]);
      case "!=":
        this.next();
        return requirement(key, "!=", [this.exactValue()]);
      case ">":
      case "<":
        this.next();
        return requirement(key, operator.kind === ">" ? "gt" : "lt", [this.exactValue()]);
      case "in":
      case "notin":
        this.next();
        return requirement(key, operator.kind, this.valueSet());
      default:
        return this.fail(operator, "'=', '!=', '==', 'in', 'notin', '>' or '<'");
    }
  }

  private exactValue(): string {
    const token = this.peek();
    if (token.kind === "end" || token.kind === ",") return "";
    if (token.kind !== "identifier" && token.kind !== "in" && token.kind !== "notin") this.fail(token, "identifier");
    this.next();
    return token.text;
  }

  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== "(") this.fail(open, "'('");
    const values: string[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === ")" && values.length === 0) return values;
      if (token.kind === "identifier" || token.kind === "in" || token.kind === "notin") {
        values.push(token.text);
      } else if (token.kind === "," || token.kind === ")") {
        values.push("");
        this.position--;
      } else {
        this.fail(token, "',', ')' or identifier");
      }
      const separator = this.next();
      if (separator.kind === ")") return values;
      if (separator.kind !== ",") this.fail(separator, "',' or ')'");
    }
  }
}

/** Parses a `labelSelector` query parameter; a bad selector is a 400 like kube-apiserver's. */
export function parseLabelSelector(text: string): LabelSelector {
  return new Parser(lex(text)).parse();
}

/** Converts a metav1.LabelSelector (`matchLabels`, `matchExpressions`) into a selector. */
export function labelSelectorFromMatch(match: LabelSelectorMatch): LabelSelector {
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(match.matchLabels ?? {})) requirements.push(requirement(key, "=", [value]));
  for (const expression of match.matchExpressions ?? []) {
    const values = expression.values ?? [];
    switch (expression.operator) {
      case "In":
        requirements.push(requirement(expression.key, "in", values));
        break;
      case "NotIn":
        requirements.push(requirement(expression.key, "notin", values));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0)
          invalidRequirement("values", values.join(","), "values set must be empty for exists and does not exist");
        requirements.push(requirement(expression.key, expression.operator === "Exists" ? "exists" : "!", []));
        break;
      default:
        throw badRequest(`"${expression.operator}" is not a valid label selector operator`);
    }
  }
  return { requirements };
}

function matchesRequirement(req: LabelRequirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.operator) {
    case "=":
    case "in":
      return present && req.values.includes(value!);
    case "!=":
    case "notin":
      return !present || !req.values.includes(value!);
    case "exists":
      return present;
    case "!":
      return !present;
    case "gt":
    case "lt": {
      if (!present || !/^-?\d+$/.test(value!)) return false;
      const actual = Number(value);
      const bound = Number(req.values[0]);
      return req.operator === "gt" ? actual > bound : actual < bound;
    }
    default: {
      const unknown: never = req.operator;
      return unknown;
    }
  }
}

/** True when the labels satisfy every requirement (`!=` and `notin` also match a missing key). */
export function matchesLabelSelector(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const actual = labels ?? {};
  return selector.requirements.every((req) => matchesRequirement(req, actual));
}

/** The selector in kube's canonical text form (`a=b,c in (d,e)`), as in a Scale's `status.selector`. */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector.requirements
    .map(({ key, operator, values }) => {
      switch (operator) {
        case "=":
        case "!=":
          return `${key}${operator}${values[0]}`;
        case "in":
        case "notin":
          return `${key} ${operator} (${values.join(",")})`;
        case "exists":
          return key;
        case "!":
          return `!${key}`;
        case "gt":
          return `${key}>${values[0]}`;
        case "lt":
          return `${key}<${values[0]}`;
        default: {
          const unknown: never = operator;
          return unknown;
        }
      }
    })
    .join(",");
}
