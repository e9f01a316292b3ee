/**
 * modules/ecr: the ECR repositories the spec's images name (only images on ECR: the registry is
 * the one `gantry ci` pushes to, the spec's `image`). Tags are immutable (a tag always names the
 * same image, so a rollback to `1.4.2` is a rollback) and every push is scanned; untagged
 * layers left by rebuilt tags expire after two weeks.
 */
import { nameTag, output, resource, type TerraformModule, variable } from './blocks.ts';
import { attr, block, call, expr, object } from './hcl.ts';

export function ecrModule(): TerraformModule {
  return {
    name: 'ecr',
    variables: [
      variable('repositories', {
        type: 'set(string)',
        description: "Repository names, as the spec's images name them (team/api).",
        validations: [
          {
            condition: 'length(var.repositories) > 0',
            message: 'repositories must name at least one repository.',
          },
        ],
      }),
    ],
    main: [
      resource('aws_ecr_repository', 'this', [
        attr('for_each', expr('var.repositories')),
        attr('name', expr('each.key')),
        attr('image_tag_mutability', 'IMMUTABLE'),
        nameTag(expr('each.key')),
        block('image_scanning_configuration', [], [attr('scan_on_push', true)]),
        block('encryption_configuration', [], [attr('encryption_type', 'KMS')]),
      ]),
      resource('aws_ecr_lifecycle_policy', 'this', [
        attr('for_each', expr('aws_ecr_repository.this')),
        attr('repository', expr('each.value.name')),
        attr(
          'policy',
          call(
            'jsonencode',
            object({
              rules: [
                object({
                  rulePriority: 1,
                  description: 'Expire untagged images after 14 days',
                  selection: object({
                    tagStatus: 'untagged',
                    countType: 'sinceImagePushed',
                    countUnit: 'days',
                    countNumber: 14,
                  }),
                  action: object({ type: 'expire' }),
                }),
              ],
            }),
          ),
        ),
      ]),
    ],
    outputs: [
      output(
        'repository_urls',
        'Repository → URL (push images here).',
        expr('{ for name, repo in aws_ecr_repository.this : name => repo.repository_url }'),
      ),
      output(
        'repository_arns',
        'Repository → ARN.',
        expr('{ for name, repo in aws_ecr_repository.this : name => repo.arn }'),
      ),
    ],
  };
}
