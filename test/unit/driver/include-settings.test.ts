/** Issue 14 item 7: `seccompPolicy.includeDirectories` and the workspace folders, as the language server reads them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { includeDirectoriesFor, parseSettings, workspaceFolderPaths } from '../../../server/src/lsp/settings';
import { DEFAULT_SETTINGS } from '../../../server/src/service/context';

test('seccompPolicy.includeDirectories is read as a list of non-empty strings', () => {
  assert.deepEqual(parseSettings({ includeDirectories: ['/etc/seccomp', ' shared ', '', 3, null] }, DEFAULT_SETTINGS).includeDirectories, ['/etc/seccomp', 'shared']);
  assert.deepEqual(parseSettings({ 'includeDirectories': 'not a list' }, DEFAULT_SETTINGS).includeDirectories, undefined);
  assert.deepEqual(DEFAULT_SETTINGS.includeDirectories, []);
});

test('workspace folders come from initialize: workspaceFolders, else rootUri, else rootPath', () => {
  assert.deepEqual(workspaceFolderPaths({ workspaceFolders: [{ uri: 'file:///w/a', name: 'a' }, { uri: 'vscode-vfs://x/y', name: 'y' }] } as never), ['/w/a']);
  assert.deepEqual(workspaceFolderPaths({ rootUri: 'file:///w/b', workspaceFolders: null } as never), ['/w/b']);
  assert.deepEqual(workspaceFolderPaths({ rootUri: null, rootPath: '/w/c' } as never), ['/w/c']);
  assert.deepEqual(workspaceFolderPaths({ rootUri: null } as never), []);
});

test('a policy may include from every workspace folder and the listed folders, relative ones from its own workspace folder', () => {
  assert.deepEqual(includeDirectoriesFor('/w/b/p/x.seccomp', ['/w/a', '/w/b'], ['/opt/policies', 'shared']), ['/w/a', '/w/b', '/opt/policies', '/w/b/shared']);
  assert.deepEqual(includeDirectoriesFor('/elsewhere/x.seccomp', ['/w/a'], ['shared']), ['/w/a', '/w/a/shared']);
  assert.deepEqual(includeDirectoriesFor('/elsewhere/x.seccomp', [], ['shared', '/abs']), ['/abs']);
});
