/**
 * The online clients — the polite HTTP layer, arXiv, Crossref, DataCite and Hugging Face — run for real against a
 * local server that replays each service's documented responses (test/fixtures/online/README.md), with a fake
 * clock and sleep. The live services are not reachable from here and are never called.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli';
import { OnlineError, parseRetryAfter, PoliteHttp, type HttpOptions } from '../../src/online/http';
import { parseIdentifier, type PaperIdentifier } from '../../src/online/identifier';
import { fetchTrendingPapers, lookUpPaper, type OnlineEndpoints } from '../../src/online/lookup';
import { DiskResponseCache } from '../../src/online/responseCache';
import { indexFileText, ONLINE_LOOKUPS_NAME, withLookup } from '../../src/online/storedPapers';
import { parseIndexText } from '../../src/sources/parseIndex';
import { startReplayServer, type ReplayServer, type Routes } from '../fixtures/online/replayServer';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'online');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

const ARXIV_PATH = '/arxiv/query?id_list=hep-ex%2F0307015&max_results=1';
const CROSSREF_PATH = '/crossref/works/10.1002%2Fpssc.201200953?mailto=lab%40example.org';
const DATACITE_PATH = '/datacite/dois/10.21373%2F100';
const DAILY_PATH = '/hf/api/daily_papers';

function identifier(text: string): PaperIdentifier {
  const parsed = parseIdentifier(text);
  assert.ok(parsed, text);
  return parsed;
}

describe('online lookups against a local replay server', function () {
  this.timeout(20000);
  let server: ReplayServer;
  let endpoints: OnlineEndpoints;
  let clock: number;
  let sleeps: number[];

  const http = (options: Partial<HttpOptions> = {}): PoliteHttp =>
    new PoliteHttp({
      fetch: (url, init) => globalThis.fetch(url, init),
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      userAgent: 'paper-lookup-test/0.0.0 (+https://github.com/paper-lookup/paper-lookup)',
      timeoutMs: 5000,
      ...options,
    });

  before(async () => {
    server = await startReplayServer({});
    endpoints = {
      arxiv: `${server.url}/arxiv`,
      crossref: `${server.url}/crossref`,
      datacite: `${server.url}/datacite`,
      huggingFace: `${server.url}/hf`,
      crossrefMailto: 'lab@example.org',
    };
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    clock = Date.parse('2026-12-04T12:00:00Z');
    sleeps = [];
  });
  const serve = (routes: Routes): void => {
    server.routes = routes;
  };

  async function rejection(promise: Promise<unknown>): Promise<OnlineError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof OnlineError, String(error));
      return error;
    }
    assert.fail('expected the lookup to fail');
  }

  describe('arXiv', () => {
    it('reads an arXiv abstract link into a paper, asking politely', async () => {
      serve({ [ARXIV_PATH]: { body: fixture('arxiv-hep-ex-0307015.xml'), headers: { 'Content-Type': 'application/atom+xml' } } });
      const { paper, fromCache } = await lookUpPaper(identifier('https://arxiv.org/abs/hep-ex/0307015'), http(), endpoints);
      assert.equal(fromCache, false);
      assert.deepEqual(paper, {
        id: 'arxiv:hep-ex/0307015',
        title: 'Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA',
        abstract: paper.abstract,
        authors: ['H1 Collaboration'],
        year: 2003,
        arxivId: 'hep-ex/0307015',
        arxivCategory: 'hep-ex',
        url: 'https://arxiv.org/abs/hep-ex/0307015',
        venue: 'Eur.Phys.J. C31 (2003) 17-29',
      });
      assert.match(paper.abstract, /^Multi-electron production is studied at high electron transverse momentum in positron- and electron-proton/);
      assert.match(paper.abstract, /0\.30 \\pm 0\.04 and 0\.23 \\pm 0\.04, respectively\.$/);
      const [request] = server.requests;
      assert.equal(request.path, ARXIV_PATH);
      assert.match(String(request.headers['user-agent']), /^paper-lookup-test\/0\.0\.0 /);
      assert.equal(request.headers.accept, 'application/atom+xml');
    });

    it("reports arXiv's error entry as its message", async () => {
      serve({ '/arxiv/query?id_list=1234.1234&max_results=1': { body: fixture('arxiv-error.xml') } });
      // 1234.1234 is not an id we would send; the client still reads what arXiv answers to it.
      const error = await rejection(lookUpPaper({ kind: 'arxiv', id: '1234.1234' }, http(), endpoints));
      assert.equal(error.message, 'arXiv:1234.1234: arXiv: incorrect id format for 1234.12345.');
    });

    it('says when arXiv has no such paper', async () => {
      serve({ '/arxiv/query?id_list=1201.56789&max_results=1': { body: fixture('arxiv-empty.xml') } });
      const error = await rejection(lookUpPaper({ kind: 'arxiv', id: '1201.56789' }, http(), endpoints));
      assert.equal(error.failure, 'not found');
      assert.equal(error.message, 'arXiv:1201.56789: arXiv has no paper with this id.');
    });

    it('refuses malformed XML with the line of the problem', async () => {
      const xml = fixture('arxiv-hep-ex-0307015.xml');
      serve({ [ARXIV_PATH]: { body: xml.slice(0, xml.indexOf('</summary>')) } });
      const error = await rejection(lookUpPaper(identifier('hep-ex/0307015'), http(), endpoints));
      assert.equal(error.failure, 'invalid response');
      assert.match(error.message, /^arXiv:hep-ex\/0307015: arXiv sent malformed XML \(line \d+: .+\)\.$/);
    });

    it('refuses XML with a document type declaration (entity expansion)', async () => {
      const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol2;</title></entry></feed>';
      serve({ [ARXIV_PATH]: { body: bomb } });
      const error = await rejection(lookUpPaper(identifier('hep-ex/0307015'), http(), endpoints));
      assert.match(error.message, /document type declaration; not read/);
    });
  });

  describe('DOIs: Crossref, then DataCite', () => {
    it('reads a Crossref work, with the mailto the etiquette asks for', async () => {
      serve({ [CROSSREF_PATH]: { body: fixture('crossref-10.1002-pssc.201200953.json'), headers: { 'Content-Type': 'application/json' } } });
      const { paper } = await lookUpPaper(identifier('https://doi.org/10.1002/pssc.201200953'), http(), endpoints);
      assert.deepEqual(paper, {
        id: 'doi:10.1002/pssc.201200953',
        title: 'The quantum-confined Stark effect and localization of charge carriers in Al x Ga 1-x N/Al y Ga 1-y N quantum wells with different morphologies',
        abstract: '',
        authors: ['E. A. Shevchenko', 'V. N. Jmerik', 'A. M. Mizerov', 'D. V. Nechaev', 'A. A. Sitnikova', 'S. V. Ivanov', 'A. A. Toropov'],
        year: 2013,
        doi: '10.1002/pssc.201200953',
        url: 'https://doi.org/10.1002/pssc.201200953',
        venue: 'physica status solidi (c)',
      });
      assert.deepEqual(server.requests.map((request) => request.path), [CROSSREF_PATH]);
    });

    it('reads a JATS abstract as text', async () => {
      const work = JSON.parse(fixture('crossref-10.1002-pssc.201200953.json'));
      work.message.abstract = '<jats:p>We study <jats:italic>Al</jats:italic> &amp; GaN wells &lt;5 nm.</jats:p>';
      serve({ [CROSSREF_PATH]: { body: JSON.stringify(work) } });
      const { paper } = await lookUpPaper(identifier('10.1002/pssc.201200953'), http(), endpoints);
      assert.equal(paper.abstract, 'We study Al & GaN wells <5 nm.');
    });

    it('checks and limits what a hostile record holds: one-line text, capped lengths and lists, its own links dropped', async () => {
      const work = JSON.parse(fixture('crossref-10.1002-pssc.201200953.json'));
      work.message.title = [`Evil\u0007 title\n[x](command:workbench.action.terminal.new) ${'long '.repeat(1000)}`];
      work.message.author = Array.from({ length: 5000 }, (_, i) => ({ given: 'A.', family: `Author${i}` }));
      work.message.abstract = 'x'.repeat(300_000);
      work.message.URL = 'javascript:alert(1)';
      work.message.DOI = 'not a doi';
      work.message.issued = { 'date-parts': [[99999]] };
      serve({ [CROSSREF_PATH]: { body: JSON.stringify(work) } });
      const { paper } = await lookUpPaper(identifier('10.1002/pssc.201200953'), http(), endpoints);
      assert.match(paper.title, /^Evil title \[x\]\(command:workbench\.action\.terminal\.new\) long long/);
      assert.equal(paper.title.length, 2000);
      assert.equal(paper.authors?.length, 1000);
      assert.equal(paper.abstract.length, 100_000);
      assert.equal(paper.url, 'https://doi.org/10.1002/pssc.201200953');
      assert.equal(paper.doi, '10.1002/pssc.201200953');
      assert.equal(paper.year, undefined);
    });

    it('falls back to DataCite for a DOI Crossref does not know', async () => {
      serve({ [DATACITE_PATH]: { body: fixture('datacite-10.21373-100.json'), headers: { 'Content-Type': 'application/vnd.api+json' } } });
      const { paper } = await lookUpPaper(identifier('doi:10.21373/100'), http(), endpoints);
      assert.deepEqual(paper, {
        id: 'doi:10.21373/100',
        title: 'DataCite Metadata Schema Documentation for the Publication and Citation of Research Data v4.0',
        abstract: '',
        authors: ['DataCite Metadata Working Group'],
        year: 2016,
        doi: '10.21373/100',
        url: 'https://doi.org/10.21373/100',
      });
      assert.deepEqual(server.requests.map((request) => request.path), ['/crossref/works/10.21373%2F100?mailto=lab%40example.org', DATACITE_PATH]);
      assert.equal(server.requests[1].headers.accept, 'application/vnd.api+json');
    });

    it('says when neither knows the DOI (404 from both)', async () => {
      serve({});
      const error = await rejection(lookUpPaper(identifier('10.9999/nothing'), http(), endpoints));
      assert.equal(error.failure, 'not found');
      assert.equal(error.message, 'doi:10.9999/nothing: neither Crossref nor DataCite has a record of this DOI.');
    });
  });

  describe('trending papers', () => {
    it("reads Hugging Face's daily papers", async () => {
      serve({ [DAILY_PATH]: { body: fixture('hf-daily-papers.json') } });
      const { papers } = await fetchTrendingPapers(http(), endpoints);
      assert.equal(papers.length, 1);
      const [paper] = papers;
      assert.equal(paper.title, 'Why Language Models Hallucinate');
      assert.equal(paper.arxivId, '2509.04664');
      assert.deepEqual(paper.authors, ['Adam Tauman Kalai', 'Ofir Nachum', 'Santosh S. Vempala', 'Edwin Zhang']);
      assert.equal(paper.year, 2025);
      assert.match(paper.abstract, /^Like students facing hard exam questions, large language models sometimes guess when uncertain/);
      assert.equal(paper.abstract.includes('\n'), false);
    });

    it('refuses JSON that is not a list', async () => {
      serve({ [DAILY_PATH]: { body: '{"error":"Invalid"}' } });
      const error = await rejection(fetchTrendingPapers(http(), endpoints));
      assert.equal(error.message, 'Trending papers: Hugging Face sent JSON that is not a list of daily papers.');
    });
  });

  describe('politeness and failures', () => {
    it('waits as long as a 429 Retry-After says, then retries', async () => {
      serve({ [ARXIV_PATH]: [{ status: 429, headers: { 'Retry-After': '3' } }, { body: fixture('arxiv-hep-ex-0307015.xml') }] });
      const { paper } = await lookUpPaper(identifier('hep-ex/0307015'), http(), endpoints);
      assert.equal(paper.arxivId, 'hep-ex/0307015');
      assert.deepEqual(sleeps, [3000]);
      assert.equal(server.requests.length, 2);
    });

    it('reads a Retry-After date', () => {
      assert.equal(parseRetryAfter('Fri, 04 Dec 2026 12:00:30 GMT', Date.parse('2026-12-04T12:00:00Z')), 30_000);
      assert.equal(parseRetryAfter('120', 0), 120_000);
      assert.equal(parseRetryAfter('soon', 0), undefined);
    });

    it('backs off on 503 without Retry-After and gives up after two retries', async () => {
      serve({ [ARXIV_PATH]: { status: 503 } });
      const error = await rejection(lookUpPaper(identifier('hep-ex/0307015'), http(), endpoints));
      assert.equal(error.failure, 'rate limited');
      assert.deepEqual(sleeps, [1000, 2000]);
      assert.equal(server.requests.length, 3);
      assert.match(error.message, /^arXiv:hep-ex\/0307015: 127\.0\.0\.1:\d+ is busy or limiting requests \(HTTP 503\); try again later\.$/);
    });

    it('does not wait an hour: a long Retry-After fails at once and says so', async () => {
      serve({ [ARXIV_PATH]: { status: 429, headers: { 'Retry-After': '3600' } } });
      const error = await rejection(lookUpPaper(identifier('hep-ex/0307015'), http(), endpoints));
      assert.deepEqual(sleeps, []);
      assert.match(error.message, /\(HTTP 429\) \(it asks to wait 3600 s\); try again later\.$/);
    });

    it('stops reading a 50 MB body at the size cap', async () => {
      serve({ [DAILY_PATH]: { bodyBytes: 50 * 1024 * 1024 } });
      const started = Date.now();
      const error = await rejection(fetchTrendingPapers(http(), endpoints));
      assert.equal(error.failure, 'too large');
      assert.match(error.message, /^Trending papers: 127\.0\.0\.1:\d+ sent more than 5 MB; not read\.$/);
      assert.ok(Date.now() - started < 5000);
    });

    it('refuses a body whose declared length is over the cap without reading it', async () => {
      serve({ [DAILY_PATH]: { bodyBytes: 6 * 1024 * 1024, headers: { 'Content-Length': String(6 * 1024 * 1024) } } });
      const error = await rejection(fetchTrendingPapers(http(), endpoints));
      assert.equal(error.failure, 'too large');
    });

    it('gives up on a slow server after the timeout', async () => {
      serve({ [ARXIV_PATH]: { body: fixture('arxiv-hep-ex-0307015.xml'), delayMs: 3000 } });
      const error = await rejection(lookUpPaper(identifier('hep-ex/0307015'), http({ timeoutMs: 300 }), endpoints));
      assert.equal(error.failure, 'timeout');
      assert.match(error.message, /^arXiv:hep-ex\/0307015: 127\.0\.0\.1:\d+ did not answer within 0\.3 s\.$/);
    });

    it('says when the service cannot be reached', async () => {
      const closed = await startReplayServer({});
      const url = closed.url;
      await closed.close();
      const error = await rejection(lookUpPaper(identifier('hep-ex/0307015'), http(), { ...endpoints, arxiv: url }));
      assert.equal(error.failure, 'offline');
      assert.match(error.message, /^arXiv:hep-ex\/0307015: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\): are you offline\?$/);
    });

    it('sends one request at a time to a service, and does not hold up another service', async () => {
      serve({
        [ARXIV_PATH]: { body: fixture('arxiv-hep-ex-0307015.xml'), delayMs: 300 },
        '/arxiv/query?id_list=hep-ex%2F0307015v1&max_results=1': { body: fixture('arxiv-hep-ex-0307015.xml'), delayMs: 300 },
        [CROSSREF_PATH]: { body: fixture('crossref-10.1002-pssc.201200953.json') },
      });
      const client = http();
      const arrivals: Record<string, number> = {};
      const started = Date.now();
      const timed = (name: string, lookup: Promise<unknown>) => lookup.then(() => (arrivals[name] = Date.now() - started));
      await Promise.all([
        timed('first', lookUpPaper(identifier('hep-ex/0307015'), client, endpoints)),
        timed('second', lookUpPaper(identifier('hep-ex/0307015v1'), client, endpoints)),
        timed('crossref', lookUpPaper(identifier('10.1002/pssc.201200953'), client, endpoints)),
      ]);
      assert.ok(arrivals.second >= 600, `the second arXiv request waited for the first (${arrivals.second} ms)`);
      assert.ok(arrivals.crossref < 300, `Crossref did not wait for arXiv (${arrivals.crossref} ms)`);
    });
  });

  describe('the disk cache', () => {
    let folder: string;
    beforeEach(() => (folder = mkdtempSync(path.join(tmpdir(), 'online-cache-'))));
    afterEach(() => rmSync(folder, { recursive: true, force: true }));

    it('answers a repeated lookup from disk with the date it was fetched, and serves it stale when the service is down', async () => {
      serve({ [ARXIV_PATH]: { body: fixture('arxiv-hep-ex-0307015.xml') } });
      const client = http({ cache: new DiskResponseCache(folder) });
      const fetchedAt = clock;
      const first = await lookUpPaper(identifier('hep-ex/0307015'), client, endpoints);
      clock += 60 * 60 * 1000;
      const second = await lookUpPaper(identifier('hep-ex/0307015'), http({ cache: new DiskResponseCache(folder) }), endpoints);
      assert.equal(server.requests.length, 1);
      assert.deepEqual([first.fromCache, second.fromCache, second.fetchedAt], [false, true, fetchedAt]);
      assert.deepEqual(second.paper, first.paper);
      // A month later the answer is stale; with the service unreachable it is still better than nothing.
      clock += 30 * 24 * 60 * 60 * 1000;
      const closed = await startReplayServer({});
      await closed.close();
      const stale = await lookUpPaper(identifier('hep-ex/0307015'), http({ cache: new DiskResponseCache(folder) }), { ...endpoints, arxiv: `${closed.url}/arxiv` }).catch((error) => error);
      // Another base URL is another cache entry: nothing to fall back on.
      assert.ok(stale instanceof OnlineError && stale.failure === 'offline');
      serve({ [ARXIV_PATH]: { status: 500 } });
      const refreshedFailure = await lookUpPaper(identifier('hep-ex/0307015'), http({ cache: new DiskResponseCache(folder) }), endpoints).catch((error) => error);
      assert.ok(refreshedFailure instanceof OnlineError && refreshedFailure.failure === 'server error', 'a server error is reported, not hidden by the cache');
      serve({ [ARXIV_PATH]: { body: fixture('arxiv-hep-ex-0307015.xml'), delayMs: 3000 } });
      const slow = await lookUpPaper(identifier('hep-ex/0307015'), http({ cache: new DiskResponseCache(folder), timeoutMs: 200 }), endpoints);
      assert.deepEqual([slow.fromCache, slow.fetchedAt], [true, fetchedAt]);
    });
  });

  describe('the stored sources', () => {
    it('keep lookups as a JSON index file that loads without problems, newest first, each paper once, unchanged by a repeated lookup', async () => {
      serve({
        [ARXIV_PATH]: { body: fixture('arxiv-hep-ex-0307015.xml') },
        [CROSSREF_PATH]: { body: fixture('crossref-10.1002-pssc.201200953.json') },
      });
      const arxiv = (await lookUpPaper(identifier('hep-ex/0307015'), http(), endpoints)).paper;
      const crossref = (await lookUpPaper(identifier('10.1002/pssc.201200953'), http(), endpoints)).paper;
      const text = withLookup(withLookup(undefined, arxiv), crossref);
      assert.equal(withLookup(text, arxiv), text);
      const parsed = parseIndexText(text, 'online-lookups.json');
      assert.deepEqual(parsed.problems, []);
      assert.equal(parsed.name, ONLINE_LOOKUPS_NAME);
      assert.deepEqual(parsed.papers.map((paper) => paper.id), ['doi:10.1002/pssc.201200953', 'arxiv:hep-ex/0307015']);
      assert.deepEqual(parsed.papers[1], arxiv);
      // A changed record replaces the stored copy where it is.
      assert.deepEqual(parseIndexText(withLookup(text, { ...arxiv, title: 'Revised' }), 'x.json').papers.map((paper) => paper.title), [crossref.title, 'Revised']);
      // A broken file is started afresh rather than failing every later lookup.
      assert.deepEqual(parseIndexText(withLookup('{ not json', arxiv), 'x.json').papers.map((paper) => paper.id), ['arxiv:hep-ex/0307015']);
      assert.deepEqual(parseIndexText(indexFileText('Trending', [arxiv]), 'trending.json').problems, []);
    });
  });

  describe('paper-lookup lookup', () => {
    const run = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(args, {
        stdout: (text) => (stdout += `${text}\n`),
        stderr: (text) => (stderr += `${text}\n`),
        bundledIndex: path.join(__dirname, '..', '..', 'data', 'papers.json'),
        endpoints,
      });
      return { code, stdout, stderr };
    };

    it('prints the BibTeX entry, a citation or JSON of a paper found by its link', async () => {
      serve({ [ARXIV_PATH]: { body: fixture('arxiv-hep-ex-0307015.xml') } });
      const bibtex = await run(['lookup', 'https://arxiv.org/abs/hep-ex/0307015']);
      assert.equal(bibtex.code, 0);
      assert.match(bibtex.stdout, /^@\w+\{collaborationMultiElectronProduction2003,/);
      assert.match(bibtex.stdout, /eprint = \{hep-ex\/0307015\}/);
      const latex = await run(['lookup', 'arXiv:hep-ex/0307015', '--format', 'latex']);
      assert.equal(latex.stdout, '\\cite{collaborationMultiElectronProduction2003}\n');
      const json = JSON.parse((await run(['lookup', 'hep-ex/0307015', '--format', 'json'])).stdout);
      assert.equal(json.title, 'Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA');
      assert.match(String(server.requests[0].headers['user-agent']), /^paper-lookup-cli\/0\.1\.0 /);
    });

    it('fails with one line and exit code 1 when the paper is not found, 2 for a non-identifier', async () => {
      serve({});
      const missing = await run(['lookup', '10.9999/nothing']);
      assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', 'paper-lookup: doi:10.9999/nothing: neither Crossref nor DataCite has a record of this DOI.\n']);
      const words = await run(['lookup', 'attention is all you need']);
      assert.equal(words.code, 2);
      assert.match(words.stderr, /is not an arXiv id, a DOI/);
    });
  });
});
