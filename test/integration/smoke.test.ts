/**
 * The host is the real VS Code the extension targets, and the extension loads, activates and
 * registers its palette commands there.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'paper-lookup.paper-lookup';
const PALETTE_COMMANDS = ['paperLookup.search', 'paperLookup.insertCitation', 'paperLookup.showAbstract'];

describe('Smoke', () => {
  it('runs in VS Code 1.100', () => {
    assert.ok(vscode.version.startsWith('1.100.'), `VS Code ${vscode.version}`);
  });

  it('activates the extension and registers its commands', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in the test host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const command of PALETTE_COMMANDS) assert.ok(commands.includes(command), `${command} is not registered`);
  });
});
