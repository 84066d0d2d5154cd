// The string formats kube-apiserver checks in CRD schemas (a subset of go-openapi/strfmt).
import { isIP, isIPv4, isIPv6 } from "node:net";

const dateTime = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const date = /^\d{4}-\d{2}-\d{2}$/;
const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const email = /^[^\s@]+@[^\s@]+$/;
const hostname =
  /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$/;
const mac = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const duration = /^(\s*[-+]?\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w)\s*)+$/;

/** Recently checked date-times: a journal's timestamps come back with every write of its execution. */
const checkedDateTimes = new Map<string, boolean>();
const maxCheckedDateTimes = 10_000;

function isDateTime(value: string): boolean {
  let valid = checkedDateTimes.get(value);
  if (valid === undefined) {
    valid = dateTime.test(value) && !Number.isNaN(Date.parse(value.toUpperCase()));
    if (checkedDateTimes.size >= maxCheckedDateTimes) checkedDateTimes.clear();
    checkedDateTimes.set(value, valid);
  }
  return valid;
}

function isDate(value: string): boolean {
  return date.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

function isCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split("/");
  if (rest.length > 0 || address === undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
  const version = isIP(address);
  return version !== 0 && Number(bits) <= (version === 4 ? 32 : 128);
}

function isUri(value: string): boolean {
  return URL.canParse(value);
}

const checks = new Map<string, (value: string) => boolean>([
  ["date-time", isDateTime],
  ["datetime", isDateTime],
  ["date", isDate],
  ["uuid", (value) => uuid.test(value)],
  ["email", (value) => email.test(value)],
  ["hostname", (value) => hostname.test(value)],
  ["ipv4", isIPv4],
  ["ipv6", isIPv6],
  ["cidr", isCidr],
  ["mac", (value) => mac.test(value)],
  ["byte", (value) => base64.test(value)],
  ["uri", isUri],
  ["duration", (value) => duration.test(value)],
]);

/** True when `value` has `format`; formats kube does not check (int32, password, …) always pass. */
export function matchesFormat(format: string, value: string): boolean {
  return checks.get(format)?.(value) ?? true;
}
