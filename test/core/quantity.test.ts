import { describe, expect, it } from "vitest";
import {
  QuantityError,
  formatBytes,
  formatCpu,
  parseBytes,
  parseCpuMillicores,
  toMebibytes,
} from "../../core/quantity.ts";

describe("quantities", () => {
  it("parses CPU into millicores", () => {
    expect(parseCpuMillicores("250m")).toBe(250);
    expect(parseCpuMillicores("2")).toBe(2000);
    expect(parseCpuMillicores("1.5")).toBe(1500);
  });

  it("refuses CPU that is not a whole number of millicores or carries a size unit", () => {
    expect(() => parseCpuMillicores("0.0005")).toThrow(QuantityError);
    expect(() => parseCpuMillicores("2Gi")).toThrow(/only the "m" suffix/);
    expect(() => parseCpuMillicores("two")).toThrow(/not a CPU quantity/);
  });

  it("parses sizes into bytes, binary and decimal", () => {
    expect(parseBytes("512Mi")).toBe(512 * 2 ** 20);
    expect(parseBytes("1Ti")).toBe(2 ** 40);
    expect(parseBytes("1G")).toBe(1e9);
    expect(parseBytes("1.5Gi")).toBe(1.5 * 2 ** 30);
  });

  it("compares sizes as numbers, not text", () => {
    expect(parseBytes("800Gi")).toBeLessThan(parseBytes("1Ti"));
    expect("800Gi" > "1Ti").toBe(true); // the bug the numbers avoid
  });

  it("refuses sizes without a known unit", () => {
    expect(() => parseBytes("800GB")).toThrow(/not a size/);
    expect(() => parseBytes("100m")).toThrow(/makes no sense for bytes/);
  });

  it("renders the largest exact unit", () => {
    expect(formatBytes(parseBytes("1536Mi"))).toBe("1536Mi");
    expect(formatBytes(parseBytes("2048Mi"))).toBe("2Gi");
    expect(formatBytes(parseBytes("4Ti"))).toBe("4Ti");
    expect(formatBytes(1000)).toBe("1000");
    expect(formatCpu(2000)).toBe("2");
    expect(formatCpu(1500)).toBe("1500m");
    expect(toMebibytes(parseBytes("3Gi"))).toBe(3072);
  });
});
