// CloudFormation as AWS times it, laid over moto's synchronous answers: change sets that take
// a while to create, stack operations that stay IN_PROGRESS for a set time and release their
// resource events over it. Works on the query protocol's XML answers (what the JS SDK v3 and
// botocore send to CloudFormation). Used by awslike-proxy.mjs; no I/O here.

/** CloudFormation operations that start a stack operation when they succeed. */
export const STACK_OPERATIONS = new Set(["ExecuteChangeSet", "CreateStack", "UpdateStack", "DeleteStack"]);

const xmlValue = (text, tag) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1] ?? null;

/** arn:aws:cloudformation:region:account:stack/NAME/uuid -> NAME; a name stays a name. */
export function stackKey(nameOrArn) {
  if (!nameOrArn) return null;
  return /:stack\/([^/]+)\//.exec(nameOrArn)?.[1] ?? nameOrArn;
}

/** Spans [start, end) of the direct <member> children of <container> (members nest). */
function topMembers(text, container) {
  const open = text.indexOf(`<${container}>`);
  if (open < 0) return [];
  const from = open + container.length + 2;
  const close = text.indexOf(`</${container}>`, from);
  const inside = text.slice(from, close >= 0 ? close : text.length);
  const spans = [];
  let depth = 0;
  let start = -1;
  for (const tag of inside.matchAll(/<(\/?)member>/g)) {
    const at = from + tag.index;
    if (tag[1] === "") {
      if (depth === 0) start = at;
      depth += 1;
    } else {
      depth -= 1;
      if (depth === 0 && start >= 0) spans.push([start, at + tag[0].length]);
    }
  }
  return spans;
}

/** Replace each direct member of <container> by rewrite(member); null drops it. */
function rewriteMembers(text, container, rewrite) {
  let out = "";
  let last = 0;
  for (const [start, end] of topMembers(text, container)) {
    out += text.slice(last, start) + (rewrite(text.slice(start, end)) ?? "");
    last = end;
  }
  return out + text.slice(last);
}

const iso = (ms) => new Date(ms).toISOString();

function invalidStatusError(arn) {
  return (
    '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>' +
    `<Code>InvalidChangeSetStatus</Code><Message>ChangeSet [${arn}] cannot be executed in its current status of [CREATE_IN_PROGRESS]` +
    "</Message></Error><RequestId>awslike-proxy</RequestId></ErrorResponse>"
  );
}

/**
 * The timing state of every stack and change set seen.
 * @param {{ holdMs: (stack: string, operation: string) => number, changeSetMs: (stack: string) => number, resourceEvents?: boolean }} timing
 */
export function createCloudFormationTiming({ holdMs, changeSetMs, resourceEvents = true }) {
  /** By stack name: { start, until, op, resources: [logicalId, type, action][], stackId } */
  const holds = new Map();
  /** By change-set ARN and by `${stack}\n${name}`: { arn, stack, name, start, until, resources } */
  const changeSets = new Map();
  /** The last <member> DescribeStacks returned for each stack, to show a stack being deleted. */
  const lastStackXml = new Map();

  const activeHold = (stack, now) => {
    const hold = holds.get(stack);
    return hold && now < hold.until ? hold : undefined;
  };
  const findChangeSet = (nameOrArn, stack) => (nameOrArn ? changeSets.get(nameOrArn) ?? changeSets.get(`${stack}\n${nameOrArn}`) : undefined);
  const activeChangeSet = (arn, now) => {
    const changeSet = changeSets.get(arn);
    return changeSet && now < changeSet.until ? changeSet : undefined;
  };

  function heldChangeSetMember(member, now) {
    const changeSet = activeChangeSet(xmlValue(member, "ChangeSetId"), now);
    if (!changeSet) return member;
    // The first third CREATE_PENDING, then CREATE_IN_PROGRESS, as CloudFormation shows them.
    const status = now < changeSet.start + (changeSet.until - changeSet.start) / 3 ? "CREATE_PENDING" : "CREATE_IN_PROGRESS";
    return member
      .replace(/<Status>(CREATE_COMPLETE|FAILED)<\/Status>/, `<Status>${status}</Status>`)
      .replace(/<StatusReason>[^<]*<\/StatusReason>/, "")
      .replace(/<ExecutionStatus>[A-Z_]+<\/ExecutionStatus>/, "<ExecutionStatus>UNAVAILABLE</ExecutionStatus>");
  }

  function describeChangeSet(text, now) {
    const changeSet = changeSets.get(xmlValue(text, "ChangeSetId"));
    if (changeSet && changeSet.resources.length === 0) {
      const changes = /<Changes>([\s\S]*)<\/Changes>/.exec(text)?.[1] ?? "";
      changeSet.resources = [...changes.matchAll(/<ResourceChange>([\s\S]*?)<\/ResourceChange>/g)].map((m) => [
        xmlValue(m[1], "LogicalResourceId"),
        xmlValue(m[1], "ResourceType"),
        xmlValue(m[1], "Action"),
      ]);
    }
    if (!changeSet || !activeChangeSet(changeSet.arn, now)) return text;
    const withoutChanges = text.replace(/<Changes>[\s\S]*<\/Changes>/, "<Changes/>");
    const split = withoutChanges.indexOf("<ResponseMetadata>");
    if (split < 0) return heldChangeSetMember(withoutChanges, now);
    return heldChangeSetMember(withoutChanges.slice(0, split), now) + withoutChanges.slice(split);
  }

  function heldStackMember(member, now, container) {
    const name = xmlValue(member, "StackName");
    const hold = activeHold(name, now);
    if (!hold) {
      if (name && container === "Stacks") lastStackXml.set(name, member);
      return member;
    }
    const created = /<StackStatus>CREATE_COMPLETE<\/StackStatus>/.test(member);
    const shown = created ? member.replace(/<Outputs>[\s\S]*?<\/Outputs>|<Outputs\/>/, "") : member;
    return shown.replace(/<StackStatus>([A-Z_]+)_COMPLETE<\/StackStatus>/, "<StackStatus>$1_IN_PROGRESS</StackStatus>");
  }

  function deletedStackAnswer(stack, hold) {
    const member = (
      lastStackXml.get(stack) ??
      `<member><StackId>${hold.stackId ?? stack}</StackId><StackName>${stack}</StackName><CreationTime>${iso(hold.start)}</CreationTime><StackStatus>DELETE_IN_PROGRESS</StackStatus></member>`
    ).replace(/<StackStatus>[A-Z_]+<\/StackStatus>/, "<StackStatus>DELETE_IN_PROGRESS</StackStatus>");
    return (
      '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult>' +
      `<Stacks>${member}</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>awslike-proxy</RequestId>` +
      "</ResponseMetadata></DescribeStacksResponse>"
    );
  }

  function describeStackEvents(text, stack, now) {
    const hold = activeHold(stack, now);
    if (!hold) return text;
    const since = hold.start - 1000; // moto wrote the operation's events while the request ran
    const released = hold.start + 0.9 * (hold.until - hold.start);
    const isNew = (member) => Date.parse(xmlValue(member, "Timestamp") ?? "") >= since;
    const isStackLevel = (member) => xmlValue(member, "ResourceType") === "AWS::CloudFormation::Stack" && xmlValue(member, "LogicalResourceId") === stack;
    const real = topMembers(text, "StackEvents")
      .map(([start, end]) => text.slice(start, end))
      .filter((member) => isNew(member) && !isStackLevel(member))
      .reverse(); // oldest first
    const share = Math.min(1, (now - hold.start) / (released - hold.start));
    const visible = new Set(real.slice(0, Math.floor(real.length * share)));
    const shown = rewriteMembers(text, "StackEvents", (member) => {
      if (!isNew(member)) return member;
      if (isStackLevel(member)) return (xmlValue(member, "ResourceStatus") ?? "").endsWith("_COMPLETE") ? null : member;
      return visible.has(member) ? member : null;
    });
    if (real.length > 0 || !resourceEvents || hold.resources.length === 0) return shown;
    return shown.replace(/<StackEvents\/>|<StackEvents>/, (tag) => `<StackEvents>${syntheticEvents(shown, stack, hold, released, now)}${tag === "<StackEvents/>" ? "</StackEvents>" : ""}`);
  }

  /** moto wrote no resource events: one *_COMPLETE per resource of the change set, spread over the hold (newest first). */
  function syntheticEvents(text, stack, hold, released, now) {
    const stackId = xmlValue(text, "StackId") ?? hold.stackId ?? stack;
    const count = hold.resources.length;
    const events = [];
    hold.resources.forEach(([logicalId, type, action], index) => {
      const at = hold.start + ((index + 1) * (released - hold.start)) / (count + 1);
      if (at > now) return;
      const status = hold.op === "DeleteStack" ? "DELETE_COMPLETE" : { Add: "CREATE_COMPLETE", Remove: "DELETE_COMPLETE" }[action] ?? "UPDATE_COMPLETE";
      events.unshift(
        `<member><StackId>${stackId}</StackId><EventId>${logicalId}-${status}-awslike-${hold.start}</EventId><StackName>${stack}</StackName>` +
          `<LogicalResourceId>${logicalId}</LogicalResourceId><PhysicalResourceId>${logicalId}-awslike</PhysicalResourceId>` +
          `<ResourceType>${type}</ResourceType><Timestamp>${iso(at)}</Timestamp><ResourceStatus>${status}</ResourceStatus></member>`,
      );
    });
    return events.join("");
  }

  return {
    /** The stack a request is about: its StackName, or the stack of the change set it names. */
    stackOf(action, params) {
      const named = stackKey(params.StackName);
      if (named || !["ExecuteChangeSet", "DescribeChangeSet", "DeleteChangeSet"].includes(action)) return named;
      return changeSets.get(params.ChangeSetName)?.stack ?? null;
    },

    /** An answer given instead of forwarding (ExecuteChangeSet while the change set is being created), or undefined. */
    refusal(action, params, stack, now) {
      if (action !== "ExecuteChangeSet") return undefined;
      const changeSet = findChangeSet(params.ChangeSetName, stack);
      if (!changeSet || now >= changeSet.until) return undefined;
      return { status: 400, body: invalidStatusError(changeSet.arn) };
    },

    /**
     * Records what moto's answer started and rewrites it as AWS would show it now.
     * @returns {{ status: number, body: string, changeSet?: object, operation?: object }}
     */
    answer({ action, params, stack, status, body, arrived, now }) {
      if (status === 200 && action === "CreateChangeSet") {
        const arn = xmlValue(body, "Id");
        const changeSet = { arn, stack, name: params.ChangeSetName, start: arrived, until: arrived + changeSetMs(stack), resources: [], stackId: xmlValue(body, "StackId") };
        changeSets.set(arn, changeSet);
        changeSets.set(`${stack}\n${params.ChangeSetName}`, changeSet);
        return { status, body, changeSet: { stack, start: arrived, ready: changeSet.until } };
      }
      if (status === 200 && STACK_OPERATIONS.has(action)) {
        const changeSet = action === "ExecuteChangeSet" ? findChangeSet(params.ChangeSetName, stack) : undefined;
        const stackId = (params.StackName ?? "").includes(":stack/") ? params.StackName : changeSet?.stackId ?? xmlValue(body, "StackId");
        const hold = { start: arrived, until: arrived + holdMs(stack, action), op: action, resources: [...(changeSet?.resources ?? [])], stackId };
        holds.set(stack, hold);
        return { status, body, operation: { stack, op: action, start: arrived, release: hold.until } };
      }
      if (action === "DescribeStacks" && status !== 200) {
        const hold = activeHold(stack, now);
        return hold?.op === "DeleteStack" && body.includes("does not exist") ? { status: 200, body: deletedStackAnswer(stack, hold) } : { status, body };
      }
      if (status !== 200) return { status, body };
      switch (action) {
        case "DescribeChangeSet":
          return { status, body: describeChangeSet(body, now) };
        case "ListChangeSets":
          return { status, body: rewriteMembers(body, "Summaries", (member) => heldChangeSetMember(member, now)) };
        case "DescribeStacks":
          return { status, body: rewriteMembers(body, "Stacks", (member) => heldStackMember(member, now, "Stacks")) };
        case "ListStacks":
          return { status, body: rewriteMembers(body, "StackSummaries", (member) => heldStackMember(member, now, "StackSummaries")) };
        case "DescribeStackEvents":
          return { status, body: stack ? describeStackEvents(body, stack, now) : body };
        default:
          return { status, body };
      }
    },
  };
}
