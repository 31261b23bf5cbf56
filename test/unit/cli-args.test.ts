import { main } from "../../src/app/cli";
import { oneOf, parseArgs } from "../../src/app/commands/args";
import { UsageError } from "../../src/app/errors";

const spec = {
  command: "demo",
  flags: { "--out": { value: "FILE" }, "--quiet": "boolean", "--user": "boolean", "--prefix": { value: "DIR" } },
} as const;

describe("parseArgs", () => {
  it("reads switches, both value forms and positionals", () => {
    const parsed = parseArgs(spec, ["nb.ipynb", "--out", "a.ipynb", "--quiet", "--prefix=/p", "--", "--not-a-flag"]);
    expect(parsed.flags).toEqual(
      new Map<string, string | true>([
        ["--out", "a.ipynb"],
        ["--quiet", true],
        ["--prefix", "/p"],
      ]),
    );
    expect(parsed.positionals).toEqual(["nb.ipynb", "--not-a-flag"]);
    expect(parsed.help).toBe(false);
    expect(parseArgs(spec, ["-h"]).help).toBe(true);
  });

  it("lists the valid options when one is unknown", () => {
    expect(() => parseArgs(spec, ["--qiet"])).toThrow(
      'Unknown option --qiet for "demo". Valid options: --out FILE, --quiet, --user, --prefix DIR, --help.',
    );
  });

  it("rejects missing values, values on switches and repeats", () => {
    expect(() => parseArgs(spec, ["--out"])).toThrow("--out needs a value: --out FILE.");
    expect(() => parseArgs(spec, ["--quiet=yes"])).toThrow("--quiet takes no value.");
    expect(() => parseArgs(spec, ["--quiet", "--quiet"])).toThrow("--quiet was given twice.");
  });

  it("allows one of a group of exclusive flags", () => {
    expect(oneOf(parseArgs(spec, ["--user"]), ["--user", "--prefix"])).toBe("--user");
    expect(oneOf(parseArgs(spec, []), ["--user", "--prefix"])).toBeUndefined();
    expect(() => oneOf(parseArgs(spec, ["--user", "--prefix", "x"]), ["--user", "--prefix"])).toThrow(
      "Choose one of --user, --prefix, not --user and --prefix.",
    );
  });
});

describe("main", () => {
  it("rejects unknown and missing commands with exit code 2, listing the valid ones", async () => {
    await expect(main(["frob"])).rejects.toThrow(
      'Unknown command "frob". Valid commands: install, uninstall, run, kernel, snapshot.',
    );
    await expect(main(["--frob"])).rejects.toThrow(/Valid options: --help, --version/);
    await expect(main([])).rejects.toBeInstanceOf(UsageError);
    await expect(main(["toString"])).rejects.toThrow(/Unknown command "toString"/);
  });

  it("rejects a bad --timeout before starting anything", async () => {
    await expect(main(["run", "x.ipynb", "--timeout", "soon"])).rejects.toThrow(/--timeout needs a number of seconds/);
  });
});
