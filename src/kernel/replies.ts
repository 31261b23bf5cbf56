import { ErrorFields } from "../protocol/content";

/** The only ways a reply's status is spelled: `ok`, `error` (with its fields) or `aborted`. */
export function ok<T extends object>(fields: T): { status: "ok" } & T {
  return { status: "ok", ...fields };
}

export function failed(error: ErrorFields): { status: "error" } & ErrorFields {
  return { status: "error", ename: error.ename, evalue: error.evalue, traceback: error.traceback };
}

export function aborted(): { status: "aborted" } {
  return { status: "aborted" };
}
