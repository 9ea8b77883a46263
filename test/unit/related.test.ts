/**
 * Related papers on the bundled index: papers on one topic find each other, and the ranking is by shared
 * distinctive words, with title words counting more than abstract words. In a catalog of 100,000 papers
 * they still do.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateCorpus } from '../../src/bench/corpus';
import { PaperCatalog } from '../../src/catalog/catalog';
import { buildSearchIndex } from '../../src/search/engine/invertedIndex';
import type { Paper } from '../../src/papers/paper';
import { parseIndexText } from '../../src/sources/parseIndex';
import { createRelatedPapers } from '../../src/search/related';

const bundledPath = path.join(__dirname, '..', '..', 'data', 'papers.json');
const bundled = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath);
const catalog = new PaperCatalog([{ name: 'Bundled papers', location: bundledPath, ...bundled }]);

const S4 = 'efficiently-modeling-long-sequences-with-structured-state-spaces';
const LSSL = 'combining-recurrent-convolutional-and-continuous-time-models-with-linear-state';
const CONV_SSM = 'convolutional-state-space-models-for-long-range-spatiotemporal-modeling';
const GRAPH_MAMBA = 'graph-mamba-towards-learning-on-graphs-with-state-space-models';
const STATE_SPACE_PAPERS = [S4, LSSL, CONV_SSM, GRAPH_MAMBA];

async function relatedIds(id: string, k?: number, within = catalog): Promise<string[]> {
  const paper = within.get(id);
  assert.ok(paper, `the catalog has no paper ${id}`);
  return (await within.relatedPapers(paper, k)).map((related) => related.id);
}

const paper = (id: string, title: string, abstract = ''): Paper => ({ id, title, abstract });
const relatedAmong = (papers: readonly Paper[], of: Paper): string[] =>
  createRelatedPapers(papers, buildSearchIndex(papers)).related(of).map((related) => related.id);

describe('related papers', () => {
  it('finds the other state-space papers for every state-space paper', async () => {
    for (const id of STATE_SPACE_PAPERS) {
      const related = await relatedIds(id);
      const others = STATE_SPACE_PAPERS.filter((other) => other !== id);
      const found = others.filter((other) => related.includes(other));
      assert.ok(found.length >= 2, `${id}: related ${JSON.stringify(related)} holds only ${JSON.stringify(found)} of the state-space papers`);
    }
  });

  it('puts a state-space paper first for S4, and S4 first for the linear state-space layer paper', async () => {
    const ofS4 = await relatedIds(S4);
    assert.ok(STATE_SPACE_PAPERS.includes(ofS4[0]), JSON.stringify(ofS4));
    assert.equal((await relatedIds(LSSL))[0], S4);
    assert.ok(ofS4.slice(0, 3).every((id) => STATE_SPACE_PAPERS.includes(id)), JSON.stringify(ofS4));
  });

  it('lists five by default, never the paper itself, and honours k', async () => {
    for (const { id } of catalog) {
      const related = await relatedIds(id);
      assert.equal(related.length, 5, id);
      assert.ok(!related.includes(id), id);
      assert.equal(new Set(related).size, 5, id);
    }
    assert.deepEqual(await relatedIds(S4, 2), (await relatedIds(S4)).slice(0, 2));
    assert.deepEqual(await relatedIds(S4, 0), []);
  });

  it('gives each of two queries run in turns its own answer', () => {
    const related = createRelatedPapers(bundled.papers, buildSearchIndex(bundled.papers));
    const [s4, lssl] = [S4, LSSL].map((id) => bundled.papers.find((paper) => paper.id === id)!);
    const inTurns = [related.relatedSteps(s4), related.relatedSteps(lssl)];
    const answers: (Paper[] | undefined)[] = [undefined, undefined];
    while (answers.includes(undefined)) {
      inTurns.forEach((steps, i) => {
        if (answers[i] !== undefined) return;
        const next = steps.next();
        if (next.done) answers[i] = next.value;
      });
    }
    assert.deepEqual(answers, [related.related(s4), related.related(lssl)]);
  });

  describe('in a catalog of 100,000 papers', () => {
    let big: PaperCatalog;
    before(function () {
      this.timeout(180_000);
      // Grown from the bundled papers other than the state-space ones, which are then added: the rest are
      // papers on other topics that share the vocabulary of machine learning. Grown from all of them, the
      // catalog would hold synthetic papers copying the state-space papers' distinctive phrases ("LSSL",
      // "structured state spaces"), which are rightly listed before the bundled neighbours.
      const otherTopics = bundled.papers.filter((paper) => !STATE_SPACE_PAPERS.includes(paper.id));
      const stateSpace = bundled.papers.filter((paper) => STATE_SPACE_PAPERS.includes(paper.id));
      const { papers } = generateCorpus(otherTopics, 100_000 - stateSpace.length);
      big = new PaperCatalog([{ name: 'Synthetic papers', location: '/data/synthetic.jsonl', papers: [...papers, ...stateSpace], problems: [] }]);
    });

    it('lists five related papers for bundled and synthetic papers alike', async () => {
      assert.equal(big.size, 100_000);
      for (const id of [...bundled.papers.map((paper) => paper.id), 'syn-0', 'syn-54321', 'syn-99990']) {
        const related = await relatedIds(id, undefined, big);
        assert.equal(related.length, 5, id);
        assert.ok(!related.includes(id), id);
      }
    });

    it('still puts another state-space paper first for each state-space paper, and all three for S4', async () => {
      for (const id of STATE_SPACE_PAPERS) {
        const related = await relatedIds(id, undefined, big);
        assert.ok(STATE_SPACE_PAPERS.includes(related[0]), `${id}: ${JSON.stringify(related)}`);
      }
      const ofS4 = await relatedIds(S4, undefined, big);
      assert.ok(STATE_SPACE_PAPERS.filter((id) => id !== S4).every((id) => ofS4.includes(id)), JSON.stringify(ofS4));
    });
  });

  it('weights a shared title word above the same word shared in an abstract', () => {
    const papers = [
      paper('query', 'Hypernetwork pruning', 'We study sparse models.'),
      paper('title-match', 'Hypernetwork distillation', 'We study dense models.'),
      paper('abstract-match', 'Distillation revisited', 'We study hypernetwork models.'),
      paper('unrelated', 'Protein folding', 'Structures of molecules.'),
    ];
    const [query] = papers;
    assert.deepEqual(relatedAmong(papers, query), ['title-match', 'abstract-match']);
  });

  it('leaves out papers that share no distinctive word, and the paper asked about', () => {
    const papers = [paper('a', 'Graph neural networks'), paper('b', 'Protein folding'), paper('c', 'Graph neural networks for proteins')];
    assert.deepEqual(relatedAmong(papers, papers[0]), ['c']);
    assert.deepEqual(relatedAmong(papers, papers[1]), ['c']);
  });

  it('matches singular and plural, and ignores words every abstract uses', () => {
    const papers = [
      paper('plural', 'Hypernetworks and their properties'),
      paper('singular', 'A hypernetwork'),
      paper('property', 'One property of spin glasses'),
      paper('boilerplate', 'We propose a new method and show results', 'Our approach is based on existing work.'),
      paper('also-boilerplate', 'The proposed method', 'We present results using a new approach.'),
    ];
    assert.deepEqual(relatedAmong(papers, papers[0]), ['singular', 'property']);
    assert.deepEqual(relatedAmong(papers, papers[3]), []);
  });
});
