import { describe, expect, it } from "vitest";
import {
  MAX_VALUES_PER_RECORD,
  planPrivateNetworkRecords,
  type PrivateNetworkTask,
  type RecordChange,
  type ZoneRecord,
} from "../../src/privnet/records.js";
import { MAX_RECORDS_PER_REQUEST, MAX_VALUE_CHARACTERS_PER_REQUEST, changeCost } from "../../src/privnet/changes.js";

const zone = "pn-1b2c3d4e-0000-4000-8000-00000000abcd.private-network.internal";
const shop = "ap-9f8e7d6c-1111-4111-8111-0000000000ef";
const blog = "ap-0a0b0c0d-2222-4222-8222-000000000123";

let clock = 0;
function task(service: string, id: string, ip: string, extra: Partial<PrivateNetworkTask> = {}): PrivateNetworkTask {
  clock += 1;
  return { appId: shop, service, taskId: id, privateIp: ip, lastStatus: "RUNNING", desiredStatus: "RUNNING", startedAt: new Date(1_700_000_000_000 + clock * 1000), ...extra };
}

/** What Route 53 does with a batch: DELETE must match exactly, CREATE must not exist. */
function apply(records: ZoneRecord[], changes: RecordChange[]): ZoneRecord[] {
  const zoneNow = new Map(records.map((record) => [`${record.type} ${record.name}`, record]));
  for (const { action, record } of changes) {
    const key = `${record.type} ${record.name}`;
    if (action === "DELETE") {
      expect(zoneNow.get(key)).toEqual(record);
      zoneNow.delete(key);
    } else {
      if (action === "CREATE") expect(zoneNow.has(key)).toBe(false);
      zoneNow.set(key, record);
    }
  }
  return [...zoneNow.values()];
}

/** Plan, apply, and check that planning again changes nothing. */
function converge(tasks: PrivateNetworkTask[], records: ZoneRecord[] = [], appIds?: string[]) {
  const plan = planPrivateNetworkRecords({ zoneName: zone, tasks, records, appIds });
  const after = apply(records, plan.batches.flat());
  expect(planPrivateNetworkRecords({ zoneName: zone, tasks, records: after, appIds }).changes).toEqual([]);
  return { plan, records: after };
}

const a = (records: ZoneRecord[], name: string) => records.find((record) => record.type === "A" && record.name === name)?.values;
const txt = (records: ZoneRecord[], name: string) => records.find((record) => record.type === "TXT" && record.name === name)?.values;
const backend = (index?: number) => `${index ? `${index}.` : ""}backend.${shop}.${zone}.`;

describe("private network records (SPEC section 5)", () => {
  it("a first deploy: the service name holds every container, N. names one each, TTL 5", () => {
    const { plan, records } = converge([task("backend", "t1", "10.0.1.1"), task("backend", "t2", "10.0.1.2")]);
    expect(a(records, backend())).toEqual(["10.0.1.1", "10.0.1.2"]);
    expect(a(records, backend(1))).toEqual(["10.0.1.1"]);
    expect(a(records, backend(2))).toEqual(["10.0.1.2"]);
    expect(txt(records, backend(1))).toEqual(['"task=t1"']);
    expect(records.every((record) => record.ttl === 5)).toBe(true);
    expect(plan.names.map((name) => name.domainName)).toEqual([backend(), backend(1), backend(2)]);
    expect(plan.problems).toEqual([]);
  });

  it("scale up: running containers keep their numbers, the new one takes the next", () => {
    const t1 = task("backend", "t1", "10.0.1.1");
    const t2 = task("backend", "t2", "10.0.1.2");
    const before = converge([t1, t2]).records;
    const { records } = converge([t1, t2, task("backend", "t3", "10.0.1.3")], before);
    expect(a(records, backend(1))).toEqual(["10.0.1.1"]);
    expect(a(records, backend(3))).toEqual(["10.0.1.3"]);
    expect(a(records, backend())).toEqual(["10.0.1.1", "10.0.1.2", "10.0.1.3"]);
  });

  it("scale down: the stopped container's names are deleted, the others keep theirs", () => {
    const tasks = [task("backend", "t1", "10.0.1.1"), task("backend", "t2", "10.0.1.2"), task("backend", "t3", "10.0.1.3")];
    const before = converge(tasks).records;
    const { plan, records } = converge([tasks[0]!, tasks[2]!], before);
    expect(a(records, backend(2))).toBeUndefined();
    expect(txt(records, backend(2))).toBeUndefined();
    expect(a(records, backend(3))).toEqual(["10.0.1.3"]);
    expect(a(records, backend())).toEqual(["10.0.1.1", "10.0.1.3"]);
    expect(plan.changes.filter((change) => change.action === "DELETE").map((change) => change.record.name)).toContain(backend(2));
  });

  it("a replaced container takes the freed number (the lowest free one)", () => {
    const tasks = [task("backend", "t1", "10.0.1.1"), task("backend", "t2", "10.0.1.2"), task("backend", "t3", "10.0.1.3")];
    const before = converge(tasks).records;
    const { records } = converge([tasks[0]!, tasks[2]!, task("backend", "t4", "10.0.1.4")], before);
    expect(txt(records, backend(2))).toEqual(['"task=t4"']);
    expect(a(records, backend(2))).toEqual(["10.0.1.4"]);
    expect(a(records, backend(3))).toEqual(["10.0.1.3"]);
  });

  it("a container that dies (stopping, or stopped) leaves at once", () => {
    const t1 = task("backend", "t1", "10.0.1.1");
    const t2 = task("backend", "t2", "10.0.1.2");
    const before = converge([t1, t2]).records;
    const { records } = converge([t1, { ...t2, lastStatus: "DEACTIVATING", desiredStatus: "STOPPED" }], before);
    expect(a(records, backend())).toEqual(["10.0.1.1"]);
    expect(a(records, backend(2))).toBeUndefined();
    expect(converge([{ ...t1, lastStatus: "STOPPED" }], records).records).toEqual([]);
  });

  it("a container not yet running (PENDING, no IP) gets no name yet", () => {
    const { records } = converge([task("backend", "t1", "10.0.1.1"), task("backend", "t2", "", { privateIp: undefined, lastStatus: "PENDING" })]);
    expect(a(records, backend())).toEqual(["10.0.1.1"]);
  });

  it("two services of one app and two apps are numbered apart", () => {
    const { records } = converge([
      task("backend", "b1", "10.0.1.1"),
      task("worker", "w1", "10.0.2.1"),
      task("backend", "x1", "10.0.3.1", { appId: blog }),
    ]);
    expect(a(records, backend(1))).toEqual(["10.0.1.1"]);
    expect(a(records, `1.worker.${shop}.${zone}.`)).toEqual(["10.0.2.1"]);
    expect(a(records, `1.backend.${blog}.${zone}.`)).toEqual(["10.0.3.1"]);
  });

  it("the app name points at the web containers; an app without web has none", () => {
    const { plan, records } = converge([task("web", "w1", "10.0.4.1"), task("web", "w2", "10.0.4.2"), task("backend", "b1", "10.0.1.1")]);
    expect(a(records, `${shop}.${zone}.`)).toEqual(["10.0.4.1", "10.0.4.2"]);
    expect(plan.names[0]).toMatchObject({ kind: "app", service: "web", domainName: `${shop}.${zone}.` });
    const noWeb = converge([task("backend", "b1", "10.0.1.1")]).records;
    expect(a(noWeb, `${shop}.${zone}.`)).toBeUndefined();
  });

  it("indexes survive without their TXT record when the A record's IP names one container", () => {
    const t1 = task("backend", "t1", "10.0.1.1");
    const t2 = task("backend", "t2", "10.0.1.2");
    const handWritten: ZoneRecord[] = [{ name: backend(1), type: "A", ttl: 5, values: ["10.0.1.2"] }];
    const { records } = converge([t1, t2], handWritten);
    expect(txt(records, backend(1))).toEqual(['"task=t2"']);
    expect(a(records, backend(2))).toEqual(["10.0.1.1"]);
  });

  it("a scoped run (the CLI after one app's deploy) leaves other apps' records alone", () => {
    const other: ZoneRecord = { name: `backend.${blog}.${zone}.`, type: "A", ttl: 5, values: ["10.9.9.9"] };
    const soa: ZoneRecord = { name: `${zone}.`, type: "SOA", ttl: 900, values: ["ns. admin. 1 7200 900 1209600 86400"] };
    const { plan } = converge([task("backend", "t1", "10.0.1.1")], [other, soa], [shop]);
    expect(plan.changes.map((change) => change.record.name)).not.toContain(other.name);
    const unscoped = planPrivateNetworkRecords({ zoneName: zone, tasks: [], records: [other, soa] });
    expect(unscoped.changes).toEqual([{ action: "DELETE", record: other }]);
  });

  it("names over DNS limits are skipped with a problem, the rest are kept", () => {
    const long = `s${"x".repeat(63)}`; // 64 characters: one over the label limit
    const { plan } = converge([task(long, "t1", "10.0.1.1"), task("backend", "t2", "10.0.1.2")]);
    expect(plan.problems.some((problem) => problem.includes("limited to"))).toBe(true);
    expect(plan.names.map((name) => name.service)).toEqual(["backend", "backend"]);
  });

  it("tasks tagged with names that cannot be DNS names are reported, not published", () => {
    const { plan, records } = converge([task("Backend", "t1", "10.0.1.1"), task("backend", "t2", "10.0.1.2", { appId: "shop" })]);
    expect(records).toEqual([]);
    expect(plan.problems).toHaveLength(2);
  });

  it(`a shared name holds at most ${MAX_VALUES_PER_RECORD} values; batches stay within Route 53's request limits`, () => {
    const tasks = Array.from({ length: 700 }, (_, i) => task(i < 150 ? "web" : `svc${i % 5}`, `t${i}`, `10.1.${Math.floor(i / 250)}.${i % 250}`));
    const { plan, records } = converge(tasks);
    expect(a(records, `web.${shop}.${zone}.`)).toHaveLength(MAX_VALUES_PER_RECORD);
    expect(a(records, `150.web.${shop}.${zone}.`)).toHaveLength(1);
    expect(plan.problems.some((problem) => problem.includes("first 100"))).toBe(true);
    expect(plan.batches.length).toBeGreaterThan(1);
    for (const batch of plan.batches) {
      const cost = batch.map(changeCost).reduce((sum, one) => ({ records: sum.records + one.records, characters: sum.characters + one.characters }));
      expect(cost.records).toBeLessThanOrEqual(MAX_RECORDS_PER_REQUEST);
      expect(cost.characters).toBeLessThanOrEqual(MAX_VALUE_CHARACTERS_PER_REQUEST);
    }
  });

  it("a changed record is replaced by DELETE of its exact old values then CREATE, in one batch", () => {
    const t1 = task("backend", "t1", "10.0.1.1");
    const before = converge([t1]).records;
    const { plan } = converge([t1, task("backend", "t2", "10.0.1.2")], before);
    const service = plan.changes.filter((change) => change.record.name === backend() && change.record.type === "A");
    expect(service.map((change) => change.action)).toEqual(["DELETE", "CREATE"]);
    expect(plan.batches.filter((batch) => batch.some((change) => change.record.name === backend()))).toHaveLength(1);
  });

  it("idempotence: planning the zone it produced gives no changes (also for record names in any case)", () => {
    const tasks = [task("web", "w1", "10.0.4.1"), task("backend", "b1", "10.0.1.1")];
    const { records } = converge(tasks);
    const shouted = records.map((record) => ({ ...record, name: record.name.toUpperCase() }));
    expect(planPrivateNetworkRecords({ zoneName: zone, tasks, records: shouted }).changes).toEqual([]);
  });
});
