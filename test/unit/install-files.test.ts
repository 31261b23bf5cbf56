import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installKernelSpec, uninstallKernelSpec } from "../../src/app/install/install";
import { askSysPrefix, HostFacts } from "../../src/app/install/locations";
import { kernelTemplateDir } from "../../src/app/install/package-files";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("install and uninstall into a --prefix", () => {
  let prefix: string;
  let cli: string;
  const host: HostFacts = {
    env: {},
    platform: process.platform,
    home: os.homedir(),
    askSysPrefix: () => {
      throw new Error("not asked");
    },
  };

  beforeEach(() => {
    prefix = fs.mkdtempSync(path.join(os.tmpdir(), "tsck-install-"));
    cli = path.join(prefix, "pkg", "dist", "app", "cli.js");
    fs.mkdirSync(path.dirname(cli), { recursive: true });
    fs.writeFileSync(cli, "");
  });
  afterEach(() => fs.rmSync(prefix, { recursive: true, force: true }));

  it("writes kernel.json and the logos, then removes them", () => {
    const result = installKernelSpec({ location: { kind: "prefix", dir: prefix }, host, cliPath: cli });
    const dir = path.join(prefix, "share", "jupyter", "kernels", "ts-concurrency");
    expect(result.dir).toBe(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]);

    const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8"));
    expect(spec).toEqual({
      argv: [process.execPath, cli, "kernel", "{connection_file}"],
      display_name: "TypeScript (concurrency)",
      language: "typescript",
      interrupt_mode: "message",
      metadata: { debugger: false },
    });
    for (const size of [32, 64]) {
      const png = fs.readFileSync(path.join(dir, `logo-${size}x${size}.png`));
      expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
    expect(fs.readFileSync(path.join(dir, "logo-svg.svg"), "utf8")).toMatch(/^<svg /);

    expect(uninstallKernelSpec({ location: { kind: "prefix", dir: prefix }, host })).toBe(dir);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("honours --name and --display-name and replaces an older install", () => {
    const location = { kind: "prefix", dir: prefix } as const;
    const dir = path.join(prefix, "share", "jupyter", "kernels", "ts-test");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "stale.txt"), "from an older version");

    installKernelSpec({ location, host, cliPath: cli, name: "ts-test", displayName: "TS test" });
    expect(fs.existsSync(path.join(dir, "stale.txt"))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8")).display_name).toBe("TS test");
  });

  it("fails clearly when uninstalling what is not there", () => {
    expect(() => uninstallKernelSpec({ location: { kind: "prefix", dir: prefix }, host })).toThrow(
      /No kernelspec named "ts-concurrency" is installed in/,
    );
  });

  it("refuses to remove a folder that is not a kernelspec", () => {
    const dir = path.join(prefix, "share", "jupyter", "kernels", "ts-concurrency");
    fs.mkdirSync(dir, { recursive: true });
    expect(() => uninstallKernelSpec({ location: { kind: "prefix", dir: prefix }, host })).toThrow(/not a kernelspec/);
    expect(fs.existsSync(dir)).toBe(true);
  });

  it("asks for a build when dist/app/cli.js is missing", () => {
    expect(() =>
      installKernelSpec({ location: { kind: "prefix", dir: prefix }, host, cliPath: path.join(prefix, "none.js") }),
    ).toThrow(/npm run build/);
  });

  it("ships the logos the kernelspec copies", () => {
    for (const file of ["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]) {
      expect(fs.existsSync(path.join(kernelTemplateDir, file))).toBe(true);
    }
  });
});

describe("askSysPrefix", () => {
  it("explains what to do when Python is missing", () => {
    expect(() => askSysPrefix({ ...process.env, JUPYTER_PYTHON: "/nonexistent/python9" })).toThrow(
      /running \/nonexistent\/python9 failed: it was not found\. Set JUPYTER_PYTHON/,
    );
  });

  it("reports the error output of a Python that fails", () => {
    expect(() => askSysPrefix({ ...process.env, JUPYTER_PYTHON: process.execPath })).toThrow(
      /could not report sys.prefix/,
    );
  });
});
