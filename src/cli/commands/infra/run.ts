import { SizingError } from '../../../cloud/errors.ts';
import { generateTerraform, type InfraTarget } from '../../../render/terraform/index.ts';
import type { AppModel } from '../../../spec/model.ts';
import { CliError, EXIT } from '../../errors.ts';
import { writeFiles } from '../../generated-files.ts';
import { environmentsOf, specOf } from '../../spec.ts';

export interface Options {
  file: string;
  provider: 'aws';
  target: InfraTarget;
  env?: string;
  output?: string;
  format: 'text' | 'json';
}

export function infra(options: Options): number {
  if (options.output === undefined)
    throw new CliError(
      'gantry infra writes a tree of Terraform files: pass -o DIR',
      EXIT.usage,
      `gantry infra --target ${options.target} --env prod -f ${options.file} -o infra/`,
    );
  const target = { file: options.file, target: 'cluster' } as const;
  const base = specOf(target, 'nothing generated').model;
  const declared = base.environments;
  if (options.env === undefined && declared.length > 0)
    throw new CliError(
      `--env is required: ${options.file} declares ${declared.join(', ')}`,
      EXIT.usage,
      `pick the environment whose services and IAM shape the code, e.g. --env ${declared.includes('prod') ? 'prod' : declared[declared.length - 1]}`,
    );
  const selected =
    options.env === undefined ? base : specOf({ ...target, env: options.env }, 'nothing generated').model;
  const { environments: declaredModels } = environmentsOf(target, 'nothing generated');
  const environments: AppModel[] = declared.length === 0 ? [base] : declaredModels;

  const regenerate = [
    'gantry infra --provider aws',
    `--target ${options.target}`,
    ...(options.env === undefined ? [] : [`--env ${options.env}`]),
    `-f ${options.file}`,
    `-o ${options.output}`,
  ].join(' ');
  let files: Map<string, string>;
  try {
    files = generateTerraform({ target: options.target, model: selected, environments, regenerate });
  } catch (error) {
    if (error instanceof SizingError) throw new CliError(error.message, EXIT.failed, error.hint);
    throw error;
  }

  const listing = writeFiles(options.output, files);
  if (options.format === 'json') {
    const document = {
      provider: options.provider,
      target: options.target,
      environment: options.env ?? null,
      directory: options.output,
      environments: environments.map((m) => m.environment?.name ?? 'default'),
      files: listing,
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
  if (options.format === 'text') {
    const env = options.env ?? 'default';
    process.stderr.write(
      `next: cd ${options.output} && terraform init -backend-config=environments/${env}.s3.tfbackend -backend-config="bucket=…" -backend-config="region=…" && terraform plan -var-file=environments/${env}.tfvars\n`,
    );
  }
  return EXIT.ok;
}
