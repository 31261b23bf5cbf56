import { Replies } from "../protocol/content";
import { PROTOCOL_VERSION } from "../protocol/message";
import { Interpreter } from "../protocol/interpreter-contract";
import { kernelVersion } from "../shared/versions";
import { ok } from "./replies";

export function kernelInfo(interpreter: Interpreter): Replies["kernel_info_reply"] {
  return ok({
    protocol_version: PROTOCOL_VERSION,
    implementation: "ts-concurrency-kernel",
    implementation_version: kernelVersion(),
    language_info: { ...interpreter.language },
    banner: interpreter.banner,
    help_links: [
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js worker_threads", url: "https://nodejs.org/api/worker_threads.html" },
      { text: "Node.js child_process", url: "https://nodejs.org/api/child_process.html" },
    ],
    debugger: false,
  });
}
