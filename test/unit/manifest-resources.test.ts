import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest, resolveEnvironment } from "../../src/manifest/index.js";
import { resourcesOf } from "../../src/manifest/model.js";

/** `resources:` (issue 29): Convox's types and options, the links, and what is refused before any AWS call. */

const convoxFixture = (repo: "rack" | "convox") =>
  // The resources block and the linking service of convox/<repo>'s pkg/manifest/testdata/full.yml (its other keys are covered elsewhere).
  `${repo === "rack" ? "params:\n  Foo: bar\n" : ""}resources:\n  database:\n    type: postgres\n    options:\n      size: db.t2.large\nservices:\n  api:\n    image: example/api:1\n    resources:\n      - database\n`;

function parse(text: string) {
  return parseManifest(text, "convox.yml");
}

describe("resources: in convox.yml", () => {
  it("Convox's full.yml resources (postgres with size:) are read, linked to the service that lists them", () => {
    for (const repo of ["rack", "convox"] as const) {
      const { manifest, problems } = parse(convoxFixture(repo));
      expect(problems.filter((problem) => problem.path?.startsWith("resources") || problem.path?.includes(".resources"))).toEqual([]);
      expect(manifest ? resourcesOf(manifest) : []).toEqual([
        expect.objectContaining({ name: "database", type: "postgres", engine: "postgres", version: "17.9", class: "db.t2.large", storage: 20, services: ["api"] }),
      ]);
    }
  });

  it("v3's managed spellings name the same engines, and options written as Convox's strings are read", () => {
    const { manifest, problems } = parse(
      "services:\n  web:\n    image: nginx:1.27\n    resources: [db, cache]\nresources:\n  db:\n    type: rds-mysql\n    options:\n      version: 8.4\n      storage: \"100\"\n      durable: \"true\"\n  cache:\n    type: elasticache-redis\n    options:\n      durable: true\n",
    );
    expect(problems).toEqual([]);
    const [db, cache] = manifest ? resourcesOf(manifest) : [];
    expect(db).toMatchObject({ engine: "mysql", version: "8.4.9", storage: 100, durable: true });
    expect(cache).toMatchObject({ engine: "redis", durable: true, nodes: 2, class: "cache.t4g.micro" });
  });

  it("a version AWS does not offer is refused at its line, with the versions that are", () => {
    const { problems } = parse('services:\n  web:\n    image: nginx:1.27\n    resources: [db]\nresources:\n  db:\n    type: postgres\n    options:\n      version: "11"\n');
    expect(problems).toEqual([expect.objectContaining({ where: "convox.yml:9:7", path: "resources.db.options.version", fix: expect.stringContaining("14, 15, 16, 17, 18") })]);
  });

  it("MySQL 8.0, out of standard support, is refused with the line AWS offers", () => {
    const { problems } = parse("services:\n  web:\n    image: nginx:1.27\n    resources: [db]\nresources:\n  db:\n    type: mysql\n    options:\n      version: 8.0\n");
    expect(problems).toEqual([expect.objectContaining({ path: "resources.db.options.version", fix: expect.stringContaining("write one of 8.4") })]);
  });

  it("encrypted: false is refused, never ignored", () => {
    const { problems } = parse("services:\n  web:\n    image: nginx:1.27\n    resources: [db]\nresources:\n  db:\n    type: postgres\n    options:\n      encrypted: false\n");
    expect(problems.map((problem) => problem.path)).toEqual(["resources.db.options.encrypted"]);
  });

  it("a service listing a resource that does not exist gets the closest name", () => {
    const { problems } = parse("services:\n  web:\n    image: nginx:1.27\n    resources: [databse]\nresources:\n  database:\n    type: postgres\n");
    expect(problems).toEqual([expect.objectContaining({ where: "convox.yml:4:17", path: "services.web.resources[0]", fix: "write database instead of databse" })]);
  });

  it("an unknown type suggests the closest one; a Convox type racknet does not make says why", () => {
    const { problems } = parse("services:\n  web:\n    image: nginx:1.27\nresources:\n  a:\n    type: postgress\n  b:\n    type: s3\n");
    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      ["resources.a.type", expect.stringContaining('did you mean "postgres"?')],
      ["resources.b.type", expect.stringContaining("does not make S3 buckets")],
    ]);
  });

  it("DB_URL set twice (a link to a service named db, or environment:) is refused", () => {
    const { problems } = parse(
      "services:\n  web:\n    image: nginx:1.27\n    links: [db]\n    resources: [db]\n  db:\n    image: postgres:16\n    port: 5432\nresources:\n  db:\n    type: postgres\n",
    );
    expect(problems.map((problem) => problem.message)).toEqual([expect.stringContaining("each would set DB_URL")]);
  });

  it("${DB_URL} in a string command is the resource's variable, not an unknown one", () => {
    const { problems } = parse('services:\n  web:\n    image: nginx:1.27\n    command: "bin/web ${DB_URL}"\n    resources: [db]\nresources:\n  db:\n    type: postgres\n');
    expect(problems).toEqual([]);
  });

  it("environment: * with DB_URL in the app environment would give the container DB_URL twice: refused", () => {
    const { manifest } = parse('services:\n  web:\n    image: nginx:1.27\n    environment: ["*"]\n    resources: [db]\nresources:\n  db:\n    type: postgres\n');
    if (!manifest) throw new Error("should parse");
    const { problems } = resolveEnvironment(manifest, { rack: "prod", app: "shop", stored: { DB_URL: "postgres://elsewhere" } });
    expect(problems.map((problem) => problem.message)).toEqual([expect.stringContaining("its link to db")]);
  });
});

describe("test/fixtures/manifests/good/resources.yml", () => {
  it("every engine, with the services that list each", () => {
    const text = readFileSync(join(import.meta.dirname, "../fixtures/manifests/good/resources.yml"), "utf8");
    const { manifest } = parse(text);
    expect(manifest ? resourcesOf(manifest).map((resource) => [resource.name, resource.engine, resource.services]) : []).toEqual([
      ["database", "postgres", ["web", "worker"]],
      ["cache", "redis", ["web"]],
      ["sessions", "memcached", ["worker"]],
      ["queue-db", "mysql", ["worker"]],
      ["maria", "mariadb", ["worker"]],
    ]);
  });
});
