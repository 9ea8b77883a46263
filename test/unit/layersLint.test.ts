/**
 * The lint rule that keeps the pure core in layers (`CORE_LAYERS` in eslint.config.mjs): run with the project's own
 * config on code placed in each folder, it flags an import of a folder above, of `vscode`, of VS Code glue, bench
 * or test code, and lets imports of the folders below through. So folders have no import cycles between them.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..');

/** The import rule's messages for `code` as if it were a file in `folder`, or the file `folder` names (a `.ts`). */
async function importProblems(folder: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const filePath = folder.endsWith('.ts') ? path.join(root, folder) : path.join(root, folder, 'lintProbe.ts');
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('lint rule: the pure core in layers, shipping code apart from bench and tests', function () {
  this.timeout(60_000);

  const refused: [folder: string, code: string, why: RegExp][] = [
    ['src/papers', "import { PaperCatalog } from '../catalog/catalog';", /src\/papers\/ may import only src\/shared\//],
    ['src/sources', "import type { SearchHit } from '../search/search';", /src\/sources\/ may import only/],
    ['src/search', "import { PaperCatalog } from '../catalog/catalog';", /src\/search\/ may import only/],
    ['src/search/engine', "import { citationAt } from '../../citation/citationContext';", /src\/search\/ may import only/],
    ['src/bibtex', "import type { CitationLanguage } from '../citation/citationContext';", /src\/bibtex\/ may import only/],
    ['src/catalog', "import { PaperLibrary } from '../ui/paperLibrary';", /may import only/],
    ['src/citation', "import * as vscode from 'vscode';", /must not import vscode/],
    ['src/citation', "import { corpus } from '../../test/fixtures/authorNames';", /never imports test code/],
    ['src/ui', "import { runSearchBench } from '../bench/searchBench';", /imports neither bench nor test code/],
    ['src/cli.ts', "import { runSearchBench } from './bench/searchBench';", /imports neither bench/],
    ['src/cli.ts', "import * as vscode from 'vscode';", /must not import vscode/],
    ['src/extension.ts', "import { knownItems } from '../test/fixtures/knownItems';", /imports neither bench nor test code/],
    ['src/webview', "import { pickPaper } from '../ui/paperPicker';", /imports neither bench, test nor VS Code glue/],
  ];
  for (const [folder, code, why] of refused) {
    it(`refuses in ${folder}: ${code}`, async () => {
      const problems = await importProblems(folder, code);
      assert.ok(problems.some((problem) => why.test(problem)), `expected a problem matching ${why}, got ${JSON.stringify(problems)}`);
    });
  }

  const allowed: [folder: string, code: string][] = [
    ['src/catalog', "import { baseCitationKey } from '../papers/keys';\nimport { buildSearchIndex } from '../search/engine/invertedIndex';"],
    ['src/citation', "import { PaperCatalog } from '../catalog/catalog';\nimport { parseBibEntries } from '../bibtex/bibliography';"],
    ['src/search/engine', "import type { Steps } from '../../shared/cooperative';"],
    ['src/ui', "import * as vscode from 'vscode';\nimport { PaperCatalog } from '../catalog/catalog';"],
  ];
  for (const [folder, code] of allowed) {
    it(`allows in ${folder}/: ${code.split('\n').join(' ')}`, async () => {
      assert.deepEqual(await importProblems(folder, code), []);
    });
  }
});
