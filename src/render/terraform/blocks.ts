/**
 * Terraform's own block shapes (variable, output, resource, module, an IAM policy document) on
 * top of the HCL writer, and the module type every concern (vpc, ecr, eks…) returns.
 */
import {
  type Attribute,
  attr,
  type Block,
  type Body,
  block,
  type Comment,
  call,
  comment,
  expr,
  type Item,
  object,
  type Value,
} from './hcl.ts';

/** One Terraform module: its folder under modules/ and the three files it is written as. */
export interface TerraformModule {
  name: string;
  main: Body;
  variables: Body;
  outputs: Body;
}

export interface Validation {
  condition: string;
  message: string;
}

export interface VariableOptions {
  type: string;
  description: string;
  default?: Value;
  nullable?: false;
  sensitive?: true;
  validations?: readonly Validation[];
}

export function variable(name: string, options: VariableOptions): Block {
  const body: Item[] = [
    attr('description', options.description),
    attr('type', expr(options.type)),
    ...(options.default === undefined ? [] : [attr('default', options.default)]),
    ...(options.nullable === false ? [attr('nullable', false)] : []),
    ...(options.sensitive ? [attr('sensitive', true)] : []),
    ...(options.validations ?? []).map((v) =>
      block('validation', [], [attr('condition', expr(v.condition)), attr('error_message', v.message)]),
    ),
  ];
  return block('variable', [name], body);
}

export function output(name: string, description: string, value: Value): Block {
  return block('output', [name], [attr('description', description), attr('value', value)]);
}

export function resource(type: string, name: string, body: Body): Block {
  return block('resource', [type, name], body);
}

export function data(type: string, name: string, body: Body): Block {
  return block('data', [type, name], body);
}

export function locals(body: Body): Block {
  return block('locals', [], body);
}

export function moduleCall(name: string, source: string, body: Body): Block {
  return block('module', [name], [attr('source', source), ...body]);
}

export interface Statement {
  sid?: string;
  effect?: 'Allow' | 'Deny';
  actions: readonly Value[] | Value;
  resources: readonly Value[] | Value;
  condition?: Value;
}

/** `jsonencode({ Version = "2012-10-17", Statement = [...] })`: an IAM policy, least privilege by construction. */
export function policyDocument(statements: readonly Statement[]): Value {
  return call(
    'jsonencode',
    object({
      Version: '2012-10-17',
      Statement: statements.map((s) =>
        object({
          Sid: s.sid,
          Effect: s.effect ?? 'Allow',
          Action: s.actions as Value,
          Resource: s.resources as Value,
          Condition: s.condition,
        }),
      ),
    }),
  );
}

/** The trust policy that lets an AWS service (ecs-tasks, eks, ec2…) assume a role. */
export function serviceTrust(service: string): Value {
  return call(
    'jsonencode',
    object({
      Version: '2012-10-17',
      Statement: [
        object({
          Effect: 'Allow',
          Principal: object({ Service: service }),
          Action: 'sts:AssumeRole',
        }),
      ],
    }),
  );
}

/**
 * A Checkov finding accepted on purpose, written inside the resource it concerns so the reason
 * travels with the code (`# checkov:skip=CKV_AWS_355: …`): Checkov reports it as skipped, with it.
 */
export function accepted(check: string, reason: string): Comment {
  return comment(`checkov:skip=${check}: ${reason}`);
}

/** `tags = { Name = … }`: the provider's default_tags add app, environment and managed-by. */
export function nameTag(name: Value): Attribute {
  return attr('tags', object({ Name: name }));
}
