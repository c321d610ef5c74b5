/**
 * The extension's manifest says what VS Code enforces before any of our code
 * runs: Restricted Mode (running and learning off, the helper and command
 * line settings ignored), where the extension runs (the workspace side, so a
 * Remote or WSL window runs programs on Linux), and where the commands show.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface Command { command: string; enablement?: string }
interface MenuItem { command: string; when?: string }
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[]; description?: string } };
  extensionKind: string[];
  activationEvents: string[];
  contributes: { commands: Command[]; menus: Record<string, MenuItem[]>; configuration: { properties: Record<string, { scope?: string }> } };
};

const STARTS_PROGRAMS = ['seccompPolicy.testRun', 'seccompPolicy.testRunPermissive', 'seccompPolicy.testRunAsk', 'seccompPolicy.learn'];
const POLICY_ONLY = /editorLangId == seccomp|resourceExtname == \.seccomp/;

test('Restricted Mode: limited support; the commands that start programs need trust', () => {
  const trust = manifest.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited', 'hovers, diagnostics and compiling stay on in Restricted Mode');
  assert.match(trust.description ?? '', /Restricted Mode/);
  for (const id of STARTS_PROGRAMS) {
    const c = manifest.contributes.commands.find((x) => x.command === id);
    assert.ok(c, `${id} is contributed`);
    assert.match(c.enablement ?? '', /\bisWorkspaceTrusted\b/, `${id} is off in Restricted Mode`);
  }
  for (const id of ['seccompPolicy.compile', 'seccompPolicy.showSyscallDoc']) {
    const c = manifest.contributes.commands.find((x) => x.command === id);
    assert.doesNotMatch(c?.enablement ?? '', /isWorkspaceTrusted/, `${id} works in Restricted Mode`);
  }
});

test('settings that name programs or the helper are restricted', () => {
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];
  const props = manifest.contributes.configuration.properties;
  for (const name of Object.keys(props).filter((n) => /helper|commandLine/.test(n))) {
    assert.ok(restricted.includes(name), `${name} is ignored in untrusted workspaces`);
  }
  assert.ok(restricted.includes('seccompPolicy.helper.path'));
});

test('the extension runs on the workspace side (Remote, WSL) and activates on policies', () => {
  assert.deepEqual(manifest.extensionKind, ['workspace']);
  assert.ok(manifest.activationEvents.includes('onLanguage:seccomp'));
});

test('run and compile appear only for seccomp policies', () => {
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
    for (const item of items.filter((i) => STARTS_PROGRAMS.includes(i.command) || i.command === 'seccompPolicy.compile')) {
      assert.match(item.when ?? '', POLICY_ONLY, `${item.command} in ${menu}`);
    }
  }
  const runButton = manifest.contributes.menus['editor/title/run']?.find((i) => i.command === 'seccompPolicy.testRun');
  assert.ok(runButton, 'the editor title has the Run button');
});

test('per-folder settings are resource-scoped', () => {
  const props = manifest.contributes.configuration.properties;
  for (const name of ['seccompPolicy.lint.dangerous', 'seccompPolicy.maxNumberOfProblems', 'seccompPolicy.abis', 'seccompPolicy.helper.path']) {
    assert.ok(props[name], `${name} exists`);
    assert.match(props[name]!.scope ?? '', /resource/, `${name} can differ per folder`);
  }
});
