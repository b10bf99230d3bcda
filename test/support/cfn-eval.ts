import type { Json, Resource, Template } from "../../src/templates/cfn.js";

/**
 * A small, pure CloudFormation evaluator for tests: given a template and parameter
 * values, which Conditions hold, which resources and outputs exist, and their
 * properties with Fn::If chosen, AWS::NoValue removed and every function whose
 * operands are known (Ref to a parameter or pseudo parameter, Fn::Sub, Fn::Join,
 * Fn::Split, Fn::Select, Fn::Cidr) computed. References to resources stay as written.
 */

export interface EvaluatedStack {
  parameters: Record<string, string>;
  conditions: Record<string, boolean>;
  resources: Record<string, Resource>;
  outputs: Record<string, Json>;
}

export interface EvaluationContext {
  stackName?: string;
  region?: string;
  stackId?: string;
}

const NO_VALUE = Symbol("AWS::NoValue");
type Value = Json | typeof NO_VALUE;

export function evaluate(template: Template, given: Record<string, string>, context: EvaluationContext = {}): EvaluatedStack {
  const stackName = context.stackName ?? "rack";
  const region = context.region ?? "us-east-1";
  const parameters: Record<string, string> = {};
  for (const [name, declaration] of Object.entries(template.Parameters)) {
    const value = given[name] ?? declaration.Default;
    if (value === undefined || value === null) throw new Error(`parameter ${name} has no value and no Default`);
    parameters[name] = String(value);
  }
  const unknown = Object.keys(given).filter((name) => !(name in template.Parameters));
  if (unknown.length > 0) throw new Error(`parameters not in the template: ${unknown.join(", ")}`);
  const pseudo: Record<string, string> = {
    "AWS::StackName": stackName,
    "AWS::Region": region,
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackId": context.stackId ?? `arn:aws:cloudformation:${region}:123456789012:stack/${stackName}/0d0a2f6e-1c2b-4d5e-8f90-a1b2c3d4e5f6`,
  };
  const known = { ...parameters, ...pseudo };

  const conditions: Record<string, boolean> = {};
  const conditionValue = (name: string, visiting: string[] = []): boolean => {
    const cached = conditions[name];
    if (cached !== undefined) return cached;
    if (visiting.includes(name)) throw new Error(`condition cycle: ${[...visiting, name].join(" -> ")}`);
    const definition = template.Conditions[name];
    if (definition === undefined) throw new Error(`unknown condition ${name}`);
    const result = truth(definition, [...visiting, name]);
    conditions[name] = result;
    return result;
  };
  const truth = (expression: Json, visiting: string[]): boolean => {
    const [fn, args] = single(expression);
    const list = Array.isArray(args) ? args : [];
    switch (fn) {
      case "Fn::Equals":
        return String(strict(resolve(list[0] ?? null))) === String(strict(resolve(list[1] ?? null)));
      case "Fn::Not":
        return !truth(list[0] ?? null, visiting);
      case "Fn::And":
        return list.every((item) => truth(item, visiting));
      case "Fn::Or":
        return list.some((item) => truth(item, visiting));
      case "Condition":
        return conditionValue(String(args), visiting);
      default:
        throw new Error(`not a condition: ${JSON.stringify(expression)}`);
    }
  };

  const resolve = (value: Json): Value => {
    if (Array.isArray(value)) return value.map(resolve).filter((item): item is Json => item !== NO_VALUE);
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value);
    const [fn, args] = entries.length === 1 ? (entries[0] as [string, Json]) : ["", null];
    switch (fn) {
      case "Ref":
        if (args === "AWS::NoValue") return NO_VALUE;
        return known[String(args)] ?? value;
      case "Fn::If": {
        const [name, whenTrue, whenFalse] = args as [string, Json, Json];
        return resolve(conditionValue(name) ? whenTrue : whenFalse);
      }
      case "Fn::Sub":
        return substitute(args, value);
      case "Fn::Join": {
        const [separator, items] = args as [string, Json];
        const resolved = resolve(items);
        return Array.isArray(resolved) && resolved.every((item) => typeof item === "string") ? resolved.join(separator) : { [fn]: [separator, strict(resolved)] };
      }
      case "Fn::Split": {
        const [separator, text] = args as [string, Json];
        const resolved = resolve(text);
        return typeof resolved === "string" ? resolved.split(separator) : { [fn]: [separator, strict(resolved)] };
      }
      case "Fn::Select": {
        const [index, list] = args as [Json, Json];
        const resolved = resolve(list);
        if (!Array.isArray(resolved)) return { [fn]: [index, strict(resolved)] };
        const item = resolved[Number(strict(resolve(index)))];
        if (item === undefined) throw new Error(`Fn::Select index ${String(index)} is out of range of ${JSON.stringify(resolved)}`);
        return item;
      }
      case "Fn::Cidr": {
        const [block, count, bits] = (args as Json[]).map((item) => strict(resolve(item)));
        return typeof block === "string" ? cidrs(block, Number(count), Number(bits)) : { [fn]: [block ?? null, count ?? null, bits ?? null] };
      }
      default: {
        const out: Record<string, Json> = {};
        for (const [key, item] of entries) {
          const resolved = resolve(item);
          if (resolved !== NO_VALUE) out[key] = resolved;
        }
        return out;
      }
    }
  };

  const substitute = (args: Json, original: Json): Json => {
    const [text, variables] = typeof args === "string" ? [args, {}] : (args as [string, Record<string, Json>]);
    const values: Record<string, Json> = { ...known };
    for (const [name, expression] of Object.entries(variables)) values[name] = strict(resolve(expression));
    let complete = true;
    const result = text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      const found = values[name];
      if (typeof found === "string" || typeof found === "number") return String(found);
      complete = false;
      return whole;
    });
    return complete ? result : original;
  };

  const strict = (value: Value): Json => {
    if (value === NO_VALUE) throw new Error("AWS::NoValue where a value is required");
    return value;
  };

  const resources: Record<string, Resource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Condition && !conditionValue(resource.Condition)) continue;
    const properties = resource.Properties ? strict(resolve(resource.Properties)) : undefined;
    const metadata = resource.Metadata ? strict(resolve(resource.Metadata)) : undefined;
    resources[id] = { ...resource, ...(properties ? { Properties: properties as Record<string, Json> } : {}), ...(metadata ? { Metadata: metadata as Record<string, Json> } : {}) };
  }
  const outputs: Record<string, Json> = {};
  for (const [name, output] of Object.entries(template.Outputs)) {
    if (output.Condition && !conditionValue(output.Condition)) continue;
    outputs[name] = strict(resolve(output.Value));
  }
  for (const name of Object.keys(template.Conditions)) conditionValue(name);
  return { parameters, conditions, resources, outputs };
}

function single(expression: Json): [string, Json] {
  if (expression === null || typeof expression !== "object" || Array.isArray(expression)) return ["", expression];
  const entries = Object.entries(expression);
  return entries.length === 1 ? (entries[0] as [string, Json]) : ["", expression];
}

/** `Fn::Cidr` for IPv4: `count` consecutive blocks with `bits` host bits, from the block's start. */
export function cidrs(block: string, count: number, bits: number): string[] {
  const [address = "", prefixText = ""] = block.split("/");
  const start = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** bits;
  if (32 - Number(prefixText) < bits || count * size > 2 ** (32 - Number(prefixText))) {
    throw new Error(`Fn::Cidr cannot cut ${count} /${32 - bits} blocks from ${block}`);
  }
  return Array.from({ length: count }, (_, index) => {
    const network = start + index * size;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join(".")}/${32 - bits}`;
  });
}
