// Debian's Neovim 0.7 (no pull diagnostics) against `node dist/server.js --stdio`:
// a diagnostic and a hover must arrive.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, SERVER } from './client';
import { blocker, machine } from '../helpers/machine';

// Under CI a missing Neovim fails (blocker throws); .ci/run installs it.
const skip = blocker(machine.nvim()) ?? false;
const dir = mkdtempSync(join(tmpdir(), 'seccomp-nvim-'));

before(() => ensureBuilt());
after(() => rmSync(dir, { recursive: true, force: true }));

const LUA = `
local out = {}
local function finish(code)
  local f = io.open(RESULT, 'w'); f:write(table.concat(out, '\\n')); f:close()
  vim.cmd(code == 0 and 'qa!' or 'cq')
end
local ok, err = pcall(function()
  vim.cmd('edit ' .. POLICY)
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'seccomp',
    cmd = { 'node', SERVER, '--stdio' },
    root_dir = DIR,
  })
  assert(client_id, 'start_client failed')
  vim.lsp.buf_attach_client(buf, client_id)
  local got = vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  assert(got, 'no diagnostics arrived')
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, string.format('diagnostic %d:%d %s', d.lnum, d.col, d.message))
  end
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 2, character = 7 },
  }, 10000)
  assert(res, 'no hover response')
  for _, r in pairs(res) do
    if r.result and r.result.contents then table.insert(out, 'hover ' .. (r.result.contents.value or '')) end
    if r.err then table.insert(out, 'hover-error ' .. vim.inspect(r.err)) end
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then table.insert(out, 'error ' .. tostring(err)); finish(1) else finish(0) end
`;

test('Neovim 0.7 gets a diagnostic and a hover from the server', { skip, timeout: 60_000 }, () => {
  const policy = join(dir, 'nvim.seccomp');
  const result = join(dir, 'result.txt');
  writeFileSync(policy, 'arch x86_64\ndefault errno(EPERM)\nallow openat, execve\nallow opnat\n');
  const script = join(dir, 't.lua');
  writeFileSync(script, [
    `POLICY = ${JSON.stringify(policy)}`, `SERVER = ${JSON.stringify(SERVER)}`, `DIR = ${JSON.stringify(dir)}`,
    `RESULT = ${JSON.stringify(result)}`, LUA,
  ].join('\n'));
  const r = spawnSync('nvim', ['--headless', '--clean', '-u', 'NONE', '-c', `luafile ${script}`], {
    encoding: 'utf8', timeout: 50_000, env: { ...process.env, HOME: dir, XDG_STATE_HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  let out = '';
  try {
    out = readFileSync(result, 'utf8');
  } catch {
    // nvim died before writing.
  }
  assert.equal(r.status, 0, `nvim exited with ${r.status} (${r.signal ?? ''}); output: ${out}\n${r.stdout}\n${r.stderr}`);
  assert.match(out, /^diagnostic 3:6 unknown syscall `opnat`; did you mean `openat`\?$/m);
  assert.match(out, /^hover ```c\nint openat\(int dirfd/m);
});
