// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * modules/ecr: one image repository per service. Tags are immutable (a tag always names the
 * same image, so a rollback to `1.4.2` is a rollback) and every push is scanned; untagged
 * layers left by rebuilt tags expire after two weeks.
 */
import { nameTag, output, resource, type TerraformModule, variable } from './blocks.ts';
import { attr, block, call, expr, object, template } from './hcl.ts';

export function ecrModule(): TerraformModule {
  return {
    name: 'ecr',
    variables: [
      variable('name', { type: 'string', description: 'Repository names are NAME/SERVICE.' }),
      variable('services', {
        type: 'set(string)',
        description: 'One repository per service.',
        validations: [
          { condition: 'length(var.services) > 0', message: 'services must name at least one service.' },
        ],
      }),
    ],
    main: [
      resource('aws_ecr_repository', 'this', [
        attr('for_each', expr('var.services')),
        attr('name', template('${var.name}/${each.key}')),
        attr('image_tag_mutability', 'IMMUTABLE'),
        nameTag(template('${var.name}/${each.key}')),
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
        'Service → repository URL (push images here).',
        expr('{ for name, repo in aws_ecr_repository.this : name => repo.repository_url }'),
      ),
      output(
        'repository_arns',
        'Service → repository ARN.',
        expr('{ for name, repo in aws_ecr_repository.this : name => repo.arn }'),
      ),
    ],
  };
}
