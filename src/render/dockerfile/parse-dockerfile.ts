/**
 * A small Dockerfile reader, enough for our lint rules: instructions with their line, keyword
 * and arguments, grouped into build stages. Continuation lines (a trailing backslash, or the
 * `# escape=` directive's character) are joined and comment lines inside them skipped, as
 * Docker's parser does. It does not expand ARGs or here-documents.
 * https://docs.docker.com/reference/dockerfile/#format
 */

export interface Instruction {
  /** 1-based line where the instruction starts. */
  line: number;
  /** Upper case: FROM, RUN, USER… */
  keyword: string;
  /** Everything after the keyword, continuations joined by a space. */
  args: string;
}

export interface Stage {
  /** The FROM instruction that starts it (undefined for instructions before any FROM). */
  from: Instruction;
  /** The image or earlier stage it starts from. */
  base: string;
  /** `AS name`, lower case, when given. */
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  instructions: Instruction[];
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split(/\r?\n/);
  const continuation = escapeCharacter(lines);
  const instructions: Instruction[] = [];
  let current: { line: number; text: string } | undefined;
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim();
    if (current === undefined) {
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      current = { line: index + 1, text: '' };
    } else if (trimmed.startsWith('#')) {
      continue; // a comment inside a continued instruction
    }
    if (trimmed.endsWith(continuation)) {
      current.text += `${trimmed.slice(0, -1).trimEnd()} `;
      continue;
    }
    current.text += trimmed;
    instructions.push(instruction(current.line, current.text));
    current = undefined;
  }
  if (current) instructions.push(instruction(current.line, current.text));
  return { instructions, stages: stagesOf(instructions) };
}

function instruction(line: number, text: string): Instruction {
  const match = /^(\S+)\s*(.*)$/s.exec(text.trim())!;
  return { line, keyword: match[1]!.toUpperCase(), args: match[2]!.trim() };
}

/** `# escape=`` ` ` (a parser directive, only before any other line) changes the continuation character. */
function escapeCharacter(lines: string[]): string {
  for (const line of lines) {
    const directive = /^#\s*escape\s*=\s*(\S)\s*$/i.exec(line.trim());
    if (directive) return directive[1]!;
    if (!/^#\s*\w+\s*=/.test(line.trim())) break;
  }
  return '\\';
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const asIndex = words.findIndex((w) => w.toLowerCase() === 'as');
      stages.push({
        from: instruction,
        base: words[0] ?? '',
        ...(asIndex > 0 && words[asIndex + 1] ? { name: words[asIndex + 1]!.toLowerCase() } : {}),
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}
