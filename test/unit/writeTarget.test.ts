import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readlink, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decideWriteTarget, formatOf, shortPath, type TargetOrigin, type WriteTargetEnvironment } from '../../src/citation/writeTarget';

/**
 * Each test gets a real folder tree (real symlinks, real realpath):
 *   root/workspace/            the workspace folder (reached through root/link-to-workspace too)
 *   root/workspace/refs.bib
 *   root/workspace/escape.bib  → root/outside/shared.bib (a symlink that leaves the folder)
 *   root/workspace/rc.bib      → root/outside/.bashrc
 *   root/workspace/dangling.bib → root/outside/new.bib (does not exist yet)
 *   root/outside/shared.bib, root/outside/.bashrc
 */
describe('write targets', () => {
  let root: string;
  let workspace: string;
  let outside: string;

  beforeEach(() => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), 'write-target-')));
    workspace = path.join(root, 'workspace');
    outside = path.join(root, 'outside');
    mkdirSync(workspace);
    mkdirSync(outside);
    writeFileSync(path.join(workspace, 'refs.bib'), '');
    writeFileSync(path.join(outside, 'shared.bib'), '');
    writeFileSync(path.join(outside, '.bashrc'), '');
    symlinkSync(path.join(outside, 'shared.bib'), path.join(workspace, 'escape.bib'));
    symlinkSync(path.join(outside, '.bashrc'), path.join(workspace, 'rc.bib'));
    symlinkSync(path.join(outside, 'new.bib'), path.join(workspace, 'dangling.bib'));
    symlinkSync(workspace, path.join(root, 'link-to-workspace'));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const environment = (overrides: Partial<WriteTargetEnvironment> = {}): WriteTargetEnvironment => ({
    realpath,
    readlink,
    workspaceFolders: [workspace],
    trusted: true,
    ...overrides,
  });
  const decide = (target: string, origin: TargetOrigin = 'document', overrides: Partial<WriteTargetEnvironment> = {}) =>
    decideWriteTarget(target, origin, environment(overrides));

  it('writes a .bib inside a workspace folder, existing or not, also in an untrusted workspace', async () => {
    for (const trusted of [true, false]) {
      assert.deepEqual(await decide(path.join(workspace, 'refs.bib'), 'document', { trusted }), { action: 'write', realPath: path.join(workspace, 'refs.bib'), format: 'bibtex' });
      assert.deepEqual(await decide(path.join(workspace, 'new', 'deeper', 'references.bib'), 'workspaceSetting', { trusted }), {
        action: 'write',
        realPath: path.join(workspace, 'new', 'deeper', 'references.bib'),
        format: 'bibtex',
      });
    }
  });

  it('judges the real path: a workspace folder reached through a symlink still contains its files', async () => {
    const decision = await decide(path.join(workspace, 'refs.bib'), 'document', { workspaceFolders: [path.join(root, 'link-to-workspace')] });
    assert.equal(decision.action, 'write');
  });

  it('asks, naming the full real path, for a .bib outside every folder: by absolute path, by .., by a symlink, by a dangling symlink', async () => {
    const cases: [string, string][] = [
      [path.join(outside, 'shared.bib'), path.join(outside, 'shared.bib')],
      [path.join(workspace, '..', 'outside', 'shared.bib'), path.join(outside, 'shared.bib')],
      [path.join(workspace, 'escape.bib'), path.join(outside, 'shared.bib')],
      [path.join(workspace, 'dangling.bib'), path.join(outside, 'new.bib')],
    ];
    for (const [target, real] of cases) {
      const decision = await decide(target);
      assert.equal(decision.action, 'ask', target);
      assert.ok(decision.action === 'ask');
      assert.equal(decision.realPath, real);
      assert.ok(decision.question.includes(real), decision.question);
    }
  });

  it('never writes outside the workspace folders in an untrusted workspace, and says why in one line', async () => {
    for (const target of [path.join(outside, 'shared.bib'), path.join(workspace, 'escape.bib')]) {
      const decision = await decide(target, 'document', { trusted: false });
      assert.ok(decision.action === 'refuse' && decision.reason === 'untrusted', JSON.stringify(decision));
      assert.match(decision.message, /not trusted/);
      assert.ok(decision.message.includes(path.join(outside, 'shared.bib')));
      assert.doesNotMatch(decision.message, /\n/);
    }
    // Not even one the user agreed to while the workspace was still trusted.
    const approved = await decide(path.join(outside, 'shared.bib'), 'document', { trusted: false, approved: new Set([path.join(outside, 'shared.bib')]) });
    assert.equal(approved.action, 'refuse');
  });

  it('a workspace setting is the workspace\'s word: outside the folders it is asked about, or refused when untrusted', async () => {
    const trusted = await decide(path.join(outside, 'shared.bib'), 'workspaceSetting');
    assert.ok(trusted.action === 'ask' && trusted.detail.includes('workspace setting'));
    assert.equal((await decide(path.join(outside, 'shared.bib'), 'workspaceSetting', { trusted: false })).action, 'refuse');
  });

  it('writes where the user decided: their user settings or a save dialog, outside the folders and untrusted too', async () => {
    for (const origin of ['userSetting', 'saveDialog'] as const) {
      assert.deepEqual(await decide(path.join(outside, 'shared.bib'), origin, { trusted: false }), { action: 'write', realPath: path.join(outside, 'shared.bib'), format: 'bibtex' });
    }
  });

  it('a command argument is no decision of the user\'s: outside the folders it is asked about, naming the command', async () => {
    const decision = await decide(path.join(outside, 'shared.bib'), 'command');
    assert.ok(decision.action === 'ask' && decision.detail.startsWith('A command names this file'), JSON.stringify(decision));
  });

  it('a workspace folder that is gone from the disk still contains the paths under it, and nothing else', async () => {
    const gone = path.join(root, 'gone');
    assert.equal((await decide(path.join(gone, 'refs.bib'), 'document', { workspaceFolders: [gone] })).action, 'write');
    assert.equal((await decide(path.join(outside, 'shared.bib'), 'document', { workspaceFolders: [gone] })).action, 'ask');
  });

  it('with no workspace folder open, every .bib is outside: asked about', async () => {
    assert.equal((await decide(path.join(workspace, 'refs.bib'), 'document', { workspaceFolders: [] })).action, 'ask');
  });

  it('a path agreed to once in the session is not asked about again', async () => {
    assert.equal((await decide(path.join(workspace, 'escape.bib'), 'document', { approved: new Set([path.join(outside, 'shared.bib')]) })).action, 'write');
  });

  it('refuses a file without a bibliography extension, whoever named it, naming the file', async () => {
    for (const origin of ['document', 'workspaceSetting', 'userSetting', 'saveDialog'] as const) {
      const decision = await decide(path.join(outside, '.bashrc'), origin);
      assert.ok(decision.action === 'refuse' && decision.reason === 'extension', origin);
      assert.ok(decision.message.includes(path.join(outside, '.bashrc')), decision.message);
    }
    const inside = await decide(path.join(workspace, 'notes.md'));
    assert.ok(inside.action === 'refuse' && inside.reason === 'extension');
  });

  it('refuses a .bib name that is a symlink to a file of another kind, naming both', async () => {
    const decision = await decide(path.join(workspace, 'rc.bib'));
    assert.ok(decision.action === 'refuse' && decision.reason === 'extension');
    assert.ok(decision.message.includes(path.join(outside, '.bashrc')) && decision.message.includes('rc.bib'), decision.message);
    assert.equal(readlinkSync(path.join(workspace, 'rc.bib')), path.join(outside, '.bashrc'));
  });

  it('refuses the formats it can name but does not write yet (Hayagriva YAML, CSL JSON), and writes them once allowed', async () => {
    for (const name of ['refs.yml', 'refs.yaml', 'refs.json']) {
      const refused = await decide(path.join(workspace, name));
      assert.ok(refused.action === 'refuse' && refused.reason === 'extension', name);
      assert.match(refused.message, /only into \.bib files/);
    }
    const hayagriva = await decide(path.join(workspace, 'refs.yaml'), 'document', { formats: ['bibtex', 'hayagriva'] });
    assert.ok(hayagriva.action === 'write' && hayagriva.format === 'hayagriva');
    assert.equal(formatOf('REFS.BIB'), 'bibtex');
    assert.equal(formatOf('refs.bib.txt'), undefined);
  });

  it('refuses a name the file system cannot take in one shortened line, without touching the disk', async () => {
    const untouched: WriteTargetEnvironment = {
      realpath: () => assert.fail('read the disk'),
      readlink: () => assert.fail('read the disk'),
      workspaceFolders: [workspace],
      trusted: true,
    };
    for (const name of [`${'é'.repeat(128)}.bib`, `${'a'.repeat(300)}.bib`, 'nul\0.bib']) {
      const decision = await decideWriteTarget(path.join(workspace, name), 'document', untouched);
      assert.ok(decision.action === 'refuse' && decision.reason === 'unusable', JSON.stringify(decision));
      assert.doesNotMatch(decision.message, /[\n\0]/);
      assert.ok(decision.message.length < 200, decision.message);
    }
    assert.equal((await decide(path.join(workspace, `${'a'.repeat(251)}.bib`))).action, 'write');
  });

  it('names a hostile file name in the question without a link in it', async () => {
    const decision = await decide(path.join(outside, '[Open](command:x).bib'));
    assert.ok(decision.action === 'ask');
    assert.doesNotMatch(decision.question, /\]\(/);
  });

  it('refuses a path the file system rejects (a symlink loop, a file used as a folder)', async () => {
    symlinkSync(path.join(workspace, 'loop-b.bib'), path.join(workspace, 'loop-a.bib'));
    symlinkSync(path.join(workspace, 'loop-a.bib'), path.join(workspace, 'loop-b.bib'));
    for (const target of [path.join(workspace, 'loop-a.bib'), path.join(workspace, 'refs.bib', 'inner.bib')]) {
      const decision = await decide(target);
      assert.ok(decision.action === 'refuse' && decision.reason === 'unusable', `${target}: ${JSON.stringify(decision)}`);
    }
  });

  it('shows paths in messages on one line, without bidi controls or link syntax, shortened in the middle', () => {
    assert.equal(shortPath('/a/b\u202Ecib.bib\nx'), '/a/bcib.bib x');
    assert.doesNotMatch(shortPath('/ws/[Open](command:workbench.action.terminal.new).bib'), /\]\(/);
    const long = `/home/user/${'x'.repeat(300)}/refs.bib`;
    const shown = shortPath(long);
    assert.equal([...shown].length, 80);
    assert.ok(shown.startsWith('/home/user/') && shown.endsWith('/refs.bib') && shown.includes('…'));
  });
});
