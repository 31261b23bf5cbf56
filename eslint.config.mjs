// Lints the kernel's TypeScript with the type-aware-free recommended rules: fast enough for CI on
// every run, strict enough to catch unused code and unsafe patterns.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["dist/", "dist-bench/", "coverage/", "artifacts/", "node_modules/", "test/jupyterlab/build/", "test/jupyterlab/node_modules/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", console: "readonly" } },
  },
);
