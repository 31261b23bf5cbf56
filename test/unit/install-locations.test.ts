import { dataDir, HostFacts, kernelDir, pythonCommand, userDataDir } from "../../src/app/install/locations";

function host(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    env: {},
    platform: "linux",
    home: "/home/ada",
    askSysPrefix: () => "/opt/conda/envs/course",
    ...overrides,
  };
}

describe("user data dir", () => {
  it("follows each platform's Jupyter rule", () => {
    expect(userDataDir(host())).toBe("/home/ada/.local/share/jupyter");
    expect(userDataDir(host({ platform: "darwin", home: "/Users/ada" }))).toBe("/Users/ada/Library/Jupyter");
    expect(
      userDataDir(
        host({ platform: "win32", home: "C:\\Users\\ada", env: { APPDATA: "C:\\Users\\ada\\AppData\\Roaming" } }),
      ),
    ).toBe("C:\\Users\\ada\\AppData\\Roaming\\jupyter");
  });

  it("prefers $JUPYTER_DATA_DIR, then $XDG_DATA_HOME on Linux", () => {
    expect(userDataDir(host({ env: { JUPYTER_DATA_DIR: "/data/jup", XDG_DATA_HOME: "/xdg" } }))).toBe("/data/jup");
    expect(userDataDir(host({ env: { XDG_DATA_HOME: "/xdg" } }))).toBe("/xdg/jupyter");
  });
});

describe("dataDir", () => {
  it("defaults --user, asks Python for --sys-prefix and uses DIR/share/jupyter for --prefix", () => {
    expect(dataDir({ kind: "user" }, host())).toBe("/home/ada/.local/share/jupyter");
    expect(dataDir({ kind: "sys-prefix" }, host())).toBe("/opt/conda/envs/course/share/jupyter");
    expect(dataDir({ kind: "prefix", dir: "/usr/local" }, host())).toBe("/usr/local/share/jupyter");
  });

  it("puts kernels under kernels/<name>", () => {
    expect(kernelDir("/usr/local/share/jupyter", "ts-concurrency", "linux")).toBe(
      "/usr/local/share/jupyter/kernels/ts-concurrency",
    );
  });
});

describe("pythonCommand", () => {
  it("uses $JUPYTER_PYTHON when set", () => {
    expect(pythonCommand({ JUPYTER_PYTHON: "/venv/bin/python" }, "linux")).toBe("/venv/bin/python");
    expect(pythonCommand({}, "linux")).toBe("python3");
    expect(pythonCommand({}, "win32")).toBe("python");
  });
});
