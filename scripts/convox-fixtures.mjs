#!/usr/bin/env node
/**
 * Judges Convox's own manifest fixtures with racknet, as Convox's tests judge them.
 *
 *   npm run build && npm run convox-fixtures -- --convox PATH --rack PATH
 *   (or CONVOX_CONVOX_REPO=PATH CONVOX_RACK_REPO=PATH npm run convox-fixtures)
 *
 * PATH is a clone of github.com/convox/convox or github.com/convox/rack: a work tree, or a
 * bare git directory (its HEAD is read). Nothing of those repositories is kept here: the
 * verdicts below were read from their tests (pkg/manifest/*_test.go), and each names the
 * test it follows; a fixture this table does not know, or one the tests no longer name,
 * is reported as a disagreement so the table cannot go stale silently.
 *
 * A valid fixture agrees when `racknet manifest check` accepts it. An invalid one agrees
 * when racknet refuses it for the same reason: a problem at the key path Convox's error
 * is about. The exit code is 0 when every disagreement is one docs/manifest.md lists
 * ("Convox's fixtures"), 1 otherwise.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TESTDATA = "pkg/manifest/testdata";

/**
 * Each fixture's verdict in Convox's tests. `valid: false` carries `path`, a pattern the key
 * path of racknet's problem must match for the refusal to count as the same reason.
 * `expected` names a disagreement racknet keeps on purpose (listed in docs/manifest.md).
 */
const FIXTURES = {
  "convox/convox": {
    "auto-shutdown-full": { valid: true, test: "TestParseAutoShutdownManifest_FullSchema_Succeeds" },
    "auto-shutdown-minimal": { valid: true, test: "TestParseAutoShutdownManifest_MinimalSchema_Succeeds" },
    "auto-shutdown-protected": { valid: true, test: "TestParseAutoShutdownManifest_ProtectedSchema_Succeeds" },
    "auto-shutdown-invalid-rule1": { valid: false, path: /^budget(\.atCapWebhookUrl|\.atCapAction)?$/, test: "rule 1: auto-shutdown requires budget.atCapWebhookUrl" },
    "auto-shutdown-invalid-rule2": { valid: false, path: /^budget(\.monthlyCapUsd|\.atCapAction)?$/, test: "rule 2: auto-shutdown requires budget.monthlyCapUsd" },
    "auto-shutdown-invalid-rule4": { valid: false, path: /^budget\.notifyBeforeMinutes$/, test: "rule 4: notifyBeforeMinutes between 5 and 1440" },
    "auto-shutdown-invalid-rule5": { valid: false, path: /^budget\.shutdownGracePeriod$/, test: "rule 5: shutdownGracePeriod between 0s and 1h" },
    "auto-shutdown-invalid-rule6": { valid: false, path: /^budget\.shutdownGracePeriod$/, test: "rule 6: shutdownGracePeriod must be a Go duration" },
    "auto-shutdown-invalid-rule7": { valid: false, path: /^budget\.shutdownOrder$/, test: "rule 7: shutdownOrder must be one of" },
    "auto-shutdown-invalid-rule7a": { valid: false, path: /^budget\.shutdownOrder$/, test: "rule 7a: shutdownOrder priority-annotation reserved" },
    "auto-shutdown-invalid-rule8": { valid: false, path: /^budget\.recoveryMode$/, test: "rule 8: recoveryMode scheduled reserved" },
    "auto-shutdown-invalid-rule9": { valid: false, path: /^budget\.recoveryMode$/, test: "rule 9: recoveryMode must be one of" },
    "auto-shutdown-invalid-rule10": { valid: false, path: /^budget\.neverAutoShutdown/, test: "rule 10: all services in neverAutoShutdown" },
    "auto-shutdown-invalid-rule10a": { valid: false, path: /^(services|budget(\.atCapAction)?)$/, test: "rule 10a: auto-shutdown needs a service" },
    "autoscale-combined": { valid: true, test: "TestScaleMinMaxYaml_Combined", expected: "scale.gpu and autoscale.gpuUtilization need GPUs, which Fargate does not have" },
    "autoscale-gpu": { valid: true, test: "TestScaleMinMaxYaml_GpuUtilization", expected: "scale.gpu and autoscale.gpuUtilization need GPUs, which Fargate does not have" },
    "autoscale-min-zero": { valid: true, test: "TestScaleMinMaxYaml_MinZeroNoAutoscale" },
    "autoscale-queue": { valid: true, test: "TestScaleMinMaxYaml_QueueDepth" },
    env: { valid: true, test: "TestManifestEnvManipulation" },
    full: { valid: true, test: "TestManifestLoad (with FOO, SECRET, OTHERGLOBAL set)", expected: "gpu, agent and securityContext need GPUs, EC2 instances or Kubernetes; tls.redirect: false, wildcard domains, requests targets without a port and cpu 768 are refused on purpose (timeout: 3600 needs the rack's LoadBalancerIdleTimeout=3600 at deploy)" },
    "invalid.1": { valid: false, path: /^(|services)$/, test: "TestManifestLoadInvalid: not YAML" },
    "invalid.2": { valid: true, test: "TestManifestLoadInvalid: servicess: loads with no services", expected: "racknet refuses the unknown key servicess: (a typo of services:) instead of deploying nothing" },
    keda: { valid: true, test: "TestManifestKeda" },
    simple: { valid: true, test: "TestManifestLoadSimple (with REQUIRED set; racknet checks required names at deploy)" },
    "startup-probe": { valid: true, test: "TestManifestStartupProbe" },
    "startup-probe-gpu": { valid: true, test: "TestManifestStartupProbeGpu", expected: "scale.gpu needs GPUs, which Fargate does not have" },
    validate: { valid: false, path: /^services\.deployment-invalid-(low|high)\.deployment/, test: "TestManifestValidate" },
  },
  "convox/rack": {
    env: { valid: true, test: "TestManifestEnvManipulation" },
    full: { valid: true, test: "TestManifestLoad (with FOO, SECRET, OTHERGLOBAL set)", expected: "agent needs EC2 instances; deployment.maximum 65 (below ECS's 100), wildcard domains and requests targets without a port are refused on purpose" },
    "invalid-nlb-agent": { valid: false, path: /^services\.api\.(agent|nlb)/, test: "TestManifestLoadNLBAgentConflict" },
    "invalid-nlb-bad-proto": { valid: false, path: /^services\.api\.nlb\[0\]\.protocol$/, test: "TestManifestLoadNLBBadProtocolUDP" },
    "invalid-nlb-bad-scheme": { valid: false, path: /^services\.api\.nlb\[0\]\.scheme$/, test: "TestManifestLoadNLBBadScheme" },
    "invalid-nlb-bad-tcpudp": { valid: false, path: /^services\.api\.nlb\[0\]\.protocol$/, test: "TestManifestLoadNLBBadProtocolTCPUDP" },
    "invalid-nlb-conflicting-container-port": { valid: false, path: /^services\.api\.nlb\[1\]/, test: "TestManifestLoadNLBConflictingContainerPort" },
    "invalid-nlb-dup-port": { valid: false, path: /^services\.api\.nlb\[1\]\.port$/, test: "TestManifestLoadNLBDuplicatePort" },
    "invalid-nlb-port-too-high": { valid: false, path: /^services\.api\.nlb\[0\]\.port$/, test: "TestManifestLoadNLBPortTooHigh" },
    "invalid-nlb-port-zero": { valid: false, path: /^services\.api\.nlb\[0\]\.port$/, test: "TestManifestLoadNLBPortZero" },
    "invalid-nlb-tcp-with-cert": { valid: false, path: /^services\.api\.nlb\[0\]\.certificate$/, test: "TestManifestValidateNLBTCPWithCert" },
    "invalid-nlb-tls-bad-arn": { valid: false, path: /^services\.api\.nlb\[0\]\.certificate$/, test: "TestManifestValidateNLBTLSBadARN" },
    "invalid-nlb-tls-no-cert": { valid: false, path: /^services\.api\.nlb\[0\](\.protocol|\.certificate)?$/, test: "TestManifestValidateNLBTLSNoCert" },
    // Convox: the protocol's error, and not the certificate's.
    "invalid-nlb-tls-validator-order": { valid: false, path: /^services\.api\.nlb\[0\]\.protocol$/, notPath: /\.certificate$/, test: "TestManifestValidateNLBValidatorOrderingProtocolWinsOverCert" },
    "invalid.1": { valid: false, path: /^(|services)$/, test: "TestManifestLoadInvalid: not YAML" },
    "invalid.2": { valid: true, test: "TestManifestLoadInvalid: servicess: loads with no services", expected: "racknet refuses the unknown key servicess: (a typo of services:) instead of deploying nothing" },
    "invalid.3": { valid: false, path: /^resources/, test: "TestManifestValidation: resource type can not be blank" },
    "invalid.4": { valid: false, path: /^services\.web_with_underscore$/, test: "TestManifestServiceNameValidation" },
    "nlb-different-container-port": { valid: true, test: "TestManifestLoadNLBDifferentContainerPort" },
    "nlb-tls-iam": { valid: true, test: "TestManifestLoadNLBTLSWithIAMCert" },
    "nlb-tls-internal": { valid: true, test: "TestManifestLoadNLBTLSInternal" },
    "nlb-tls-mixed": { valid: true, test: "TestManifestLoadNLBMixedTLSAndTCP" },
    "nlb-tls": { valid: true, test: "TestManifestLoadNLBTLS" },
    nlb: { valid: true, test: "TestManifestLoadNLB" },
    simple: { valid: true, test: "TestManifestLoadSimple (with REQUIRED set; racknet checks required names at deploy)" },
  },
};

const { values } = parseArgs({ options: { convox: { type: "string" }, rack: { type: "string" }, json: { type: "boolean" } } });
const repos = { "convox/convox": values.convox ?? process.env.CONVOX_CONVOX_REPO, "convox/rack": values.rack ?? process.env.CONVOX_RACK_REPO };
const missing = Object.entries(repos).filter(([, path]) => !path);
if (missing.length > 0) {
  process.stderr.write(`name the clones: --convox PATH --rack PATH (or CONVOX_CONVOX_REPO, CONVOX_RACK_REPO); missing: ${missing.map(([name]) => name).join(", ")}\n`);
  process.exit(2);
}
const cli = join(root, "bin", "racknet");
if (!existsSync(join(root, "dist", "cli.js"))) {
  process.stderr.write("build racknet first: npm run build\n");
  process.exit(2);
}

/** The repository's files under `folder`: from its work tree, or from HEAD of a bare git directory. */
function reader(path) {
  if (existsSync(join(path, TESTDATA)) && statSync(join(path, TESTDATA)).isDirectory()) {
    return {
      list: (folder) => readdirSync(join(path, folder)).map((name) => `${folder}/${name}`),
      read: (file) => readFileSync(join(path, file), "utf8"),
    };
  }
  const git = (...args) => execFileSync("git", ["-C", path, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { list: (folder) => git("ls-tree", "--name-only", "HEAD", `${folder}/`).split("\n").filter(Boolean), read: (file) => git("show", `HEAD:${file}`) };
}

function check(file) {
  const run = spawnSync(process.execPath, [cli, "manifest", "check", "-f", file, "-a", "fixture", "--json"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  try {
    const verdict = JSON.parse(run.stdout);
    return { valid: verdict.valid === true && run.status === 0, problems: verdict.problems ?? verdict.error?.problems ?? [], error: verdict.error };
  } catch {
    return { valid: false, problems: [], error: { message: `no JSON verdict (exit ${run.status}): ${run.stderr.trim().split("\n")[0]}` } };
  }
}

const scratch = mkdtempSync(join(tmpdir(), "convox-fixtures-"));
const rows = [];
try {
  for (const [repo, path] of Object.entries(repos)) {
    const files = reader(path);
    const tests = files.list("pkg/manifest").filter((file) => file.endsWith("_test.go")).map((file) => files.read(file)).join("\n");
    const fixtures = files.list(TESTDATA).filter((file) => file.endsWith(".yml"));
    const table = FIXTURES[repo];
    for (const file of fixtures) {
      const name = file.slice(TESTDATA.length + 1, -".yml".length);
      const judged = table[name];
      const row = { repo, name, agrees: false };
      rows.push(row);
      if (!judged) {
        row.reason = "not in this script's table: read Convox's tests and add its verdict";
        continue;
      }
      if (!tests.includes(`"${name}"`) && !tests.includes(`${name}.yml`)) {
        row.reason = `Convox's tests no longer name ${name}: check its verdict`;
        continue;
      }
      const local = join(scratch, repo.replace("/", "-"));
      rmSync(local, { recursive: true, force: true });
      execFileSync("mkdir", ["-p", local]);
      const target = join(local, `${name}.yml`);
      writeFileSync(target, files.read(file));
      const verdict = check(target);
      row.expectedValid = judged.valid;
      row.racknetValid = verdict.valid;
      row.test = judged.test;
      const first = (list) => list.map((problem) => `${problem.path ?? ""}: ${problem.message}`)[0] ?? verdict.error?.message ?? "";
      if (judged.valid) {
        row.agrees = verdict.valid;
        if (!verdict.valid) row.reason = `Convox accepts it (${judged.test}); racknet refuses: ${first(verdict.problems)}`;
      } else if (verdict.valid) {
        row.reason = `Convox refuses it (${judged.test}); racknet accepts it`;
      } else {
        const same = verdict.problems.filter((problem) => judged.path.test(problem.path ?? ""));
        const wrong = judged.notPath ? verdict.problems.filter((problem) => judged.notPath.test(problem.path ?? "")) : [];
        row.agrees = same.length > 0 && wrong.length === 0;
        if (!row.agrees) row.reason = `both refuse, for another reason: Convox ${judged.test}; racknet ${first(wrong.length > 0 ? wrong : verdict.problems)}`;
      }
      if (!row.agrees && judged.expected) row.expected = judged.expected;
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const agree = rows.filter((row) => row.agrees).length;
const sameVerdict = rows.filter((row) => row.expectedValid !== undefined && row.expectedValid === row.racknetValid).length;
const unexpected = rows.filter((row) => !row.agrees && !row.expected);
if (values.json) {
  process.stdout.write(`${JSON.stringify({ fixtures: rows.length, agree, sameVerdict, disagreements: rows.filter((row) => !row.agrees) }, null, 2)}\n`);
} else {
  process.stdout.write(`racknet agrees with Convox's tests on ${agree} of ${rows.length} fixtures (same verdict on ${sameVerdict}; a refusal agrees only for the same reason)\n`);
  for (const row of rows.filter((candidate) => !candidate.agrees)) {
    process.stdout.write(`  ${row.expected ? "expected " : "DISAGREES"} ${row.repo} ${row.name}: ${row.expected ?? row.reason}\n`);
    if (row.expected) process.stdout.write(`            (${row.reason})\n`);
  }
}
process.exit(unexpected.length === 0 ? 0 : 1);
