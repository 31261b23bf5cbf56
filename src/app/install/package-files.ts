import * as path from "node:path";

/**
 * Files of this installed copy of the package. Both the compiled file (dist/app/install/) and the source
 * file run by tests (src/app/install/) sit three levels below the package root, so one rule serves both.
 */
export const packageRoot = path.resolve(__dirname, "..", "..", "..");

/** The kernelspec template and logos. */
export const kernelTemplateDir = path.join(packageRoot, "kernel");

/** The entry point a kernelspec must start: the compiled CLI of this same copy. */
export const compiledCli = path.join(packageRoot, "dist", "app", "cli.js");
