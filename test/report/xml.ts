/**
 * A small XML well-formedness checker for the SVG tests (no regular expressions over the
 * markup, no dependency): a character scanner with a stack of open elements. It accepts
 * an XML declaration, elements, attributes in double quotes, text and the five predefined
 * entities plus numeric character references — everything our SVG writer emits — and
 * throws on anything else, naming the offset.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isNameCharacter(character: string): boolean {
  return (
    (character >= 'a' && character <= 'z') ||
    (character >= 'A' && character <= 'Z') ||
    (character >= '0' && character <= '9') ||
    '-_:.'.includes(character)
  );
}

/** Parses `source`, returning the root element, or throws where it is not well formed. */
export function parseXml(source: string): XmlElement {
  let position = 0;
  const fail = (message: string): never => {
    throw new Error(
      `parseXml: ${message} at offset ${position}: ${JSON.stringify(source.slice(position, position + 30))}`,
    );
  };
  const skipSpace = (): void => {
    while (position < source.length && ' \n\r\t'.includes(source[position])) position++;
  };
  const readName = (): string => {
    const start = position;
    while (position < source.length && isNameCharacter(source[position])) position++;
    if (position === start) fail('expected a name');
    return source.slice(start, position);
  };
  const decode = (raw: string): string => {
    let decoded = '';
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '<') fail('"<" in text or attribute');
      if (raw[i] !== '&') {
        decoded += raw[i];
        continue;
      }
      const end = raw.indexOf(';', i);
      if (end < 0) fail('unterminated entity');
      const name = raw.slice(i + 1, end);
      if (name.startsWith('#')) {
        const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
        if (!Number.isFinite(code)) fail(`bad character reference &${name};`);
        decoded += String.fromCodePoint(code);
      } else if (name in entities) decoded += entities[name];
      else fail(`unknown entity &${name};`);
      i = end;
    }
    return decoded;
  };

  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    position = end + 2;
  }
  skipSpace();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (position < source.length) {
    if (source[position] !== '<') {
      const end = source.indexOf('<', position);
      const raw = source.slice(position, end < 0 ? source.length : end);
      if (stack.length === 0) {
        if (raw.trim() !== '') fail('text outside the root element');
      } else stack[stack.length - 1].text += decode(raw);
      position = end < 0 ? source.length : end;
      continue;
    }
    position++;
    if (source[position] === '/') {
      position++;
      const name = readName();
      skipSpace();
      if (source[position] !== '>') fail('expected ">"');
      position++;
      const open = stack.pop();
      if (open === undefined || open.name !== name)
        fail(`closing </${name}> does not match <${open?.name ?? 'nothing'}>`);
      continue;
    }
    if (stack.length === 0 && root !== undefined) fail('a second root element');
    const element: XmlElement = { name: readName(), attributes: {}, children: [], text: '' };
    for (;;) {
      const before = position;
      skipSpace();
      if (source.startsWith('/>', position) || source[position] === '>') break;
      if (position === before) fail('expected whitespace before an attribute');
      const name = readName();
      if (name in element.attributes) fail(`duplicate attribute ${name}`);
      if (source[position] !== '=' || source[position + 1] !== '"') fail('expected =" after an attribute name');
      const end = source.indexOf('"', position + 2);
      if (end < 0) fail('unterminated attribute value');
      element.attributes[name] = decode(source.slice(position + 2, end));
      position = end + 1;
    }
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else root = element;
    if (source.startsWith('/>', position)) position += 2;
    else {
      position++;
      stack.push(element);
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack[stack.length - 1].name}>`);
  if (root === undefined) fail('no root element');
  return root as XmlElement;
}

/** Every element of the tree, depth first. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}

/** The elements named `name` whose class attribute is `className` (if given). */
export function findElements(root: XmlElement, name: string, className?: string): XmlElement[] {
  return allElements(root).filter(
    (element) => element.name === name && (className === undefined || element.attributes.class === className),
  );
}
