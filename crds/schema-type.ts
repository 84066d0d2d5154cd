// The TypeScript type a structural OpenAPI schema describes, so each CRD's schema is
// the one source of truth for both the API server and the code.

/** The part of a CRD's openAPIV3Schema that Kontinue's schemas use. */
export interface StructuralSchema {
  readonly type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  readonly description?: string;
  readonly properties?: { readonly [name: string]: StructuralSchema };
  readonly additionalProperties?: StructuralSchema;
  readonly required?: readonly string[];
  readonly items?: StructuralSchema;
  readonly enum?: readonly (string | number)[];
  readonly format?: string;
  readonly pattern?: string;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly nullable?: boolean;
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
  readonly "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  readonly "x-kubernetes-list-map-keys"?: readonly string[];
}

type Nullable<S, T> = S extends { nullable: true } ? T | null : T;

type RequiredKeys<S> = S extends { required: readonly (infer K)[] } ? K : never;

type ObjectOf<S> = S extends { properties: infer P }
  ? {
      -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]: SchemaType<P[K]>;
    } & {
      -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: SchemaType<P[K]>;
    } & (S extends { "x-kubernetes-preserve-unknown-fields": true } ? { [extra: string]: unknown } : unknown)
  : S extends { additionalProperties: infer A }
    ? Record<string, SchemaType<A>>
    : Record<string, unknown>;

type Base<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: "string" }
    ? string
    : S extends { type: "integer" | "number" }
      ? number
      : S extends { type: "boolean" }
        ? boolean
        : S extends { type: "array"; items: infer I }
          ? SchemaType<I>[]
          : S extends { type: "object" }
            ? ObjectOf<S>
            : unknown;

/** Maps a schema literal (declared `as const`) to the type of the values it admits. */
export type SchemaType<S> = Nullable<S, Base<S>>;
