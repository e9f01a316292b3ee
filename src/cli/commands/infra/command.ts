/**
 * `gantry infra`: the Terraform (AWS: VPC, ECR, EKS or ECS, managed backing services) that
 * stands up what the spec's services need, as a module tree with a tfvars file per environment.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import type { Options } from './run.ts';

export const infraCommand: GantryCommand = {
  register(program, run) {
    program
      .command('infra')
      .description('generate Terraform for the cloud infrastructure gantry.yaml needs (AWS: EKS or ECS)')
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .addOption(new Option('--provider <provider>', 'cloud provider').choices(['aws']).default('aws'))
      .addOption(
        new Option('--target <target>', 'what runs the services: Kubernetes (EKS) or ECS on Fargate')
          .choices(['eks', 'ecs'])
          .default('eks'),
      )
      .option(
        '-e, --env <name>',
        'the environment whose spec shapes the code (services, IAM, routes); every environment gets its tfvars',
      )
      .option('-o, --output <dir>', 'write the Terraform tree into this directory (required)')
      .addOption(
        new Option('--format <format>', 'what to print: a line per file, or a JSON listing')
          .choices(['text', 'json'])
          .default('text'),
      )
      .action((options: Options) => run(async () => (await import('./run.ts')).infra(options)));
  },
};
