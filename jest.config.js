/** @type {import("jest").Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 60000,
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
