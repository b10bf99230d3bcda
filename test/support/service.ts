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
    count: 1,
    cpu: 256,
    memory: 512,
    healthPath: "/",
    ...fields,
  };
}
