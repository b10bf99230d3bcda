/**
 * CloudFormation template types and intrinsic-function helpers, so templates read as
 * data. Pure.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Resource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Metadata?: Record<string, Json>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, Json>;
}

export interface Template {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Metadata?: Record<string, Json>;
  Parameters: Record<string, Record<string, Json>>;
  Conditions: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Description?: string; Value: Json; Condition?: string }>;
}

/** A slice of a template that one module contributes (merged by the template that owns the stack). */
export interface TemplateFragment {
  Parameters?: Template["Parameters"];
  Conditions?: Template["Conditions"];
  Resources?: Template["Resources"];
  Outputs?: Template["Outputs"];
}

export const ref = (name: string): Json => ({ Ref: name });
export const getAtt = (resource: string, attribute: string): Json => ({ "Fn::GetAtt": [resource, attribute] });
export const sub = (text: string, variables?: Record<string, Json>): Json =>
  variables ? { "Fn::Sub": [text, variables] } : { "Fn::Sub": text };
export const join = (separator: string, values: Json[] | Json): Json => ({ "Fn::Join": [separator, values] });
export const select = (index: number, list: Json): Json => ({ "Fn::Select": [String(index), list] });
export const split = (separator: string, text: Json): Json => ({ "Fn::Split": [separator, text] });
/**
 * The UUID at the end of this stack's id (`arn:...:stack/<name>/<uuid>`), resolved by
 * CloudFormation: the id exists only once the stack is created. src/names' `stackUuid` reads
 * the same from a stack id racknet holds.
 */
export const thisStackUuid: Json = select(2, split("/", ref("AWS::StackId")));
export const iff = (condition: string, whenTrue: Json, whenFalse: Json): Json => ({ "Fn::If": [condition, whenTrue, whenFalse] });
export const equals = (a: Json, b: Json): Json => ({ "Fn::Equals": [a, b] });
export const not = (condition: Json): Json => ({ "Fn::Not": [condition] });
export const and = (...conditions: Json[]): Json => ({ "Fn::And": conditions });
export const or = (...conditions: Json[]): Json => ({ "Fn::Or": conditions });
export const condition = (name: string): Json => ({ Condition: name });
export const noValue: Json = { Ref: "AWS::NoValue" };
export const cidr = (block: Json, count: number, bits: Json): Json => ({ "Fn::Cidr": [block, count, bits] });

export function tags(values: Record<string, Json>): Json[] {
  return Object.entries(values).map(([Key, Value]) => ({ Key, Value }));
}

/** Merge fragments into a template; a logical id defined twice is a bug, not a silent overwrite. */
export function merge(template: Template, ...fragments: TemplateFragment[]): Template {
  for (const fragment of fragments) {
    for (const section of ["Parameters", "Conditions", "Resources", "Outputs"] as const) {
      const into = template[section] as Record<string, unknown>;
      for (const [key, value] of Object.entries(fragment[section] ?? {})) {
        if (key in into) throw new Error(`template ${section}.${key} is defined twice`);
        into[key] = value;
      }
    }
  }
  return template;
}

/** Minified JSON: what is sent to CloudFormation (the inline limit is 51,200 bytes). */
export function renderTemplate(template: Template): string {
  return JSON.stringify(template);
}
