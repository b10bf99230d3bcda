/**
 * The CPU and memory sizes Fargate runs (CPU units: 1024 = one vCPU; memory in MiB).
 * A size outside these fails in CloudFormation minutes into a deploy; the manifest rules
 * catch it before.
 */

const MEMORY_BY_CPU: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

export const FARGATE_CPUS: readonly number[] = [...MEMORY_BY_CPU.keys()];

export const DEFAULT_CPU = 256;
export const DEFAULT_MEMORY = 512;

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

/** The memory sizes Fargate allows with this CPU, or none when the CPU is not a Fargate size. */
export function memoryChoices(cpu: number): readonly number[] {
  return MEMORY_BY_CPU.get(cpu) ?? [];
}

/** Convox's default memory (512) when it fits the CPU, else the smallest that does. */
export function defaultMemory(cpu: number): number {
  const choices = memoryChoices(cpu);
  return choices.includes(DEFAULT_MEMORY) || choices.length === 0 ? DEFAULT_MEMORY : (choices[0] ?? DEFAULT_MEMORY);
}

/** `1024–8192 in steps of 1024` */
export function describeMemoryChoices(cpu: number): string {
  const choices = memoryChoices(cpu);
  const first = choices[0];
  const last = choices.at(-1);
  if (first === undefined || last === undefined) return "";
  if (choices.length <= 3) return choices.join(", ");
  return `${first}–${last} in steps of ${(choices[1] ?? first) - first}`;
}
