import { appName, type Context } from "../core/context.js";
import { listServices } from "../operations/services.js";

export async function run(context: Context): Promise<void> {
  const rows = await listServices(context, appName(context.options));
  context.printer.result(rows, () =>
    context.printer.table(
      [
        { header: "SERVICE", key: "service" },
        { header: "VISIBILITY", key: "visibility" },
        { header: "DOMAIN", key: "domain" },
        { header: "PORTS", key: "ports" },
      ],
      rows.map((row) => ({
        service: row.service,
        visibility: row.visibility,
        domain: row.endpoints.map((endpoint) => endpoint.url.replace(/^https:\/\//, "")).join(" "),
        ports: row.ports.map((port) => `${port.listener}:${port.container}`).join(" "),
      })),
    ),
  );
}
