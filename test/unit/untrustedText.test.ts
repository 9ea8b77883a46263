/**
 * No text from a file becomes a link, an image, markup, an icon or reordered text where VS Code shows it.
 *
 * The table of hostile strings is every string in test/fixtures/hostile/markup-in-text.json, an index file of the
 * hostile corpus (test/unit/hostile.test.ts loads it like the others). Each one goes through every function that
 * builds what VS Code renders — notification messages, labels, Markdown, hovers, completion documentation — and the
 * result is rendered the way VS Code renders that place: its own link pattern for notifications
 * (`parseLinkedText`, copied below), its icon pattern for labels (`renderLabelWithIcons`), and a CommonMark
 * renderer with raw HTML switched on for Markdown (and bare-URL detection too, for `markdownText`).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BibEntry } from '../../src/bibtex/bibliography';
import { bibEntryHover, paperDocumentation, paperHover } from '../../src/citation/paperSummary';
import type { Paper } from '../../src/papers/paper';
import { markdownText, plainForLabel, plainForMessage, plainLine } from '../../src/shared/untrustedText';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'hostile', 'markup-in-text.json');

/** Every string value in the fixture (ids, titles, abstracts, authors, venue, the index name), as written. */
function hostileStrings(): string[] {
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  return strings;
}

const HOSTILE = hostileStrings();

/**
 * markdown-it (a CommonMark renderer; here through @vscode/vsce, which renders the README with it), with raw HTML
 * on: stricter than VS Code's own Markdown, which leaves HTML off for us. `linkified` also makes links of bare
 * URLs, as GitHub-flavoured Markdown does; notifications never do that (only `[label](target)` is a link there),
 * and a message may name an https URL as text.
 */
const MarkdownIt = createRequire(__filename)('markdown-it') as new (options: object) => { render(markdown: string): string };
const markdown = new MarkdownIt({ html: true });
const linkified = new MarkdownIt({ html: true, linkify: true });

/** VS Code 1.100's `parseLinkedText` pattern: what turns notification text into a clickable link. */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

/** VS Code 1.100's `renderLabelWithIcons` pattern; a match without the leading backslash becomes an icon. */
const LABEL_ICON = /(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g;

const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const DANGEROUS_URI = /\b(?:command|javascript|vbscript|data|file|vscode):\S/i;

/** The text a label shows, as `renderLabelWithIcons` renders it; throws on anything that would become an icon. */
function renderLabel(text: string): string {
  return text.replace(LABEL_ICON, (_whole, escaped: string | undefined, name: string) => {
    assert.ok(escaped, `${JSON.stringify(text)} renders $(${name}) as an icon`);
    return `$(${name})`;
  });
}

/** The tags in rendered HTML. */
function tagsIn(html: string): string[] {
  return [...html.matchAll(/<\/?([A-Za-z][\w-]*)/g)].map((match) => match[1].toLowerCase());
}

function decodeEntities(html: string): string {
  return html
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** One line with nothing that reorders or breaks it. */
function assertOneCleanLine(text: string, from: string): void {
  assert.doesNotMatch(text, BIDI_CONTROL, `bidi control left in ${JSON.stringify(text)} (from ${JSON.stringify(from)})`);
  assert.doesNotMatch(text, CONTROL_CHARACTER, `control character left in ${JSON.stringify(text)} (from ${JSON.stringify(from)})`);
}

/** What a notification shows for `message`: no link VS Code would make, nor one a Markdown renderer would, nor an HTML tag. */
function assertNotificationText(message: string, from: string): void {
  assertOneCleanLine(message, from);
  assert.deepEqual([...message.matchAll(NOTIFICATION_LINK)].map((match) => match[0]), [], `a notification link in ${JSON.stringify(message)}`);
  assert.doesNotMatch(message, DANGEROUS_URI, `a dangerous URI in ${JSON.stringify(message)}`);
  // Formatting tags are all CommonMark can make of it: no link, image or HTML of the text's own.
  const formatting = new Set(['p', 'em', 'strong', 'code', 's']);
  const html = markdown.render(message);
  assert.deepEqual(tagsIn(html).filter((tag) => !formatting.has(tag)), [], `markup from ${JSON.stringify(message)}: ${html}`);
}

/** Markdown that renders as exactly one paragraph of `text`. */
function assertRendersAsText(markdownSource: string, text: string): void {
  const html = linkified.render(markdownSource).trim();
  assert.deepEqual(tagsIn(html), ['p', 'p'], `markup from ${JSON.stringify(markdownSource)}: ${html}`);
  assert.equal(decodeEntities(html.slice('<p>'.length, -'</p>'.length)), text);
}

function hostilePaper(text: string): Paper {
  return { id: text, title: text, abstract: `${text} ${text}`, authors: [text, 'Plain Author'], year: 2024, venue: text };
}

describe('untrusted text in VS Code UI', () => {
  it('has a table of hostile strings shared with the hostile corpus', () => {
    assert.ok(HOSTILE.length >= 20, `only ${HOSTILE.length} strings`);
    for (const probe of ['](command:', '![', '<script>', 'javascript:', '\u202e', '\n', '$(warning)']) {
      assert.ok(HOSTILE.some((text) => text.includes(probe)), `no hostile string has ${JSON.stringify(probe)}`);
    }
  });

  describe('plainForMessage', () => {
    it('breaks every link, image, tag, autolink and dangerous URI of the table, on one line without bidi controls', () => {
      for (const text of HOSTILE) assertNotificationText(plainForMessage(text), text);
    });

    it('keeps the text readable: the same words in the same order', () => {
      assert.equal(plainForMessage('refs.bib [Open details](command:workbench.action.terminal.new)'), 'refs.bib [Open details] (command: workbench.action.terminal.new)');
      assert.equal(plainForMessage('![pixel](https://evil.example/p.png)'), '![pixel] (https://evil.example/p.png)');
      assert.equal(plainForMessage('<script>alert(1)</script> a<b'), '< script>alert(1)< /script> a< b');
      assert.equal(plainForMessage('Line\nbreak\u202e flipped\u202c'), 'Line break flipped');
      assert.equal(plainForMessage('Vaswani et al. (2017): Attention Is All You Need, refs.bib line 3, column 5'), 'Vaswani et al. (2017): Attention Is All You Need, refs.bib line 3, column 5');
    });

    it('breaks a link that only removing a bidi control or a line break would make', () => {
      assertNotificationText(plainForMessage('[x]\u200f(command:workbench.action.terminal.new)'), 'mark');
      assertNotificationText(plainForMessage('[x]\n(command:workbench.action.terminal.new)'), 'line break');
    });

    it('also neutralises a whole message built around the data, as the extension builds them', () => {
      for (const text of HOSTILE) {
        assertNotificationText(plainForMessage(`Paper Lookup: could not add ${text} to ${text}.bib: ${text}`), text);
        assertNotificationText(plainForMessage(`Add “${text}” to refs.bib?`), text);
      }
    });
  });

  describe('plainForLabel', () => {
    it('shows the text as written on one line, no icon: every $(name) escaped', () => {
      for (const text of HOSTILE) {
        const label = plainForLabel(text);
        assert.equal(renderLabel(label), plainLine(text));
        assertOneCleanLine(renderLabel(label), text);
      }
      assert.equal(plainForLabel('$(warning) $(loading~spin) <b>title</b>'), '\\$(warning) \\$(loading~spin) <b>title</b>');
      // A backslash the data has before `$(` shows too.
      assert.equal(renderLabel(plainForLabel('\\$(zap)')), '\\$(zap)');
    });

    it('after plainForMessage (a progress message, in the status bar or a notification): no icon and no link', () => {
      for (const text of HOSTILE) {
        const shown = renderLabel(plainForLabel(plainForMessage(text)));
        assert.equal(shown, plainForMessage(text));
        assertNotificationText(shown, text);
      }
    });
  });

  describe('markdownText', () => {
    it('renders as exactly the one-line text, whatever Markdown, HTML or URL it holds', () => {
      for (const text of HOSTILE) assertRendersAsText(markdownText(text), plainLine(text));
    });
  });

  describe('hovers and completion documentation', () => {
    const actionLinks = (html: string): string[] => [...html.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1]);

    it('a hover on our paper: the only links are our own command links, no image, no HTML of the data', () => {
      for (const text of HOSTILE) {
        const hover = paperHover(hostilePaper(text), [
          { label: 'Open abstract', command: 'paperLookup.showAbstract', args: [text] },
          `in ${text}.bib as ${text}`,
        ]);
        const html = linkified.render(hover);
        assert.deepEqual(actionLinks(html).map((href) => href.split('?')[0]), ['command:paperLookup.showAbstract'], html);
        assert.deepEqual(tagsIn(html).filter((tag) => !['p', 'strong', 'a'].includes(tag)), [], html);
        assertOneCleanLine(decodeEntities(html.replace(/<[^>]*>/g, '')).replace(/\n/g, ' '), text);
      }
    });

    it('completion documentation and a .bib entry hover: no link, image or HTML at all', () => {
      for (const text of HOSTILE) {
        const entry: BibEntry = { key: text, type: 'article', title: text, authors: [text], year: text, venue: text, abstract: text };
        for (const source of [paperDocumentation(hostilePaper(text)), bibEntryHover(entry, `${text}.bib`)]) {
          const html = linkified.render(source);
          assert.deepEqual(tagsIn(html).filter((tag) => !['p', 'strong', 'em'].includes(tag)), [], html);
        }
      }
    });
  });
});
