/**
 * Which settings an untrusted workspace may set (package.json, `capabilities.untrustedWorkspaces`): every setting
 * that names a file, a server or an address, or decides what is read, written or sent online, is a restricted
 * configuration, so in Restricted Mode only the user's own value counts. A new setting must be put on one side or
 * the other here, with the reason.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  contributes: { configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[] };
};

/** Settings that name files or servers, or decide what is read, written or sent online. */
const RESTRICTED = [
  'paperLookup.indexes', // files and servers read
  'paperLookup.bibliographyFile', // the file written
  'paperLookup.citation.addToBibliography', // whether it is written without asking
  'paperLookup.citation.style', // a .csl file read and run by the CSL processor
  'paperLookup.maxFileSizeMB', // how much of a file is read
  'paperLookup.online.enabled', // whether typed identifiers go online
  'paperLookup.trending.autoRefresh', // whether Hugging Face is asked by itself
  'paperLookup.online.arxivUrl',
  'paperLookup.online.crossrefUrl',
  'paperLookup.online.dataciteUrl',
  'paperLookup.online.huggingFaceUrl',
  'paperLookup.online.crossrefMailto', // an address sent with every Crossref lookup
  'paperLookup.zotero.enabled', // a library read
  'paperLookup.zotero.dataDirectory',
];

/** Settings that only shape text inserted where the user puts the cursor, or how results are shown. */
const SHAPING_ONLY = [
  'paperLookup.citation.latexCommand',
  'paperLookup.citation.keyTemplate',
  'paperLookup.citation.languages',
  'paperLookup.citation.plainTemplate',
  'paperLookup.panel.reuse',
  'paperLookup.search.maxResults',
];

describe('settings an untrusted workspace may set', () => {
  const contributed = [manifest.contributes.configuration].flat().flatMap((section) => Object.keys(section.properties));

  it('every contributed setting is either restricted or only shapes text and results', () => {
    assert.deepEqual([...contributed].sort(), [...RESTRICTED, ...SHAPING_ONLY].sort());
  });

  it('restricts exactly the settings that name files or servers or decide what is read, written or sent', () => {
    assert.deepEqual([...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [...RESTRICTED].sort());
  });
});
