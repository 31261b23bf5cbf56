// The import rules of src/ (STYLE.md point 11, README "Architecture"): `npm run lint` runs
// `depcruise src` with this file, so CI fails on an import that runs against the layers.

// Lowest first. A folder may import its own files and the folders on earlier rows, never a folder on
// its own row or a later one: the folders on one row are independent of each other.
const LAYERS = [
  ["shared"],
  ["protocol"],
  ["transport", "kernel", "runtime"],
  ["typescript"],
  ["concurrency"],
  ["interpreter"],
  ["client"],
  ["app"],
];

const folders = (names) => `^src/(${names.join("|")})/`;

const layerRules = LAYERS.flatMap((row, rank) =>
  row.map((layer) => {
    const notBelow = LAYERS.slice(rank)
      .flat()
      .filter((other) => other !== layer);
    return {
      name: `layer-${layer}`,
      comment: `src/${layer} imports only the layers below it (${LAYERS.slice(0, rank).flat().join(", ") || "none"})`,
      severity: "error",
      from: { path: `^src/${layer}/` },
      to: { path: folders(notBelow) },
    };
  }),
);

// Code that runs inside a worker thread or a task process: each file loaded there costs start-up time
// and must not drag in the kernel's core, its sockets or the interpreter that owns the workers.
const IN_WORKER = [
  "^src/concurrency/worker/",
  "^src/typescript/compiler-worker\\.ts$",
  "^src/typescript/compiler-handler\\.ts$",
  "^src/typescript/compiler-snapshot-entry\\.ts$",
  "^src/shared/parent-watch-thread\\.ts$",
  "^src/transport/transport-worker\\.ts$",
];
const IN_WORKER_FORBIDDEN = ["kernel", "interpreter", "app", "client"];

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "no-circular",
      comment: "No import circles: a circle makes load order matter and hides which module is the lower one.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "zeromq-only-in-transport",
      comment: "Only src/transport knows ZeroMQ (STYLE.md point 1); everything else talks to its contract.",
      severity: "error",
      from: { pathNot: "^src/transport/" },
      to: { path: "^node_modules/zeromq/" },
    },
    {
      name: "typescript-only-in-typescript",
      comment: "Only src/typescript knows tslab or the TypeScript compiler API (issue 15 point 4).",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/typescript/" },
      to: { path: "^node_modules/(typescript|tslab|@tslab/[^/]+)/" },
    },
    {
      name: "kernel-is-core",
      comment:
        "src/kernel is the core: requests, replies, status, history. It knows neither ZeroMQ nor TypeScript " +
        "and reaches the transport and the interpreter only through their contracts in src/protocol.",
      severity: "error",
      from: { path: "^src/kernel/" },
      to: {
        path: [
          folders(["transport", "runtime", "typescript", "concurrency", "interpreter"]),
          "^node_modules/(zeromq|typescript|tslab|@tslab/[^/]+)/",
        ],
      },
    },
    {
      name: "in-worker-code-stays-small",
      comment:
        "Worker entries (task workers, the compiler thread, the parent watch, the transport thread) " +
        "never load the kernel core, the interpreter, the client or the app, not even through another module.",
      severity: "error",
      from: { path: IN_WORKER },
      to: { path: folders(IN_WORKER_FORBIDDEN), reachable: true },
    },
    {
      name: "task-workers-know-no-transport",
      comment: "Task workers and the compiler thread run cells: they never load the ZeroMQ transport.",
      severity: "error",
      from: { path: IN_WORKER, pathNot: "^src/transport/" },
      to: { path: ["^src/transport/", "^node_modules/zeromq/"], reachable: true },
    },
    {
      name: "report-runs-nothing",
      comment:
        "src/concurrency/report is pure rendering of timing values: it imports the concurrency model, " +
        "shared helpers and the protocol, nothing that runs tasks.",
      severity: "error",
      from: { path: "^src/concurrency/report/" },
      to: { path: "^src/", pathNot: ["^src/concurrency/(report|model)/", folders(["shared", "protocol"])] },
    },
    {
      name: "concurrency-model-is-lowest",
      comment: "src/concurrency/model holds the values the other concurrency folders share; it imports none of them.",
      severity: "error",
      from: { path: "^src/concurrency/model/" },
      to: { path: "^src/concurrency/", pathNot: "^src/concurrency/model/" },
    },
    {
      name: "src-never-imports-tests",
      comment: "Test helpers do not ship (STYLE.md point 13).",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
    {
      name: "product-never-imports-bench",
      comment: "The benchmark measures the product; the product never needs it (STYLE.md point 13).",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^bench/" },
    },
    {
      name: "not-to-unresolvable",
      comment:
        "An import that does not resolve fails at run time. Scripts that load the built kernel (dist/) are exempt: lint runs before a build too.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true, pathNot: "(^|/)dist/" },
    },
  ],
  options: {
    // test/jupyterlab is a separate npm package (its own lockfile) with its own bundler.
    exclude: { path: "^(node_modules|dist|dist-bench|coverage|artifacts|test/jupyterlab)/" },
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: a type from a higher layer is a dependency on it all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
