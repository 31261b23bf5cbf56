// Lints the kernel's TypeScript and the JavaScript scripts around it with the recommended rules that
// need no type information: fast enough for CI on every run, strict enough to catch unused code and
// unsafe patterns.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "dist-bench/",
      "coverage/",
      "artifacts/",
      "node_modules/",
      "test/jupyterlab/build/",
      "test/jupyterlab/node_modules/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `const { dropped, ...kept } = value` is how a key is left out of a copy.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
      // A `let` that callbacks made before its one assignment read (and find undefined) cannot be a const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Node scripts and helpers run as they are, without a build: CommonJS, where `require` is the import.
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Browser tests: functions passed to page.evaluate() run in the page.
    files: ["test/browser/**/*.js", "test/jupyterlab/**/*.js"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The JupyterLab front end the tests bundle: an ES module for the browser.
    files: ["test/jupyterlab/index.js"],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
);
