/**
 * Set-ups of the build workflow tests: an app folder of `build:` services with a Dockerfile
 * and a .dockerignore, what the in-memory AWS holds after a deploy (the uploaded zip's entry
 * names, each task definition's image), and the image a CreateChangeSet named.
 */
import { join } from "node:path";
import yauzl from "yauzl";
import { appFolder } from "../unit/build-fixture.js";
import type { AwsCall, AwsHarness } from "../support/aws-harness.js";

export const DOCKERFILE = "FROM node:22-alpine\nARG MODE\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"server.js\"]\n";

export const TWO_SERVICES = `services:
  web:
    build: .
    port: 3000
  worker:
    build:
      path: .
    command: node worker.js
`;

/** An app folder whose convox.yml is `manifest`; returns the manifest's path. */
export function buildApp(manifest: string, files: Record<string, string> = {}): string {
  const root = appFolder({
    "convox.yml": manifest,
    Dockerfile: DOCKERFILE,
    ".dockerignore": "node_modules\n*.log\nsecrets/\n!keep.log\n",
    "server.js": "require('http').createServer((q, s) => s.end('ok')).listen(3000)\n",
    "worker.js": "setInterval(() => {}, 1000)\n",
    "debug.log": "not sent\n",
    "keep.log": "sent: an exception to *.log\n",
    "node_modules/left/index.js": "not sent\n",
    "secrets/key.pem": "not sent\n",
    "lib/util.js": "module.exports = {}\n",
    ...files,
  });
  return join(root, "convox.yml");
}

/** The names of the entries of a zip, in its order. */
export function zipEntries(bytes: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("no zip"));
      const names: string[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on("end", () => resolve(names));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

/** Each service's image, as the app stack's task definitions hold it. */
export function taskImages(h: AwsHarness, stackName: string): Record<string, string> {
  const resources = h.cloudFormation.stack(stackName)?.resources ?? {};
  const images: Record<string, string> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== "AWS::ECS::TaskDefinition" || !id.endsWith("TaskDefinition")) continue;
    const containers = resource.Properties?.ContainerDefinitions as { Image?: string }[] | undefined;
    images[id.replace(/TaskDefinition$/, "")] = containers?.[0]?.Image ?? "";
  }
  return images;
}

/** The images a CreateChangeSet's template named, by task definition. */
export function changeSetImages(calls: readonly AwsCall[]): Record<string, string> {
  const create = calls.find((call) => call.operation === "CloudFormation.CreateChangeSet");
  const body = JSON.parse(String(create?.input.TemplateBody ?? "{}")) as { Resources?: Record<string, { Type: string; Properties?: { ContainerDefinitions?: { Image?: unknown }[] } }> };
  const images: Record<string, string> = {};
  for (const [id, resource] of Object.entries(body.Resources ?? {})) {
    if (resource.Type === "AWS::ECS::TaskDefinition") images[id.replace(/TaskDefinition$/, "")] = String(resource.Properties?.ContainerDefinitions?.[0]?.Image);
  }
  return images;
}

export const operations = (calls: readonly AwsCall[]) => calls.map((call) => call.operation);
