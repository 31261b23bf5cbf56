import { count, mib, ms, ratio } from "../../bench/format";
import { showsTwo, stdoutLines } from "../../bench/outputs";
import { parseStatus } from "../../bench/rss";
import { median, percentile } from "../../bench/stats";
import { Message } from "../../src/protocol/message";

function message(msgType: string, content: Record<string, unknown>): Message {
  const header = { msg_id: "m", session: "s", username: "u", date: "", msg_type: msgType, version: "5.3" };
  return { header, parent_header: {}, metadata: {}, content, buffers: [] };
}

describe("stats", () => {
  it("takes the middle sample, or the mean of the middle two", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("takes percentiles by nearest rank, so they are observed values", () => {
    const samples = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(samples, 95)).toBe(190);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([3, 1, 2], 100)).toBe(3);
  });
});

describe("format", () => {
  it("shows small times with a decimal and large ones grouped", () => {
    expect(ms(3.14159)).toBe("3.1 ms");
    expect(ms(6196.4)).toBe("6,196 ms");
    expect(ms(Number.NaN)).toBe("—");
    expect(count(20000)).toBe("20,000");
    expect(mib(2048)).toBe("2.0 MiB");
    expect(ratio(0.0912)).toBe("0.09×");
  });
});

describe("outputs", () => {
  it("counts newline-terminated stdout lines only", () => {
    expect(stdoutLines(message("stream", { name: "stdout", text: "line 1\nline 2\n" }))).toBe(2);
    expect(stdoutLines(message("stream", { name: "stderr", text: "x\n" }))).toBe(0);
    expect(stdoutLines(message("status", { execution_state: "idle" }))).toBe(0);
  });

  it("recognizes 2 as an execute_result and as printed text", () => {
    expect(showsTwo(message("execute_result", { data: { "text/plain": "2" } }))).toBe(true);
    expect(showsTwo(message("stream", { name: "stdout", text: "2\n" }))).toBe(true);
    expect(showsTwo(message("stream", { name: "stdout", text: "12\n" }))).toBe(false);
  });
});

describe("parseStatus", () => {
  it("reads resident memory and thread count from /proc/<pid>/status", () => {
    const text = "Name:\tnode\nVmPeak:\t 1200 kB\nVmRSS:\t  266000 kB\nThreads:\t15\n";
    expect(parseStatus(42, text)).toEqual({ pid: 42, rssKiB: 266000, threads: 15 });
  });

  it("names the missing field", () => {
    expect(() => parseStatus(42, "Name:\tnode\n")).toThrow("/proc/42/status has no VmRSS line");
  });
});
