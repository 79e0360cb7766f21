/**
 * Block-style YAML for a plain JSON-like value (a flattened manifest), several times faster than
 * yaml.stringify on the large manifests a batch migration regenerates.
 *
 * Quoting is conservative, because the CDK reads manifests with PyYAML (YAML 1.1): a string stays plain
 * only when no YAML 1.1 or 1.2 parser could read it as anything but that string (no numbers, dates,
 * yes/no/on/off, indicators); everything else is written as a JSON string, which is valid double-quoted YAML.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const SPECIAL_WORDS = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|=|<<)$/;

/** Whether `s` can be written without quotes and read back as the same string by any YAML parser. */
export function isPlainSafe(s: string): boolean {
  if (!s || s !== s.trim()) return false;
  if (!/^[A-Za-z_$/]/.test(s)) return false; // digits, signs, dots, indicators, quotes: quote
  if (SPECIAL_WORDS.test(s)) return false;
  if (/[\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  return true;
}

function scalar(v: Json, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  if (isPlainSafe(v as string)) return v as string;
  const s = v as string;
  // Readable multi-line text (descriptions) as a literal block when it round-trips exactly.
  if (s.includes('\n') && /^[^\s]/.test(s) && !/[ \t]\n|[ \t]$|\r|\t/.test(s) && !/\n\n$/.test(s) && !/[\u0000-\u0009\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) {
    const body = s.endsWith('\n') ? s.slice(0, -1) : s;
    const pad = indent + '  ';
    return (s.endsWith('\n') ? '|' : '|-') + body.split('\n').map((l) => '\n' + (l ? pad + l : '')).join('');
  }
  return JSON.stringify(s);
}

function key(k: string): string {
  return isPlainSafe(k) ? k : JSON.stringify(k);
}

function isCollection(v: Json): v is Json[] | { [k: string]: Json } {
  return v !== null && typeof v === 'object';
}

function emptyCollection(v: Json): string | undefined {
  if (Array.isArray(v)) return v.length ? undefined : '[]';
  if (isCollection(v)) return Object.keys(v).length ? undefined : '{}';
  return undefined;
}

function emitMap(obj: { [k: string]: Json }, indent: string, out: string[], firstPrefix?: string): void {
  let first = true;
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const lead = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    const empty = emptyCollection(v);
    if (!isCollection(v) || empty) out.push(`${lead}${key(k)}: ${empty ?? scalar(v, indent)}`);
    else {
      out.push(`${lead}${key(k)}:`);
      if (Array.isArray(v)) emitSeq(v, indent + '  ', out);
      else emitMap(v, indent + '  ', out);
    }
  }
}

function emitSeq(items: Json[], indent: string, out: string[]): void {
  for (const item of items) {
    const empty = emptyCollection(item);
    if (!isCollection(item) || empty) out.push(`${indent}- ${empty ?? scalar(item, indent)}`);
    else if (Array.isArray(item)) {
      out.push(`${indent}-`);
      emitSeq(item, indent + '  ', out);
    } else emitMap(item, indent + '  ', out, `${indent}- `);
  }
}

/** The YAML text of a JSON-like value (a mapping at the top), a blank line between top-level keys. */
export function emitYaml(value: Record<string, unknown>): string {
  const sections: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const out: string[] = [];
    emitMap({ [k]: v as Json }, '', out);
    sections.push(out.join('\n'));
  }
  return sections.join('\n\n') + '\n';
}
