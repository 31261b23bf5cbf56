import * as fs from "node:fs";
import * as path from "node:path";
import { checkKernelName, fillKernelSpec } from "../../src/app/install/kernelspec";
import { kernelTemplateDir } from "../../src/app/install/package-files";

const template = JSON.parse(fs.readFileSync(path.join(kernelTemplateDir, "kernel.json"), "utf8"));
const values = { node: "/opt/node/bin/node", cli: "/srv/app/node_modules/pkg/dist/app/cli.js", displayName: "TS" };

describe("fillKernelSpec", () => {
  it("fills the shipped template into a complete kernelspec", () => {
    expect(fillKernelSpec(template, values)).toEqual({
      argv: ["/opt/node/bin/node", "/srv/app/node_modules/pkg/dist/app/cli.js", "kernel", "{connection_file}"],
      display_name: "TS",
      language: "typescript",
      interrupt_mode: "message",
      metadata: { debugger: false },
    });
  });

  it("keeps paths with spaces and quotes intact", () => {
    const spec = fillKernelSpec(template, { ...values, cli: 'C:\\Program Files\\a "b"\\dist\\cli.js' });
    expect(spec.argv[1]).toBe('C:\\Program Files\\a "b"\\dist\\cli.js');
  });

  it("refuses relative paths, an empty display name and unknown placeholders", () => {
    expect(() => fillKernelSpec(template, { ...values, node: "node" })).toThrow(/absolute paths/);
    expect(() => fillKernelSpec(template, { ...values, displayName: " " })).toThrow(/display name/);
    expect(() => fillKernelSpec({ ...template, env: { X: "@HOME@" } }, values)).toThrow(/unknown placeholder/);
  });

  it("refuses a template without {connection_file}", () => {
    expect(() => fillKernelSpec({ ...template, argv: ["@NODE@", "@CLI@", "kernel"] }, values)).toThrow(
      /connection_file/,
    );
  });
});

describe("checkKernelName", () => {
  it("accepts Jupyter's name characters and rejects the rest", () => {
    expect(() => checkKernelName("ts-concurrency")).not.toThrow();
    expect(() => checkKernelName("ts_2.0")).not.toThrow();
    for (const bad of ["", "TS", "a b", "../x", "a/b"])
      expect(() => checkKernelName(bad)).toThrow(/Invalid kernel name/);
  });
});
