/**
 * Markdown templates for the prose of summary.md: long text lives in `.md` files beside the
 * paper (papers/<slug>/text/*.md), readable and diffable as prose, with `{{name}}` where a
 * measured number or a setting goes. Filling is strict: a placeholder without a value, or a
 * value without a placeholder, is an error naming the template, so text and code cannot
 * drift apart silently.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A value for a placeholder: numbers are written as they are; format them first where digits matter. */
export type TemplateValue = string | number;

/**
 * Replaces every `{{name}}` in `template` by `values[name]`.
 * @example fillTemplate('n = {{n}}', { n: 100 }); // 'n = 100'
 */
export function fillTemplate(
  template: string,
  values: Readonly<Record<string, TemplateValue>>,
  source = 'template',
): string {
  const used = new Set<string>();
  const filled = template.replace(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g, (_match, name: string) => {
    if (!Object.hasOwn(values, name))
      throw new Error(`fillTemplate: ${source} has {{${name}}} but no value was given for it`);
    used.add(name);
    return String(values[name]);
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`fillTemplate: ${source} has no placeholder for ${unused.join(', ')}`);
  return filled;
}

/**
 * Reads the template at `path` (relative to `moduleUrl`, the caller's `import.meta.url`) and fills it.
 * @example markdownTemplate(import.meta.url, 'text/description.md', { size: 100 });
 */
export function markdownTemplate(
  moduleUrl: string,
  path: string,
  values: Readonly<Record<string, TemplateValue>> = {},
): string {
  const file = fileURLToPath(new URL(path, moduleUrl));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`markdownTemplate: cannot read ${file}: ${(error as Error).message}`);
  }
  return fillTemplate(text, values, file).trim();
}
