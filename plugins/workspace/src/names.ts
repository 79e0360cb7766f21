/** Name rules shared by the generators: one message shape, so a user learns the rule from the first error. */

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export class GeneratorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeneratorInputError';
  }
}

/** Throw unless `name` is kebab-case (`my-stage`, `pokeapi`, `google-sheets-v2`). */
export function assertKebabCase(name: unknown, what: string, example: string): string {
  if (typeof name !== 'string' || !name.trim()) throw new GeneratorInputError(`${what}: a name is required, e.g. ${example}`);
  if (!KEBAB.test(name))
    throw new GeneratorInputError(
      `${what}: "${name}" is not kebab-case: expected lowercase letters and digits in words joined by single hyphens, starting with a letter (e.g. ${example})`,
    );
  return name;
}

/** `Foo Bar` for `foo-bar`: the display name metadata.yaml and the docs page use unless one is given. */
export function titleCase(kebab: string): string {
  return kebab
    .split('-')
    .map((w) => (w.length ? w[0].toUpperCase() + w.slice(1) : w))
    .join(' ');
}

/** `FooBar` for `foo-bar`, for class names. */
export function pascalCase(kebab: string): string {
  return titleCase(kebab).replace(/ /g, '');
}

/** `a, b` from a comma list or an array given on the command line. */
export function splitList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = Array.isArray(value) ? value : String(value).split(',');
  return parts.flatMap((p) => String(p).split(',')).map((p) => p.trim()).filter(Boolean);
}
