/**
 * Structural checks over a generated Terraform tree, on the JSON `@cdktf/hcl2json` parses it
 * into (the HCL parser Terraform itself uses, compiled to WebAssembly): what `terraform
 * validate` would catch without providers, plus the rules our users' guides insist on.
 * Each check returns problems as sentences; the tests mutate a good tree to show each can fail.
 */
import { parse } from '@cdktf/hcl2json';

// biome-ignore lint/suspicious/noExplicitAny: hcl2json returns untyped JSON, walked by known paths
export type Json = Record<string, any>;
export type ParsedTree = Map<string, Json>;

/** Parses every .tf, .tfvars and .tfbackend file; a syntax error rejects naming the file. */
export async function parseTree(files: ReadonlyMap<string, string>): Promise<ParsedTree> {
  const parsed: ParsedTree = new Map();
  for (const [path, text] of files) {
    try {
      parsed.set(path, await parse(path, text));
    } catch (error) {
      throw new Error(`${path} does not parse: ${(error as Error).message}`);
    }
  }
  return parsed;
}

/** Arguments of a module call that are Terraform's, not the module's variables. */
const META_ARGUMENTS = new Set(['source', 'version', 'count', 'for_each', 'depends_on', 'providers']);

function filesIn(tree: ParsedTree, dir: string): [string, Json][] {
  const prefix = dir === '' ? '' : `${dir}/`;
  return [...tree].filter(
    ([path]) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/') && path.endsWith('.tf'),
  );
}

/** Variable name → its declaration, for the module in `dir` ('' is the root). */
function declaredVariables(tree: ParsedTree, dir: string): Map<string, Json> {
  const declared = new Map<string, Json>();
  for (const [, json] of filesIn(tree, dir))
    for (const [name, blocks] of Object.entries(json.variable ?? {}))
      declared.set(name, (blocks as Json[])[0]!);
  return declared;
}

/** Every `var.X` a module's files use is declared in that module. */
export function undeclaredVariables(tree: ParsedTree): string[] {
  const problems: string[] = [];
  const dirs = new Set(
    [...tree.keys()].filter((p) => p.endsWith('.tf')).map((p) => p.split('/').slice(0, -1).join('/')),
  );
  for (const dir of [...dirs].sort()) {
    const declared = declaredVariables(tree, dir);
    for (const [path, json] of filesIn(tree, dir)) {
      const { variable: _declarations, ...rest } = json;
      const used = new Set([...JSON.stringify(rest).matchAll(/\bvar\.([A-Za-z_][\w-]*)/g)].map((m) => m[1]!));
      for (const name of [...used].sort())
        if (!declared.has(name))
          problems.push(`${path}: var.${name} is used but not declared in ${dir || 'the root'}`);
    }
  }
  return problems;
}

/**
 * Every reference resolves inside its module: `aws_x.name` and `data.x.name` to a resource or data
 * source declared there, `local.x` to a local, and in the root `module.m.out` to an output of the
 * module `m` calls.
 */
export function referenceProblems(tree: ParsedTree): string[] {
  const problems: string[] = [];
  const dirs = new Set(
    [...tree.keys()].filter((p) => p.endsWith('.tf')).map((p) => p.split('/').slice(0, -1).join('/')),
  );
  for (const dir of [...dirs].sort()) {
    const files = filesIn(tree, dir);
    const resources = new Set<string>();
    const dataSources = new Set<string>();
    const localNames = new Set<string>();
    const calls = new Map<string, string>();
    for (const [, json] of files) {
      for (const [type, named] of Object.entries(json.resource ?? {}))
        for (const name of Object.keys(named as Json)) resources.add(`${type}.${name}`);
      for (const [type, named] of Object.entries(json.data ?? {}))
        for (const name of Object.keys(named as Json)) dataSources.add(`${type}.${name}`);
      for (const block of (json.locals ?? []) as Json[])
        for (const name of Object.keys(block)) localNames.add(name);
      for (const [name, blocks] of Object.entries(json.module ?? {}))
        calls.set(name, String((blocks as Json[])[0]!.source).replace(/^\.\//, ''));
    }
    for (const [path, json] of files) {
      const { variable: _declarations, output: outputs, ...rest } = json;
      const text = JSON.stringify([rest, outputs ?? {}]);
      const report = (what: string) => problems.push(`${path}: ${what}`);
      for (const [, type, name] of text.matchAll(/\bdata\.([a-z0-9_]+)\.([A-Za-z_][\w-]*)/g))
        if (!dataSources.has(`${type}.${name}`))
          report(`data.${type}.${name} is not declared in ${dir || 'the root'}`);
      for (const [, type, name] of text.matchAll(/(?<![\w.])(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g))
        if (!resources.has(`${type}.${name}`))
          report(`${type}.${name} is not declared in ${dir || 'the root'}`);
      for (const [, name] of text.matchAll(/\blocal\.([A-Za-z_][\w-]*)/g))
        if (!localNames.has(name!)) report(`local.${name} is not declared in ${dir || 'the root'}`);
      for (const [, module, out] of text.matchAll(
        /\bmodule\.([A-Za-z_][\w-]*)(?:\[\*\])?\.([A-Za-z_][\w-]*)/g,
      )) {
        const source = calls.get(module!);
        const declared =
          source === undefined ? undefined : filesIn(tree, source).some(([, j]) => out! in (j.output ?? {}));
        if (!declared) report(`module.${module}.${out} is not an output of a module called here`);
      }
    }
  }
  return [...new Set(problems)].sort();
}

/** Every module call's source exists, passes only declared variables and every required one. */
export function moduleCallProblems(tree: ParsedTree): string[] {
  const problems: string[] = [];
  for (const [path, json] of filesIn(tree, '')) {
    for (const [name, blocks] of Object.entries(json.module ?? {})) {
      const call = (blocks as Json[])[0]!;
      const dir = String(call.source).replace(/^\.\//, '');
      const declared = declaredVariables(tree, dir);
      if (declared.size === 0) {
        problems.push(
          `${path}: module "${name}" calls ${call.source}, which has no variables.tf in the tree`,
        );
        continue;
      }
      const passed = Object.keys(call).filter((key) => !META_ARGUMENTS.has(key));
      for (const key of passed)
        if (!declared.has(key))
          problems.push(`${path}: module "${name}" passes ${key}, which ${dir} does not declare`);
      for (const [variable, declaration] of declared)
        if (!('default' in declaration) && !passed.includes(variable))
          problems.push(`${path}: module "${name}" does not pass ${variable}, which ${dir} requires`);
    }
  }
  return problems;
}

/** Every environment has a tfvars file whose keys are root variables and which sets every required one. */
export function tfvarsProblems(tree: ParsedTree, environments: readonly string[]): string[] {
  const problems: string[] = [];
  const declared = declaredVariables(tree, '');
  for (const env of environments) {
    const path = `environments/${env}.tfvars`;
    const values = tree.get(path);
    if (!values) {
      problems.push(`${path} is missing: environment ${env} has no tfvars`);
      continue;
    }
    for (const key of Object.keys(values))
      if (!declared.has(key)) problems.push(`${path}: ${key} is not a root variable`);
    for (const [name, declaration] of declared)
      if (!('default' in declaration) && !(name in values))
        problems.push(`${path}: required variable ${name} is not set`);
    if (!tree.has(`environments/${env}.s3.tfbackend`))
      problems.push(`environments/${env}.s3.tfbackend is missing`);
  }
  return problems;
}

/** In production every managed PostgreSQL is Multi-AZ. */
export function productionMultiAzProblems(tree: ParsedTree, production: readonly string[]): string[] {
  const problems: string[] = [];
  for (const env of production) {
    const values = tree.get(`environments/${env}.tfvars`) ?? {};
    for (const [key, value] of Object.entries(values))
      if (key.startsWith('rds_') && (value as Json).managed && (value as Json).multi_az !== true)
        problems.push(`environments/${env}.tfvars: ${key}.multi_az must be true in production`);
  }
  return problems;
}

const SECRET_KEYS =
  /^(password|master_password|secret_string|secret_key|access_key|secret_access_key|auth_token|token)$/i;

/** No secret value is written down: such keys only ever hold references, and RDS manages its password. */
export function secretLiteralProblems(tree: ParsedTree): string[] {
  const problems: string[] = [];
  const walk = (path: string, value: unknown, at: string) => {
    if (Array.isArray(value))
      value.forEach((item, i) => {
        walk(path, item, `${at}[${i}]`);
      });
    else if (value !== null && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) {
        // A value with no interpolation at all is written down; `${random_password…}` is a reference.
        if (SECRET_KEYS.test(key) && typeof inner === 'string' && !inner.includes('${'))
          problems.push(`${path}: ${at}.${key} is a literal secret`);
        walk(path, inner, at === '' ? key : `${at}.${key}`);
      }
  };
  for (const [path, json] of tree) walk(path, json, '');
  for (const [path, instance] of resources(tree, 'aws_db_instance'))
    if (instance.manage_master_user_password !== true)
      problems.push(`${path}: aws_db_instance must set manage_master_user_password = true`);
  return problems;
}

/** ECR repositories keep tags immutable and scan every push. */
export function ecrProblems(tree: ParsedTree): string[] {
  const problems: string[] = [];
  for (const [path, repo] of resources(tree, 'aws_ecr_repository')) {
    if (repo.image_tag_mutability !== 'IMMUTABLE') problems.push(`${path}: ECR tags must be IMMUTABLE`);
    if (repo.image_scanning_configuration?.[0]?.scan_on_push !== true)
      problems.push(`${path}: ECR must scan on push`);
  }
  return problems;
}

/** ECS services deploy at 100–200 % with the circuit breaker rolling back. */
export function ecsDeploymentProblems(tree: ParsedTree): string[] {
  const problems: string[] = [];
  for (const [path, service] of resources(tree, 'aws_ecs_service')) {
    const breaker = service.deployment_circuit_breaker?.[0];
    if (breaker?.enable !== true || breaker?.rollback !== true)
      problems.push(`${path}: ECS deployment circuit breaker must be enabled with rollback`);
    if (service.deployment_minimum_healthy_percent !== 100 || service.deployment_maximum_percent !== 200)
      problems.push(`${path}: ECS deployments must keep 100 % healthy and allow 200 %`);
  }
  return problems;
}

function resources(tree: ParsedTree, type: string): [string, Json][] {
  return [...tree].flatMap(([path, json]) =>
    Object.values(json.resource?.[type] ?? {}).flatMap((blocks) =>
      (blocks as Json[]).map((b) => [path, b] as [string, Json]),
    ),
  );
}

export function allProblems(
  tree: ParsedTree,
  environments: readonly string[],
  production: readonly string[],
): string[] {
  return [
    ...undeclaredVariables(tree),
    ...referenceProblems(tree),
    ...moduleCallProblems(tree),
    ...tfvarsProblems(tree, environments),
    ...productionMultiAzProblems(tree, production),
    ...secretLiteralProblems(tree),
    ...ecrProblems(tree),
    ...ecsDeploymentProblems(tree),
  ];
}
