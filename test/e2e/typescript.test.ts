import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, writeFile } from "fs/promises";
import { join } from "path";
import { KernelSession, makeTempDir, onlyOfType, removeDir, resultText } from "./helpers";

/**
 * The kernel runs in a temporary notebook folder holding a local `helper.ts` and a package in its
 * own node_modules; both must resolve from there, not from the kernel's installation.
 */
describe("TypeScript across cells and modules", () => {
  let session: KernelSession;
  let notebookDir: string;

  beforeAll(async () => {
    notebookDir = await makeTempDir("typescript");
    await writeFile(
      join(notebookDir, "helper.ts"),
      "export function double(x: number): number {\n  return 2 * x;\n}\nexport const label: string = 'from helper';\n",
    );
    const pkg = join(notebookDir, "node_modules", "tiny-greeter");
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, "package.json"),
      JSON.stringify({ name: "tiny-greeter", version: "1.0.0", main: "index.js", types: "index.d.ts" }),
    );
    await writeFile(join(pkg, "index.js"), "exports.greet = (name) => `hello, ${name}`;\n");
    await writeFile(join(pkg, "index.d.ts"), "export declare function greet(name: string): string;\n");
    session = await KernelSession.start({ cwd: notebookDir });
  });

  afterAll(async () => {
    await session?.stop();
    await removeDir(notebookDir);
  });

  const typeError = async (code: string) => {
    const exchange = await session.execute(code);
    expect(exchange.reply.content).toMatchObject({ status: "error", ename: "TSError" });
    const error = onlyOfType(exchange.iopub, "error").content;
    return { evalue: String(error.evalue), traceback: (error.traceback as string[]).join("\n") };
  };

  it("uses types and values declared in an earlier cell", async () => {
    expect(
      await session.value("interface Point { x: number; y: number }\nconst origin: Point = { x: 0, y: 0 };"),
    ).toBeUndefined();
    expect(await session.value("const p: Point = { x: 3, y: 4 };\nMath.hypot(p.x - origin.x, p.y - origin.y)")).toBe(
      "5",
    );
  });

  it("declares names that start with underscores, and later cells see them", async () => {
    expect(
      await session.value("const __hidden = 1;\nfunction ___three(): number { return __hidden + 1 }\n__hidden"),
    ).toBe("1");
    expect(await session.value("___three() + __hidden")).toBe("3");
  });

  it("re-runs a cell that declares a const", async () => {
    const cell = "const rerun = Math.max(1, 2);\nrerun * 10";
    expect(await session.value(cell)).toBe("20");
    expect(await session.value(cell)).toBe("20");
    expect(await session.value("const rerun: string = 'redeclared';\nrerun")).toBe("'redeclared'");
  });

  it("reports a type error against a type declared in an earlier cell", async () => {
    const { evalue, traceback } = await typeError("const ok = 1;\nconst bad: Point = { x: 1 };");
    expect(evalue).toContain("'y'");
    expect(evalue).toContain("Point");
    expect(traceback).toMatch(/Cell\[\d+\]:2:7: /);
  });

  it("keeps the types of earlier cells after a cell fails to type-check", async () => {
    expect(await session.value("origin.x + 1")).toBe("1");
    await typeError("origin.z");
  });

  it("supports top-level await", async () => {
    expect(
      await session.value("const awaited = await new Promise<number>((r) => setTimeout(() => r(6), 10));\nawaited * 7"),
    ).toBe("42");
    expect(await session.value("awaited")).toBe("6");
  });

  it("checks `satisfies` and `NoInfer` as TypeScript 5.9 does", async () => {
    expect(
      await session.value(
        "const palette = { red: [255, 0, 0] } satisfies Record<string, number[]>;\npalette.red.length",
      ),
    ).toBe("3");
    expect((await typeError('const bad = { red: "ff0000" } satisfies Record<string, number[]>;')).evalue).toContain(
      "not assignable",
    );
    expect(
      await session.value(
        "function pick<T extends string>(options: T[], fallback: NoInfer<T>): T {\n  return options[0] ?? fallback;\n}\npick(['a', 'b'], 'b')",
      ),
    ).toBe("'a'");
    // Without NoInfer, T would widen to "a" | "b" | "c" and the call would pass.
    expect((await typeError("pick(['a', 'b'], 'c')")).evalue).toContain(`'"c"' is not assignable`);
  });

  it("disposes `using` declarations at the end of their block, and at the end of the cell", async () => {
    expect(
      await session.value(
        'const disposals: string[] = [];\nconst resource = (name: string) => ({ [Symbol.dispose]() { disposals.push(name); } });\n{\n  using inner = resource("inner");\n  disposals.push("in block");\n}\ndisposals.join(",")',
      ),
    ).toBe("'in block,inner'");
    expect(await session.value('using cellScoped = resource("cell");\ndisposals.length')).toBe("2");
    expect(await session.value("disposals.join(',')")).toBe("'in block,inner,cell'");
    expect(
      await session.value(
        'const later = { async [Symbol.asyncDispose]() { await null; disposals.push("async"); } };\n{\n  await using awaited = later;\n}\ndisposals.at(-1)',
      ),
    ).toBe("'async'");
  });

  it('imports Node modules: import * as fs from "fs"', async () => {
    expect(await session.value('import * as fs from "fs";\nfs.existsSync("helper.ts")')).toBe("true");
  });

  it("imports a local .ts module from the notebook's folder, with its types", async () => {
    expect(await session.value('import { double, label } from "./helper";\n`${double(21)} ${label}`')).toBe(
      "'42 from helper'",
    );
    const { traceback } = await typeError('double("21")');
    expect(traceback).toMatch(/Cell\[\d+\]:1:8: /);
  });

  it("imports a package from the notebook folder's node_modules, with its types", async () => {
    expect(await session.value('import { greet } from "tiny-greeter";\ngreet("ts")')).toBe("'hello, ts'");
    const { evalue } = await typeError("greet(42)");
    expect(evalue).toContain("not assignable to parameter of type 'string'");
  });

  it("type-checks console and process against Node's types", async () => {
    const exchange = await session.execute(
      'console.log(typeof process.version);\nprocess.cwd() === require("path").resolve(".")',
    );
    expect(exchange.reply.content.status).toBe("ok");
    expect(resultText(exchange.iopub)).toBe("true");
    await typeError("process.notAThing()");
  });
});

/**
 * Only @types/node joins every cell's globals, as in TypeScript 6; a tsconfig.json beside the
 * notebooks may list more. Packages imported by name still find their types under @types.
 */
describe("global type packages", () => {
  const dirs: string[] = [];
  const sessions: KernelSession[] = [];

  async function folder(tsconfig?: object): Promise<KernelSession> {
    const dir = await makeTempDir("types");
    dirs.push(dir);
    const types = join(dir, "node_modules", "@types");
    await mkdir(join(types, "ambient-globals"), { recursive: true });
    await writeFile(join(types, "ambient-globals", "index.d.ts"), "declare const fromAmbientTypes: number;\n");
    await writeFile(
      join(types, "ambient-globals", "package.json"),
      JSON.stringify({ name: "@types/ambient-globals", version: "1.0.0" }),
    );
    await mkdir(join(types, "plain-lib"), { recursive: true });
    await writeFile(join(types, "plain-lib", "index.d.ts"), "export declare function shout(s: string): string;\n");
    await writeFile(
      join(types, "plain-lib", "package.json"),
      JSON.stringify({ name: "@types/plain-lib", version: "1.0.0" }),
    );
    await mkdir(join(dir, "node_modules", "plain-lib"), { recursive: true });
    await writeFile(
      join(dir, "node_modules", "plain-lib", "package.json"),
      JSON.stringify({ name: "plain-lib", version: "1.0.0" }),
    );
    await writeFile(
      join(dir, "node_modules", "plain-lib", "index.js"),
      "exports.shout = (s) => s.toUpperCase() + '!';\n",
    );
    if (tsconfig) await writeFile(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const session = await KernelSession.start({ cwd: dir });
    sessions.push(session);
    return session;
  }

  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.stop()));
    await Promise.all(dirs.map((d) => removeDir(d)));
  });

  it("leaves other @types packages' globals out, while imports still find their types", async () => {
    const session = await folder();
    const exchange = await session.execute("fromAmbientTypes");
    expect(exchange.reply.content).toMatchObject({ status: "error", ename: "TSError" });
    expect(String(onlyOfType(exchange.iopub, "error").content.evalue)).toContain("Cannot find name 'fromAmbientTypes'");
    expect(await session.value('import { shout } from "plain-lib";\nshout("hi")')).toBe("'HI!'");
    const wrong = await session.execute("shout(1)");
    expect(String(onlyOfType(wrong.iopub, "error").content.evalue)).toContain(
      "not assignable to parameter of type 'string'",
    );
    expect(await session.value("typeof process.pid")).toBe("'number'");
  });

  it("adds the ones a tsconfig.json in the notebook's folder lists", async () => {
    const session = await folder({ compilerOptions: { types: ["ambient-globals"] } });
    expect(await session.value("typeof fromAmbientTypes")).toBe("'undefined'");
    expect(await session.value("typeof process.pid")).toBe("'number'");
  });
});
