// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attr, blank, block, call, comment, expr, object, printFile, quote, template } from './hcl.ts';

describe('HCL writer: layout as terraform fmt prints it', () => {
  const cases: { name: string; body: Parameters<typeof printFile>[0]; text: string }[] = [
    {
      name: 'consecutive one-line attributes align their =',
      body: [attr('a', 1), attr('longer', 'x'), attr('mid', true)],
      text: 'a      = 1\nlonger = "x"\nmid    = true\n',
    },
    {
      name: 'a multi-line value ends the run; the attributes after it align on their own',
      body: [attr('name', 'n'), attr('tags', object({ Name: 'n' })), attr('x', 1), attr('yy', 2)],
      text: 'name = "n"\ntags = {\n  Name = "n"\n}\nx  = 1\nyy = 2\n',
    },
    {
      name: 'a blank line or a comment ends the run',
      body: [attr('a', 1), blank, attr('bbb', 2), comment('why'), attr('cc', 3)],
      text: 'a = 1\n\nbbb = 2\n# why\ncc = 3\n',
    },
    {
      name: 'nested blocks are set apart by blank lines and indent two spaces a level; empty blocks stay on one line',
      body: [
        block(
          'resource',
          ['aws_vpc', 'this'],
          [
            attr('cidr_block', '10.0.0.0/16'),
            block('lifecycle', [], []),
            attr('depends_on', [expr('aws_iam_role.x')]),
          ],
        ),
      ],
      text: 'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n\n  lifecycle {}\n\n  depends_on = [aws_iam_role.x]\n}\n',
    },
    {
      name: 'lists of scalars on one line, lists of objects one element a line with commas',
      body: [attr('a', ['x', 2, expr('var.y')]), attr('b', [object({ k: 1 })]), attr('c', [])],
      text: 'a = ["x", 2, var.y]\nb = [\n  {\n    k = 1\n  },\n]\nc = []\n',
    },
    {
      name: 'a call opening an object indents its body one level',
      body: [attr('policy', call('jsonencode', object({ Version: '2012-10-17' })))],
      text: 'policy = jsonencode({\n  Version = "2012-10-17"\n})\n',
    },
    {
      name: 'object keys: identifiers bare, others quoted, ${} keys kept as templates',
      body: [
        attr('tags', object({ 'kubernetes.io/role/elb': '1', '${local.issuer}:sub': 'x', plain: null })),
      ],
      text: 'tags = {\n  "kubernetes.io/role/elb" = "1"\n  "${local.issuer}:sub"    = "x"\n  plain                    = null\n}\n',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(printFile(c.body), c.text));
});

describe('HCL writer: strings', () => {
  it('escapes quotes, backslashes and newlines, and doubles ${ and %{ so they stay literal', () => {
    assert.equal(quote('say "hi"\\n\n${x} %{y}'), '"say \\"hi\\"\\\\n\\n$${x} %%{y}"');
  });
  it('templates interpolate', () => {
    assert.equal(printFile([attr('name', template('${var.name}-db'))]), 'name = "${var.name}-db"\n');
  });
  it('refuses numbers HCL cannot write', () => {
    assert.throws(() => printFile([attr('n', Number.NaN)]), /finite/);
  });
});
