/** One thing wrong (or worth knowing) about a file, located where a user can jump to it. */
export interface Problem {
  rule?: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  fix?: string;
}

/** An error that names the file (and where known the line) it is about. */
export class ConveyorError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  constructor(message: string, where: { file?: string; line?: number; column?: number } = {}) {
    super(formatLocation(where) + message);
    this.name = 'ConveyorError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

export function formatLocation(where: { file?: string; line?: number; column?: number }): string {
  if (!where.file) return '';
  let out = where.file;
  if (where.line) out += `:${where.line}`;
  if (where.line && where.column) out += `:${where.column}`;
  return out + ': ';
}

export function formatProblem(p: Problem): string {
  return `${formatLocation(p)}${p.severity}${p.rule ? ` [${p.rule}]` : ''}: ${p.message}${p.fix ? `\n  fix: ${p.fix}` : ''}`;
}

/** Quote a piece of user text in a message, cut short so one bad value cannot flood a log. */
export function quote(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > max ? text.slice(0, max) + '…' : text);
}
