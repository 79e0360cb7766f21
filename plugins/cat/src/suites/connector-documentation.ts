import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { expectedDocsPath } from '@conveyor/connector';
import type { TestEntry } from '../config/types';
import type { CatRun } from '../run/context';
import { fail, skip } from '../run/outcome';
import { isCertified } from './connector-attributes';
import { parseHeadings, structureProblem, withoutStep } from './docs-headings';

const label = (name: string, entry: TestEntry) => (entry.index > 0 ? `${name} #${entry.index + 1}` : name);

const CREDENTIALS_KEYWORDS = ['account', 'auth', 'credentials', 'access'];

/** The connector's docs page: the one readConnector found, else where Airbyte keeps it (`docs/integrations/<kind>s/<name>.md`). */
export function docsPage(run: CatRun): { file: string; shown: string } {
  const c = run.connector;
  const file = c.docsPath ?? (c.repoRoot ? expectedDocsPath(c, c.repoRoot) : undefined);
  if (!file) fail(`no docs page: no docs/integrations folder above ${c.root}, where docs/integrations/${c.kind === 'destination' ? 'destination' : 'source'}s/${c.name.replace(/^(source|destination)-/, '')}.md would be`);
  const root = c.repoRoot ?? dirname(dirname(dirname(file!)));
  return { file: file!, shown: relative(root, file!) };
}

function readDocs(run: CatRun): { text: string; shown: string } {
  const { file, shown } = docsPage(run);
  if (!existsSync(file)) fail(`the docs page ${shown} does not exist`);
  return { text: readFileSync(file, 'utf8').trimEnd(), shown };
}

/**
 * TestConnectorDocumentation (tests/test_core.py), certified connectors only: the Prerequisites section
 * names every required spec field, and the page's headings follow Airbyte's docs template in order.
 */
export async function connectorDocumentationSuite(run: CatRun, entries: TestEntry[]): Promise<void> {
  const uncertified = 'Skipping testing source connector documentation due to low ql (ab_internal.ql < 400)';
  const name = String((run.connector.metadata as { name?: unknown } | undefined)?.name ?? run.connector.name);
  for (const e of entries) {
    await run.test('connector_documentation', label('prerequisites_content', e), e, async () => {
      if (!isCertified(run)) skip(uncertified);
      const { text, shown } = readDocs(run);
      const headings = parseHeadings(text);
      const prereq = headings.find((h) => h.text === 'Prerequisites');
      if (!prereq) fail(`${shown} has no Prerequisites section`);
      // Lines joined with a separator so two lines never run together into a title.
      const content = text.split(/\r?\n/).slice(prereq!.contentStart, prereq!.contentEnd).join('|').toLowerCase();
      const spec = (await run.spec()).connectionSpecification as { required?: string[]; properties?: Record<string, { title?: string }> };
      const required = spec.required ?? [];
      const missing: string[] = [];
      for (const field of required.filter((f) => f !== 'credentials')) {
        const title = spec.properties?.[field]?.title;
        if (typeof title !== 'string') fail(`required spec field \`${field}\` has no title to look for in the Prerequisites section`);
        if (!content.includes(title!.toLowerCase())) missing.push(`'${title!.toLowerCase()}'`);
      }
      if (missing.length) fail(`required field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in the Prerequisites section of ${shown} (line ${prereq!.line + 1}), or the spec title does not match the docs`);
      if (required.includes('credentials') && !CREDENTIALS_KEYWORDS.some((k) => content.includes(k)))
        fail(`the Prerequisites section of ${shown} does not mention credentials (none of ${CREDENTIALS_KEYWORDS.join(', ')})`);
      return `Prerequisites (line ${prereq!.line + 1}) names all ${required.length} required fields`;
    });
    await run.test('connector_documentation', label('docs_structure', e), e, () => {
      if (!isCertified(run)) skip(uncertified);
      const { text, shown } = readDocs(run);
      const headings = parseHeadings(text).map((h) => withoutStep(h.text));
      const problem = structureProblem(headings, name);
      if (problem) fail(`${shown}: ${problem}`);
      return `${headings.length} headings follow the docs template for "${name}"`;
    });
    await run.test('connector_documentation', label('docs_descriptions', e), e, () => {
      if (!isCertified(run)) skip(uncertified);
      skip("not emulated: it compares sections with the text of CAT's doc_templates, which cat does not ship");
    });
    await run.test('connector_documentation', label('validate_links', e), e, () => {
      if (!isCertified(run)) skip(uncertified);
      skip('not emulated: checking links needs network access to every linked site');
    });
  }
}

