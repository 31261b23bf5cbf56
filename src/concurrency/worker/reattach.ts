import { types } from "util";
import { Reattach, ShapeStep } from "../model/task-protocol";

/**
 * Give the objects a copy arrived without their prototypes back, in place. The copy kept shared
 * references and cycles, so putting one object back once fixes it wherever it is reached from.
 */
export function reattach(
  root: unknown,
  list: readonly Reattach[],
  protoOf: (proto: Reattach["proto"]) => object | null,
): void {
  // Positions in a Map or Set are looked up in one listing per collection, not one walk per step.
  const listings = new Map<object, unknown[]>();
  for (const r of list) {
    let v = root;
    for (const step of r.at) v = follow(v, step, listings);
    if (v === null || typeof v !== "object")
      throw new Error(`the copy has no object at ${JSON.stringify(r.at)} to give its class back to`);
    Object.setPrototypeOf(v, protoOf(r.proto));
  }
}

function follow(v: unknown, step: ShapeStep, listings: Map<object, unknown[]>): unknown {
  if (v === null || typeof v !== "object") return undefined;
  // Own properties only: an object whose class is already back must not answer from its prototype.
  if (typeof step !== "object") return Object.getOwnPropertyDescriptor(v, step)?.value;
  let listing = listings.get(v);
  if (!listing) {
    // The built-in iterators, not the object's: a class put back on a Map may override them.
    listing = types.isMap(v)
      ? [...Map.prototype.entries.call(v)]
      : types.isSet(v)
        ? [...Set.prototype.values.call(v)]
        : [];
    listings.set(v, listing);
  }
  const at = listing[step.entry];
  if (step.of === "element") return at;
  const entry = at as [unknown, unknown] | undefined;
  return step.of === "key" ? entry?.[0] : entry?.[1];
}
