import { locate, type Problem, type YamlFile } from '@conveyor/connector';
import type { Shape } from './shape';

type Path = (string | number)[];

const describe = (s: Shape): string => {
  switch (s.kind) {
    case 'string':
      return 'a string';
    case 'bool':
      return 'true or false';
    case 'int':
      return 'a whole number ≥ 0';
    case 'enum':
      return `one of ${s.values.join(', ')}`;
    case 'object':
      return 'a mapping';
    case 'map':
      return 'a mapping';
    case 'list':
      return 'a list';
    case 'either':
      return s.describe;
    default:
      return 'any value';
  }
};

export const formatPath = (path: Path): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');

/** Check a parsed YAML value against a shape; every problem is located at its key in the file. */
export function checkShape(file: YamlFile, value: unknown, shape: Shape, path: Path = []): Problem[] {
  const problems: Problem[] = [];
  const fail = (message: string, at: Path = path) => problems.push({ rule: 'cat-config', severity: 'error', message, file: file.file, ...locate(file, at) });
  const walk = (v: unknown, s: Shape, p: Path): boolean => {
    const where = p.length ? `\`${formatPath(p)}\`` : 'the file';
    switch (s.kind) {
      case 'any':
        return true;
      case 'string':
        // YAML turns `1.0` or `yes` into numbers and booleans; Airbyte's pydantic models coerce them back.
        if (typeof v === 'string' || typeof v === 'number') return true;
        break;
      case 'bool':
        if (typeof v === 'boolean') return true;
        break;
      case 'int':
        if (Number.isInteger(v) && (v as number) >= 0) return true;
        break;
      case 'enum':
        if (typeof v === 'string' && s.values.includes(v)) return true;
        break;
      case 'list':
        if (Array.isArray(v)) {
          v.forEach((item, i) => walk(item, s.item, [...p, i]));
          return true;
        }
        break;
      case 'map':
      case 'object':
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          for (const [k, child] of Object.entries(v)) {
            if (s.kind === 'map') walk(child, s.value, [...p, k]);
            else if (s.fields[k]) walk(child, s.fields[k], [...p, k]);
            else fail(`unknown key \`${k}\` in ${where}; allowed keys: ${Object.keys(s.fields).join(', ')}`, [...p, k]);
          }
          return true;
        }
        // An empty YAML value (`empty_streams:`) means "not set".
        if (v === null) return true;
        break;
      case 'either':
        if (s.options.some((o) => checkShape(file, v, o, p).length === 0)) return true;
        break;
    }
    if (v === null && s.kind !== 'string') return true;
    fail(`${where} must be ${describe(s)}, got ${JSON.stringify(v)}`, p);
    return false;
  };
  walk(value, shape, path);
  return problems;
}

const TRUE = new Set(['yes', 'y', 'true', 'on', '1']);
const FALSE = new Set(['no', 'n', 'false', 'off', '0']);

/**
 * Booleans as CAT reads them: PyYAML (YAML 1.1) turns `yes`/`no`/`on`/`off` into booleans and pydantic
 * accepts them, while YAML 1.2 keeps them as strings. Returns a copy with those strings converted.
 */
export function coerceBooleans(value: unknown, shape: Shape): unknown {
  switch (shape.kind) {
    case 'bool':
      if (typeof value === 'string' && TRUE.has(value.toLowerCase())) return true;
      if (typeof value === 'string' && FALSE.has(value.toLowerCase())) return false;
      return value;
    case 'list':
      return Array.isArray(value) ? value.map((v) => coerceBooleans(v, shape.item)) : value;
    case 'map':
    case 'object':
      if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          const child = shape.kind === 'map' ? shape.value : shape.fields[k];
          return [k, child ? coerceBooleans(v, child) : v];
        }),
      );
    case 'either':
      return shape.options.reduce((v, o) => coerceBooleans(v, o), value);
    default:
      return value;
  }
}
