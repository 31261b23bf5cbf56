import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CACHE_FOLDER, CacheDirSetting, cacheDirPath, openCacheDir } from "../../src/shared/cache-dir";

let scratch: string;
let logged: string[];

beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cache-dir-test-"));
  logged = [];
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

const ourUid = process.getuid?.();

function setting(overrides: Partial<CacheDirSetting> = {}): CacheDirSetting {
  return {
    env: { XDG_CACHE_HOME: path.join(scratch, "xdg") },
    homedir: () => path.join(scratch, "home"),
    nodeVersion: "v20.20.2",
    abi: "115",
    packageVersion: "0.1.0",
    uid: ourUid,
    log: (line) => logged.push(line),
    ...overrides,
  };
}

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

describe("cacheDirPath", () => {
  it("puts a folder named after Node, its ABI and the package under XDG_CACHE_HOME", () => {
    expect(cacheDirPath(setting())).toBe(path.join(scratch, "xdg", CACHE_FOLDER, "v20.20.2-abi115-0.1.0"));
  });

  it("falls back to HOME/.cache, and to the home directory when HOME is unset", () => {
    expect(cacheDirPath(setting({ env: { HOME: "/h" } }))).toBe(
      path.join("/h", ".cache", CACHE_FOLDER, "v20.20.2-abi115-0.1.0"),
    );
    expect(cacheDirPath(setting({ env: {} }))).toBe(
      path.join(scratch, "home", ".cache", CACHE_FOLDER, "v20.20.2-abi115-0.1.0"),
    );
  });

  it("ignores a relative XDG_CACHE_HOME, as the XDG spec asks", () => {
    expect(cacheDirPath(setting({ env: { XDG_CACHE_HOME: "rel", HOME: "/h" } }))).toMatch(/^\/h\/\.cache\//);
  });

  it("gives another folder when Node, its ABI or the package version changes", () => {
    const paths = new Set([
      cacheDirPath(setting()),
      cacheDirPath(setting({ nodeVersion: "v24.11.0" })),
      cacheDirPath(setting({ abi: "137" })),
      cacheDirPath(setting({ packageVersion: "0.2.0" })),
    ]);
    expect(paths.size).toBe(4);
  });

  it("keeps a strange version string inside one path segment", () => {
    const dir = cacheDirPath(setting({ packageVersion: "../../etc/x" }))!;
    expect(path.dirname(dir)).toBe(path.join(scratch, "xdg", CACHE_FOLDER));
  });

  it("has no folder when there is no absolute home", () => {
    expect(cacheDirPath(setting({ env: {}, homedir: () => "" }))).toBeUndefined();
  });
});

describe("openCacheDir", () => {
  it("creates the folder and its parent with mode 0700 and returns it", () => {
    const dir = openCacheDir(setting());
    expect(dir).toBe(cacheDirPath(setting()));
    expect(modeOf(dir!)).toBe(0o700);
    expect(modeOf(path.dirname(dir!))).toBe(0o700);
    expect(logged).toEqual([]);
  });

  it("opens an existing folder again", () => {
    const dir = openCacheDir(setting())!;
    fs.writeFileSync(path.join(dir, "kept"), "x");
    expect(openCacheDir(setting())).toBe(dir);
    expect(fs.readFileSync(path.join(dir, "kept"), "utf8")).toBe("x");
  });

  it("refuses a world-writable folder, with a log line", () => {
    const dir = cacheDirPath(setting())!;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o777);
    expect(openCacheDir(setting())).toBeUndefined();
    expect(logged).toEqual([expect.stringMatching(/writable by other users \(mode 777\)/)]);
  });

  it("refuses a group-writable parent", () => {
    const dir = cacheDirPath(setting())!;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(path.dirname(dir), 0o770);
    expect(openCacheDir(setting())).toBeUndefined();
    expect(logged[0]).toContain(path.dirname(dir));
  });

  it("refuses a folder owned by another user", () => {
    if (ourUid === undefined) return; // no user ids on this platform
    expect(openCacheDir(setting({ uid: ourUid + 1 }))).toBeUndefined();
    expect(logged).toEqual([
      expect.stringMatching(new RegExp(`owned by user ${ourUid}, not by us \\(${ourUid + 1}\\)`)),
    ]);
  });

  it("refuses a symbolic link planted where the folder goes", () => {
    const dir = cacheDirPath(setting())!;
    const elsewhere = path.join(scratch, "elsewhere");
    fs.mkdirSync(elsewhere, { mode: 0o700 });
    fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    fs.symlinkSync(elsewhere, dir);
    expect(openCacheDir(setting())).toBeUndefined();
    expect(logged).toEqual([expect.stringMatching(/symbolic link/)]);
  });

  it("runs without a cache when the folder cannot be created", () => {
    const file = path.join(scratch, "not-a-folder");
    fs.writeFileSync(file, "");
    expect(openCacheDir(setting({ env: { XDG_CACHE_HOME: file } }))).toBeUndefined();
    expect(logged).toEqual([expect.stringMatching(/^no code cache: .*ENOTDIR/)]);
  });

  it("runs without a cache when there is no home", () => {
    expect(openCacheDir(setting({ env: {}, homedir: () => "" }))).toBeUndefined();
    expect(logged).toHaveLength(1);
  });
});
