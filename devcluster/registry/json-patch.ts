// JSON patch (RFC 6902) with kube-apiserver's answers: malformed → 400, failed operation → 422.
import jsonPatch, { JsonPatchError, type Operation } from "fast-json-patch";
import { ApiError, badRequest } from "./api-error.ts";
import { cloneJson } from "./json-value.ts";

/** Errors in the patch document itself, found before it touches the object. */
const malformed = new Set([
  "SEQUENCE_NOT_AN_ARRAY",
  "OPERATION_NOT_AN_OBJECT",
  "OPERATION_OP_INVALID",
  "OPERATION_PATH_INVALID",
  "OPERATION_FROM_REQUIRED",
  "OPERATION_VALUE_REQUIRED",
  "OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED",
]);

function describeOperation(error: JsonPatchError): string {
  const operation = error.operation as Partial<Operation> | undefined;
  return operation?.op ? `${operation.op} operation on "${operation.path ?? ""}"` : "operation";
}

/** Applies an RFC 6902 operation list to a copy of `target`. */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations))
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  const ops = cloneJson(operations) as Operation[];
  try {
    return jsonPatch.applyPatch(cloneJson(target), ops, true, true, true).newDocument;
  } catch (error) {
    if (!(error instanceof JsonPatchError)) throw error;
    const detail = `${describeOperation(error)} failed: ${error.message.split("\n")[0]}`;
    if (malformed.has(error.name)) throw badRequest(`the JSON patch is malformed: ${detail}`);
    throw new ApiError(422, "Invalid", "the server rejected our request due to an error in our request", {
      causes: [
        {
          reason: "UnexpectedServerResponse",
          message:
            error.name === "TEST_OPERATION_FAILED"
              ? `testing value ${String(error.operation?.path ?? "")} failed: test failed`
              : detail,
        },
      ],
    });
  }
}
