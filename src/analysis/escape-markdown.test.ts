import assert from 'node:assert/strict';
import { test } from 'node:test';
import { htmlCode, markdownCode, markdownText, showHiddenCharacters } from './escape-markdown.ts';

const HOSTILE = ['a|b', 'x`y', '<script>alert(1)</script>', '[link](https://evil.example)', 'two\nlines', 'cr\rreturn', '**bold**', '<img src=x onerror=alert(1)>', ' padded '];

/** cells of a GFM table row: split at `|` not escaped by a backslash */
const cells = (row: string) => row.split(/(?<!\\)\|/).length - 2;

test('a plain name stays inline code, as before', () => {
  assert.equal(markdownCode('group:payments-devs'), '`group:payments-devs`');
  assert.equal(markdownCode('alice@acme.example'), '`alice@acme.example`');
  assert.equal(markdownCode('arn:aws:s3:::bucket/*'), '`arn:aws:s3:::bucket/*`');
});

test('a hostile name keeps a table row to its cells and injects no HTML, link or line', () => {
  for (const name of HOSTILE) {
    for (const rendered of [markdownCode(name), htmlCode(name), markdownText(name)]) {
      const row = `| ${rendered} | b |`;
      assert.equal(cells(row), 2, `${JSON.stringify(name)} as ${rendered}`);
      assert.ok(!/[\n\r]/.test(rendered), rendered);
      // inside one backtick code span nothing is Markdown or HTML; elsewhere no tag but <code>, no link
      const codeSpan = /^`[^`]+`$/.test(rendered);
      assert.ok(codeSpan || !/(?<!\\)<(?!\/?code>)/.test(rendered), `raw HTML in ${rendered}`);
      assert.ok(codeSpan || !/(?<!\\)\[[^\]]*(?<!\\)\]\(/.test(rendered), `a link in ${rendered}`);
    }
  }
  assert.equal(markdownCode('a|b'), '<code>a&#124;b</code>');
  assert.equal(markdownCode('x`y'), '<code>x&#96;y</code>');
  assert.equal(markdownCode('<script>'), '`<script>`');
  assert.equal(htmlCode('<script>'), '<code>&#60;script&#62;</code>');
  assert.equal(markdownText('[link](x) *a*'), '\\[link\\]\\(x\\) \\*a\\*');
});

test('control, zero-width and bidirectional characters are shown, not written', () => {
  assert.equal(showHiddenCharacters('a\u202Eb\u200Bc\u001b[31m'), 'a\\u{202E}b\\u{200B}c\\u{001B}[31m');
  assert.equal(markdownCode('two\nlines'), '`two\\u{000A}lines`');
  assert.equal(markdownCode('admin\u202E'), '`admin\\u{202E}`');
});
