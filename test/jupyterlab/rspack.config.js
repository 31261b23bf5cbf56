// @ts-check
/**
 * Bundles the JupyterLab front end the tests drive. Build.ensureAssets copies each extension's
 * settings schemas and themes into build/ (the server serves them from there) and writes
 * build/style.js, which imports every extension's CSS.
 */
"use strict";

const path = require("node:path");
const rspack = require("@rspack/core");
const { Build } = require("@jupyter/builder");
const svgToDataUri = require("mini-svg-data-uri");

const extensions = require("./package.json").jupyterlab.extensions;
const output = path.join(__dirname, "build");

const assets = Build.ensureAssets({ packageNames: extensions, output });

/** @type {import("@rspack/core").Configuration} */
const app = {
  entry: "./index.js",
  output: { path: output, filename: "bundle.js" },
  mode: "development",
  // Source maps would double the build time and nobody debugs this bundle from CI.
  devtool: false,
  bail: true,
  resolve: { fallback: { path: require.resolve("path-browserify") } },
  module: {
    rules: [
      // @jupyter/web-components is ESM whose imports leave out the file extension.
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      {
        test: /\.css$/,
        exclude: /\.raw\.css$/,
        type: "javascript/auto",
        use: [rspack.CssExtractRspackPlugin.loader, "css-loader"],
      },
      // A .raw.css file is imported as text, to be put into a <style> at run time.
      { test: /\.raw\.css$/, type: "asset/source" },
      { test: /\.(md|txt)$/, type: "asset/source" },
      { test: /\.(html|jpg|png|gif|eot)$/, type: "asset/resource" },
      { test: /\.(woff2?|ttf)$/, type: "asset" },
      // CSS wants icons as data URIs, JavaScript (LabIcon) wants the SVG text itself.
      {
        test: /\.svg$/,
        issuer: /\.css$/,
        type: "asset/inline",
        generator: { dataUrl: (/** @type {Buffer | string} */ source) => svgToDataUri(source.toString()) },
      },
      { test: /\.svg$/, issuer: /\.js$/, type: "asset/source" },
    ],
  },
  plugins: [
    // Some of JupyterLab's dependencies read process.cwd() and process.env in the browser.
    new rspack.DefinePlugin({ process: { cwd: () => "/", env: {} } }),
    new rspack.CssExtractRspackPlugin({ filename: "[name].[contenthash:8].css" }),
  ],
  performance: { hints: false },
};

module.exports = [app, ...assets];
