/** @type {import("jest").Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 60000,
  // One test file at a time, on any machine. The end-to-end and reliability files each start a kernel
  // whose %%threads/%%processes cells are timed against the cores (overlap, speed-up, 2 s shutdown
  // bounds); a second file running beside them on a 2-core machine halves what they measure. Jest's
  // default (cores - 1) gives 1 here but more on a bigger runner, so results would depend on where
  // they ran. For the unit tier alone, `npx jest test/unit --maxWorkers=2` overrides this.
  maxWorkers: 1,
  // Tests compile against test/tsconfig.json, which adds the jest globals the build config leaves out.
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/test/tsconfig.json" }],
    // JupyterLab's Sanitizer ships as ES modules; the report test runs it to prove our HTML survives.
    "/node_modules/@jupyterlab/apputils/lib/.+\\.js$": [
      "ts-jest",
      { tsconfig: { allowJs: true, module: "commonjs", esModuleInterop: true, isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!@jupyterlab/apputils/lib/)"],
};
