/** Every command, in the order `racknet --help` lists them. */
import apps from "./apps.js";
import build from "./build.js";
import certs from "./certs.js";
import appsDelete from "./apps-delete.js";
import appsInfo from "./apps-info.js";
import appsWait from "./apps-wait.js";
import appsCancel from "./apps-cancel.js";
import appsParams from "./apps-params.js";
import appsParamsSet from "./apps-params-set.js";
import { completionCommand } from "./completion.js";
import deploy from "./deploy.js";
import env from "./env.js";
import envGet from "./env-get.js";
import envSet from "./env-set.js";
import envUnset from "./env-unset.js";
import type { CommandDeclaration } from "./define.js";
import logs from "./logs.js";
import manifestCheck from "./manifest-check.js";
import privateNetworksDomainNames from "./private-networks-domain-names.js";
import ps from "./ps.js";
import rackCa from "./rack-ca.js";
import rackDrift from "./rack-drift.js";
import rackInstall from "./rack-install.js";
import rackParams from "./rack-params.js";
import rackParamsSet from "./rack-params-set.js";
import rackPeer from "./rack-peer.js";
import rackUnpeer from "./rack-unpeer.js";
import rackPeers from "./rack-peers.js";
import rackShow from "./rack-show.js";
import rackTemplate from "./rack-template.js";
import rackUninstall from "./rack-uninstall.js";
import rackWait from "./rack-wait.js";
import rackUpdate from "./rack-update.js";
import racks from "./racks.js";
import releases from "./releases.js";
import releasesInfo from "./releases-info.js";
import releasesRollback from "./releases-rollback.js";
import resources from "./resources.js";
import resourcesInfo from "./resources-info.js";
import scale from "./scale.js";
import run from "./run.js";
import exec from "./exec.js";
import services from "./services.js";

export const COMMANDS: readonly CommandDeclaration[] = [
  rackShow,
  rackInstall,
  rackParams,
  rackParamsSet,
  rackUpdate,
  rackTemplate,
  rackCa,
  certs,
  rackDrift,
  rackUninstall,
  rackWait,
  rackPeer,
  rackUnpeer,
  rackPeers,
  racks,
  deploy,
  build,
  env,
  envSet,
  envUnset,
  envGet,
  services,
  resources,
  resourcesInfo,
  apps,
  appsInfo,
  appsDelete,
  appsWait,
  appsCancel,
  appsParams,
  appsParamsSet,
  releases,
  releasesInfo,
  releasesRollback,
  scale,
  run,
  exec,
  logs,
  ps,
  privateNetworksDomainNames,
  manifestCheck,
  completionCommand(() => COMMANDS),
];

/** Commands that only hold subcommands: without one they print their help. */
export const GROUPS: Readonly<Record<string, string>> = { manifest: "convox.yml tools: check" };
