/**
 * Related papers on the bundled index: papers on one topic find each other, and the ranking is by shared
 * distinctive words, with title words counting more than abstract words.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_PAPERS_FOR_RELATED, PaperCatalog } from '../../src/index/catalog';
import type { Paper } from '../../src/index/paper';
import { parseIndexText } from '../../src/index/parseIndex';
import { createRelatedPapers, stemmedWords } from '../../src/index/related';

const bundledPath = path.join(__dirname, '..', '..', 'data', 'papers.json');
const bundled = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath);
const catalog = new PaperCatalog([{ name: 'Bundled papers', location: bundledPath, ...bundled }]);

const S4 = 'efficiently-modeling-long-sequences-with-structured-state-spaces';
const LSSL = 'combining-recurrent-convolutional-and-continuous-time-models-with-linear-state';
const CONV_SSM = 'convolutional-state-space-models-for-long-range-spatiotemporal-modeling';
const GRAPH_MAMBA = 'graph-mamba-towards-learning-on-graphs-with-state-space-models';
const STATE_SPACE_PAPERS = [S4, LSSL, CONV_SSM, GRAPH_MAMBA];

function relatedIds(id: string, k?: number): string[] {
  const paper = catalog.get(id);
  assert.ok(paper, `the bundled index has no paper ${id}`);
  return catalog.relatedPapers(paper, k).map((related) => related.id);
}

const paper = (id: string, title: string, abstract = ''): Paper => ({ id, title, abstract });

describe('related papers', () => {
  it('finds the other state-space papers for every state-space paper', () => {
    for (const id of STATE_SPACE_PAPERS) {
      const related = relatedIds(id);
      const others = STATE_SPACE_PAPERS.filter((other) => other !== id);
      const found = others.filter((other) => related.includes(other));
      assert.ok(found.length >= 2, `${id}: related ${JSON.stringify(related)} holds only ${JSON.stringify(found)} of the state-space papers`);
    }
  });

  it('puts a state-space paper first for S4, and S4 first for the linear state-space layer paper', () => {
    assert.ok(STATE_SPACE_PAPERS.includes(relatedIds(S4)[0]), JSON.stringify(relatedIds(S4)));
    assert.equal(relatedIds(LSSL)[0], S4);
    assert.ok(relatedIds(S4).slice(0, 3).every((id) => STATE_SPACE_PAPERS.includes(id)), JSON.stringify(relatedIds(S4)));
  });

  it('lists five by default, never the paper itself, and honours k', () => {
    for (const { id } of catalog.papers) {
      const related = relatedIds(id);
      assert.equal(related.length, 5, id);
      assert.ok(!related.includes(id), id);
      assert.equal(new Set(related).size, 5, id);
    }
    assert.deepEqual(relatedIds(S4, 2), relatedIds(S4).slice(0, 2));
    assert.deepEqual(relatedIds(S4, 0), []);
  });

  it('offers none in a catalog too big to build them without blocking, and still does at the limit', () => {
    const withPadding = (count: number): PaperCatalog => {
      const padding = Array.from({ length: count - bundled.papers.length }, (_, i) => paper(`padding-${i}`, `Padding ${i}`));
      return new PaperCatalog([{ name: 'Bundled papers', location: bundledPath, papers: [...bundled.papers, ...padding], problems: [] }]);
    };
    const atLimit = withPadding(MAX_PAPERS_FOR_RELATED);
    assert.ok(atLimit.relatedPapers(atLimit.get(S4)!).some((related) => STATE_SPACE_PAPERS.includes(related.id)));
    const overLimit = withPadding(MAX_PAPERS_FOR_RELATED + 1);
    assert.deepEqual(overLimit.relatedPapers(overLimit.get(S4)!), []);
  });

  it('weights a shared title word above the same word shared in an abstract', () => {
    const papers = [
      paper('query', 'Hypernetwork pruning', 'We study sparse models.'),
      paper('title-match', 'Hypernetwork distillation', 'We study dense models.'),
      paper('abstract-match', 'Distillation revisited', 'We study hypernetwork models.'),
      paper('unrelated', 'Protein folding', 'Structures of molecules.'),
    ];
    const [query] = papers;
    assert.deepEqual(createRelatedPapers(papers).related(query).map((related) => related.id), ['title-match', 'abstract-match']);
  });

  it('leaves out papers that share no distinctive word, and papers it was not built with', () => {
    const papers = [paper('a', 'Graph neural networks'), paper('b', 'Protein folding'), paper('c', 'Graph neural networks for proteins')];
    const related = createRelatedPapers(papers);
    assert.deepEqual(related.related(papers[0]).map((found) => found.id), ['c']);
    assert.deepEqual(related.related(paper('elsewhere', 'Graph neural networks')), []);
  });

  it('matches singular and plural and drops stop words', () => {
    assert.deepEqual(stemmedWords('The Networks of Properties in a Bus'), ['network', 'property', 'bus']);
  });
});
