// `npm start`: a real VS Code in your browser with the extension under development loaded and a copy
// of the sample workspace open. Runs until Ctrl+C, which stops code-server and deletes the copy.
// Rebuild (`npm run build` or `npm run watch`) and reload the window (F1 › Developer: Reload Window)
// to pick up changes.
import { createSession, installCodeServer, startCodeServer } from './code-server-host.mjs';

await installCodeServer();
const session = await createSession();
const host = await startCodeServer(session);

console.log(`\nPaper Lookup is running in VS Code at:\n\n  ${host.workbenchUrl()}\n`);
console.log(`Workspace: ${session.workspaceFolder} (a fresh copy of test/fixtures/workspace)`);
console.log('Press Ctrl+C to stop.');

await host.exited;
if (!host.stopping) {
  console.error(`code-server stopped unexpectedly.\n${await host.logTail()}`);
  await session.remove();
  process.exit(1);
}
