import type { Service } from "../../src/manifest/model.js";

/** A service as the parser builds it with Convox's defaults; `fields` override. */
export function service(name: string, fields: Partial<Service> = {}): Service {
  return {
    name,
    image: `example/${name}:1`,
    internal: false,
    internalAndExternal: false,
    internalRouter: false,
    links: [],
    environment: [],
    environmentAll: false,
    scale: { min: 1, max: 1, cpu: 256, memory: 512, targets: {}, cooldown: { up: 60, down: 60 } },
    health: { path: "/", grace: 5, interval: 5, timeout: 4 },
    deployment: { minimum: 100, maximum: 200 },
    drain: 30,
    sticky: true,
    domains: [],
    whitelist: [],
    init: false,
    nlb: [],
    ...fields,
  };
}
