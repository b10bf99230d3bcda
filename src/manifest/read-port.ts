/** `port:` in Convox's three forms (3000, "https:3000", {port, scheme}); also `health.port` and `liveness.port`. Pure. */
import type { ServicePort } from "./model.js";

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

const PORT_TEXT = /^(?:(https?):)?(\d+)$/;

export function readPort(port: unknown): ServicePort | undefined {
  const valid = (value: number) => Number.isInteger(value) && value >= 1 && value <= 65535;
  if (typeof port === "number") return valid(port) ? { port, scheme: "http" } : undefined;
  if (typeof port === "string") {
    const match = PORT_TEXT.exec(port);
    const number = Number(match?.[2]);
    return match && valid(number) ? { port: number, scheme: match[1] === "https" ? "https" : "http" } : undefined;
  }
  if (isRecord(port) && typeof port.port === "number" && valid(port.port)) {
    return { port: port.port, scheme: port.scheme === "https" ? "https" : "http" };
  }
  return undefined;
}
