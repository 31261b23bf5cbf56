/**
 * Just enough kernel, on the real compiled transport, to test launching one as a process: it
 * answers kernel_info_request, spins on execute_request until interrupted (as user code can),
 * and shuts down on request. With --ungated the transport raises SIGINT for every
 * interrupt_request; otherwise the stand-in runs cells behind an interrupt gate.
 * Usage: node stand-in-kernel.js [--ungated] <connection-file>
 */
const vm = require("vm");
const { startKernelTransport } = require("../../dist/transport/kernel-transport");
const { readConnectionFile } = require("../../dist/protocol/connection");
const gates = require("../../dist/shared/interrupt-gate");
const { answer } = require("../../dist/protocol/build");

const ungated = process.argv.includes("--ungated");
const connectionFile = process.argv[process.argv.length - 1];
const gate = ungated ? undefined : gates.createInterruptGate();
const identity = { session: "stand-in", username: "stand-in" };
let sigints = 0;
process.on("SIGINT", () => {
  sigints += 1;
});

// `started()` runs inside the script, so whoever sees its output knows the main thread is spinning.
const spin = gate
  ? `${gates.gateEntrySource("gate")} try { started(); while (true) {} } finally { ${gates.gateExitSource("gate")} }`
  : "started(); while (true) {}";

async function main() {
  const transport = await startKernelTransport(
    readConnectionFile(connectionFile),
    {
      onMessage(channel, request) {
        const type = request.message.header.msg_type;
        const emit = (msgType, content) =>
          transport.send("iopub", { identities: [], message: answer(identity, request, msgType, content).message });
        const reply = (content, metadata) =>
          transport.send(channel, answer(identity, request, type.replace(/_request$/, "_reply"), content, metadata));

        if (gate && type === "execute_request") gates.markBusy(gate);
        emit("status", { execution_state: "busy" });
        if (type === "execute_request") {
          const started = () => emit("stream", { name: "stdout", text: "spinning" });
          try {
            vm.runInNewContext(spin, { gate, Atomics, started }, { breakOnSigint: true });
          } catch (error) {
            // breakOnSigint suspends the process listener while the script runs, so count here.
            if (/SIGINT/.test(error.message)) sigints += 1;
            reply({ status: "error", ename: "Interrupted", evalue: error.message, traceback: [] });
          }
        } else if (type === "interrupt_request" && ungated) {
          // The signal and this message reach the main thread separately; answer once both have.
          const answerWhenSignalled = () =>
            sigints > 0 ? reply({ status: "ok" }, { sigints }) : setImmediate(answerWhenSignalled);
          answerWhenSignalled();
        } else if (type === "interrupt_request") {
          reply({ status: "ok" }, { sigints });
        } else if (type === "shutdown_request") {
          reply({ status: "ok", restart: false });
          emit("status", { execution_state: "idle" });
          transport.close().then(() => process.exit(0));
          return;
        } else {
          reply({ status: "ok", implementation: "stand-in" });
        }
        emit("status", { execution_state: "idle" });
        if (gate && type === "execute_request") gates.markIdle(gate);
      },
    },
    { interruptGate: gate },
  );
  process.stderr.write("stand-in kernel listening\n");
  return transport;
}

main().catch((error) => {
  process.stderr.write(`stand-in kernel failed: ${error.stack}\n`);
  process.exit(1);
});
