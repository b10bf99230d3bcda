import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
} from "@aws-sdk/client-ecr";
import { UserError } from "../../src/errors/index.js";
import type { BuildEvent } from "../../src/images/events.js";
import { deleteRepository, ensureRepository, findRepository, imageExists, lifecyclePolicy } from "../../src/aws/ecr.js";

const ecrMock = mockClient(ECRClient);
const ecr = new ECRClient({ region: "us-east-1" });
const APP = { rack: "prod", app: "shop" };
const URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prod/shop";
const ARN = "arn:aws:ecr:us-east-1:123456789012:repository/prod/shop";
const REPOSITORY = { repositoryName: "prod/shop", repositoryArn: ARN, repositoryUri: URI };
const OURS = { tags: [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "shop" }] };

const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });

let events: BuildEvent[];
const emit = (event: BuildEvent) => events.push(event);

beforeEach(() => {
  ecrMock.reset();
  ecrMock.onAnyCommand().rejects(new Error("unmocked ECR call"));
  events = [];
});

describe("ECR repository of an app", () => {
  it("creates <rack>/<app> with scan on push, immutable tags, racknet's tags and a lifecycle policy", async () => {
    ecrMock.on(DescribeRepositoriesCommand).rejects(awsError("RepositoryNotFoundException"));
    ecrMock.on(CreateRepositoryCommand).resolves({ repository: REPOSITORY });
    ecrMock.on(PutLifecyclePolicyCommand).resolves({});
    expect(await ensureRepository(ecr, APP, emit)).toEqual({ name: "prod/shop", uri: URI });
    expect(ecrMock.commandCalls(CreateRepositoryCommand)[0]?.args[0].input).toEqual({
      repositoryName: "prod/shop",
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: "IMMUTABLE",
      tags: [{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:app", Value: "shop" }],
    });
    expect(JSON.parse(ecrMock.commandCalls(PutLifecyclePolicyCommand)[0]?.args[0].input.lifecyclePolicyText ?? "")).toMatchObject({
      rules: [
        { rulePriority: 1, selection: { tagStatus: "tagged", tagPrefixList: ["keep-r"] } },
        { rulePriority: 2, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } },
      ],
    });
    expect(events).toEqual([{ type: "repository-created", repository: "prod/shop", uri: URI }]);
  });

  it("uses the existing repository when it is racknet's, and changes nothing", async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [REPOSITORY] });
    ecrMock.on(ListTagsForResourceCommand).resolves(OURS);
    expect(await ensureRepository(ecr, APP, emit)).toEqual({ name: "prod/shop", uri: URI });
    expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
    expect(events).toEqual([]);
  });

  it("finds the repository for the plan without creating one", async () => {
    ecrMock.on(DescribeRepositoriesCommand).rejects(awsError("RepositoryNotFoundException"));
    expect(await findRepository(ecr, APP)).toBeUndefined();
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [REPOSITORY] });
    ecrMock.on(ListTagsForResourceCommand).resolves(OURS);
    expect(await findRepository(ecr, APP)).toEqual({ name: "prod/shop", uri: URI });
    expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });

  it("refuses a repository of that name that is not racknet's, for use and for deletion", async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [REPOSITORY] });
    ecrMock.on(ListTagsForResourceCommand).resolves({ tags: [{ Key: "team", Value: "data" }] });
    await expect(ensureRepository(ecr, APP, emit)).rejects.toThrow(UserError);
    await expect(deleteRepository(ecr, APP, emit)).rejects.toThrow(/exists and is not racknet's repository of app shop on rack prod/);
    expect(ecrMock.commandCalls(DeleteRepositoryCommand)).toHaveLength(0);
  });

  it("takes the repository another racknet created a moment before", async () => {
    ecrMock.on(DescribeRepositoriesCommand).rejectsOnce(awsError("RepositoryNotFoundException")).resolves({ repositories: [REPOSITORY] });
    ecrMock.on(CreateRepositoryCommand).rejects(awsError("RepositoryAlreadyExistsException"));
    ecrMock.on(ListTagsForResourceCommand).resolves(OURS);
    expect(await ensureRepository(ecr, APP, emit)).toEqual({ name: "prod/shop", uri: URI });
  });

  it("finds an image by tag, and says no for a tag it does not have", async () => {
    ecrMock.on(DescribeImagesCommand, { repositoryName: "prod/shop", imageIds: [{ imageTag: "src-1" }] }).resolves({ imageDetails: [{ imageTags: ["src-1"] }] });
    ecrMock.on(DescribeImagesCommand, { repositoryName: "prod/shop", imageIds: [{ imageTag: "src-2" }] }).rejects(awsError("ImageNotFoundException"));
    expect(await imageExists(ecr, "prod/shop", "src-1")).toBe(true);
    expect(await imageExists(ecr, "prod/shop", "src-2")).toBe(false);
  });

  it("deletes racknet's repository with its images, and a repository already gone is done", async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [REPOSITORY] });
    ecrMock.on(ListTagsForResourceCommand).resolves(OURS);
    ecrMock.on(DeleteRepositoryCommand).resolves({});
    await deleteRepository(ecr, APP, emit);
    expect(ecrMock.commandCalls(DeleteRepositoryCommand)[0]?.args[0].input).toEqual({ repositoryName: "prod/shop", force: true });
    expect(events).toEqual([{ type: "repository-deleted", repository: "prod/shop" }]);

    ecrMock.on(DescribeRepositoriesCommand).rejects(awsError("RepositoryNotFoundException"));
    events = [];
    await deleteRepository(ecr, APP, emit);
    expect(events).toEqual([]);
  });

  it("keeps a configurable number of images", () => {
    expect(JSON.parse(lifecyclePolicy(5)).rules[1].selection.countNumber).toBe(5);
  });
});
