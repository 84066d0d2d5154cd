// Decodes the protobuf `kubectl auth can-i` POSTs (`k8s\0` + runtime.Unknown wrapping a
// Self/SubjectAccessReview, k8s.io/api/authorization/v1/generated.proto) into its JSON shape.
import { badRequest } from "../registry/index.ts";

type Fields = Map<number, (Buffer | bigint)[]>;

/** The fields of one protobuf message: length-delimited values as Buffers, varints as bigints. */
function readFields(buffer: Buffer): Fields {
  const fields: Fields = new Map();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (offset >= buffer.length) throw badRequest("the protobuf body is truncated");
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (offset < buffer.length) {
    const key = Number(varint());
    const field = key >> 3;
    let value: Buffer | bigint;
    switch (key & 7) {
      case 0:
        value = varint();
        break;
      case 1:
        value = buffer.subarray(offset, (offset += 8));
        break;
      case 2: {
        const length = Number(varint());
        value = buffer.subarray(offset, (offset += length));
        break;
      }
      case 5:
        value = buffer.subarray(offset, (offset += 4));
        break;
      default:
        throw badRequest(`the protobuf body has an unsupported wire type ${key & 7}`);
    }
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

function message(fields: Fields, field: number): Fields | undefined {
  const value = fields.get(field)?.[0];
  return Buffer.isBuffer(value) ? readFields(value) : undefined;
}

function strings(fields: Fields | undefined, field: number): string[] {
  return (fields?.get(field) ?? []).filter(Buffer.isBuffer).map((value) => value.toString("utf8"));
}

function text(fields: Fields | undefined, field: number): string | undefined {
  return strings(fields, field)[0];
}

function defined(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
}

/** The review a protobuf body carries, as `{apiVersion, kind, spec}`. */
export function decodeAccessReviewProtobuf(body: Buffer): {
  apiVersion?: string;
  kind?: string;
  spec: Record<string, unknown>;
} {
  if (body.subarray(0, 4).toString("latin1") !== "k8s\0")
    throw badRequest("the protobuf body does not start with the k8s\\0 envelope");
  const unknown = readFields(body.subarray(4));
  const typeMeta = message(unknown, 1);
  const raw = message(unknown, 2) ?? new Map();
  const spec = message(raw, 2);
  const resource = message(spec ?? new Map(), 1);
  const nonResource = message(spec ?? new Map(), 2);
  return {
    ...defined({ apiVersion: text(typeMeta, 1), kind: text(typeMeta, 2) }),
    spec: {
      ...(resource
        ? {
            resourceAttributes: defined({
              namespace: text(resource, 1),
              verb: text(resource, 2),
              group: text(resource, 3),
              version: text(resource, 4),
              resource: text(resource, 5),
              subresource: text(resource, 6),
              name: text(resource, 7),
            }),
          }
        : {}),
      ...(nonResource
        ? { nonResourceAttributes: defined({ path: text(nonResource, 1), verb: text(nonResource, 2) }) }
        : {}),
      ...(text(spec, 3) !== undefined ? { user: text(spec, 3) } : {}),
      ...(strings(spec, 4).length > 0 ? { groups: strings(spec, 4) } : {}),
    },
  };
}
