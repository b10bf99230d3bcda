/**
 * A service's `liveness` and `startupProbe` as an ECS container health check. ECS runs a
 * check inside a container, and the service's image may have neither curl nor wget, so the
 * check runs in a small sidecar (busybox, from ECR Public) that shares the task's network
 * namespace (awsvpc: one network for every container of the task) and probes 127.0.0.1.
 * The sidecar is essential, so when its check turns UNHEALTHY the task is unhealthy and the
 * ECS service replaces it (ECS API Reference, HealthCheck: "if the task reports as unhealthy
 * then the task will be stopped and the service scheduler will replace it").
 *
 * ECS counts failures itself (Retries, 1–10) but has one check and no startup phase, so the
 * check script keeps Kubernetes' semantics in the sidecar's /tmp: the startup check until it
 * first succeeds (a failure only once its budget, grace + interval × failureThreshold, is
 * spent), then the liveness check after its grace, failing after failureThreshold failures in
 * a row. ECS marks the container unhealthy at the script's first failure (Retries 1). Pure.
 */
import type { ProbeCheck, Service, ServiceProbe } from "../manifest/model.js";
import type { Json } from "./cfn.js";

/** Docker's official busybox on ECR Public (wget, nc, date and sh), pulled like the service's image. */
export const PROBE_IMAGE = "public.ecr.aws/docker/library/busybox:1.37";
/** ECS's limits on a container health check (ECS API Reference, HealthCheck): interval 5–300, timeout 2–60. */
export const ECS_HEALTH_TIMEOUT_MAX = 60;
const STATE = "/tmp/racknet-probe";

export function probeContainerName(service: Service): string {
  return `${service.name}-probe`;
}

/** `'text'` for sh, whatever the text holds (a path is the user's). */
function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function command(check: ProbeCheck, timeout: number): string {
  if ("tcpPort" in check) return `nc -z -w ${timeout} 127.0.0.1 ${check.tcpPort}`;
  return `wget -q -O /dev/null -T ${timeout} ${quoted(`http://127.0.0.1:${check.port}${check.path}`)}`;
}

/** The check script (sh): 0 healthy, 1 unhealthy. */
export function probeScript(probe: ServiceProbe): string {
  const lines = [`age=$(( $(date +%s) - $(cat ${STATE}/start) ))`];
  if (probe.startup) {
    const { check, timeout, budget } = probe.startup;
    lines.push(`if [ ! -f ${STATE}/started ]; then if ${command(check, timeout)}; then touch ${STATE}/started; exit 0; fi; [ $age -lt ${budget} ] && exit 0; exit 1; fi`);
  }
  if (!probe.liveness) return [...lines, "exit 0"].join("; ");
  const { check, timeout, grace, failureThreshold } = probe.liveness;
  return [
    ...lines,
    `[ $age -lt ${grace} ] && exit 0`,
    `if ${command(check, timeout)}; then echo 0 > ${STATE}/failures; exit 0; fi`,
    `n=$(( $(cat ${STATE}/failures 2>/dev/null || echo 0) + 1 ))`,
    `echo $n > ${STATE}/failures`,
    `[ $n -lt ${failureThreshold} ] && exit 0`,
    "exit 1",
  ].join("; ");
}

/** The sidecar's container definition, or none when the service has no probe. */
export function probeContainer(service: Service): Json[] {
  const probe = service.probe;
  if (!probe) return [];
  const timeouts = [probe.liveness?.timeout ?? 0, probe.startup?.timeout ?? 0];
  return [
    {
      Name: probeContainerName(service),
      Image: PROBE_IMAGE,
      Essential: true,
      // Records when the task started (the probes' grace and budget count from it), then waits; exits on SIGTERM.
      Command: ["sh", "-c", `mkdir -p ${STATE} && date +%s > ${STATE}/start && trap 'exit 0' TERM && while true; do sleep 3600 & wait $!; done`],
      HealthCheck: {
        Command: ["CMD-SHELL", probeScript(probe)],
        Interval: probe.interval,
        // The script runs one request at most; ECS's own timeout leaves it a second more.
        Timeout: Math.min(ECS_HEALTH_TIMEOUT_MAX, Math.max(2, ...timeouts) + 1),
        Retries: 1,
      },
    },
  ];
}
