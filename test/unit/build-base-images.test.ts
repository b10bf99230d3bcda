import { describe, expect, it } from "vitest";
import { rewriteBaseImages } from "../../src/images/base-images.js";

/** Docker Hub official base images pulled through the rack's cache of ECR Public (issue 20, item 3). */
const CACHE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod_pub";

describe("base images through the rack's cache of ECR Public", () => {
  it("rewrites Docker Hub official images, with tags, digests, --platform and AS, keeping the rest of the line", () => {
    const dockerfile = [
      "# syntax comment FROM node:1",
      "FROM --platform=linux/amd64 node:22-alpine AS build",
      "RUN npm ci",
      "from library/nginx@sha256:0123abcd as web",
      "FROM python",
    ].join("\n");
    const { text, rewrites } = rewriteBaseImages(dockerfile, CACHE);
    expect(text.split("\n")).toEqual([
      "# syntax comment FROM node:1",
      `FROM --platform=linux/amd64 ${CACHE}/docker/library/node:22-alpine AS build`,
      "RUN npm ci",
      `from ${CACHE}/docker/library/nginx@sha256:0123abcd as web`,
      `FROM ${CACHE}/docker/library/python`,
    ]);
    expect(rewrites).toEqual([
      { line: 2, from: "node:22-alpine", to: `${CACHE}/docker/library/node:22-alpine` },
      { line: 4, from: "library/nginx@sha256:0123abcd", to: `${CACHE}/docker/library/nginx@sha256:0123abcd` },
      { line: 5, from: "python", to: `${CACHE}/docker/library/python` },
    ]);
  });

  it("leaves a registry (docker.io/… keeps Docker Hub), a user's image, an earlier stage, scratch and an ARG as written", () => {
    const dockerfile = [
      "ARG BASE=node:22",
      "FROM node:22 AS deps",
      "FROM deps AS build",
      "FROM docker.io/library/node:22",
      "FROM public.ecr.aws/docker/library/node:22",
      "FROM localhost:5000/node",
      "FROM bitnami/redis:7",
      "FROM scratch",
      "FROM $BASE",
      "FROM ${BASE} AS last",
    ].join("\n");
    const { rewrites } = rewriteBaseImages(dockerfile, CACHE);
    expect(rewrites.map((rewrite) => rewrite.from)).toEqual(["node:22"]);
  });
});
