// `quancheng serve` runs in a node started with the service's heap flags (tools/serve/node-flags.ts).
import { runInChild, SERVICE_NODE_FLAGS, serviceRespawnArgs } from '../../tools/serve/node-flags';

test('serve without the flags runs again with them, after the flags node was given and before the script', () => {
  expect(serviceRespawnArgs(['serve', 'DIR', '--listen', '127.0.0.1:0'], ['--enable-source-maps'], '/opt/quancheng/bin/quancheng')).toEqual([
    '--enable-source-maps',
    ...SERVICE_NODE_FLAGS,
    '/opt/quancheng/bin/quancheng',
    'serve',
    'DIR',
    '--listen',
    '127.0.0.1:0',
  ]);
});

test('no new process for other commands, nor when each flag is already given (with any value)', () => {
  expect(serviceRespawnArgs(['verify', 'DIR'], [], 'q')).toBeUndefined();
  expect(serviceRespawnArgs([], [], 'q')).toBeUndefined();
  expect(serviceRespawnArgs(['serve', 'DIR'], [...SERVICE_NODE_FLAGS], 'q')).toBeUndefined();
  const chosen = SERVICE_NODE_FLAGS.map((f) => `${f.split('=')[0]}=256`);
  expect(serviceRespawnArgs(['serve', 'DIR'], chosen, 'q')).toBeUndefined();
});

test('the child in this process`s place: its exit code, or 128 + the signal that killed it', async () => {
  expect(await runInChild(['-e', 'process.exitCode = 3'])).toBe(3);
  expect(await runInChild(['-e', 'process.kill(process.pid, "SIGKILL")'])).toBe(137);
  // The listeners that pass signals on are gone once the child has ended.
  expect(process.listeners('SIGTERM').some((l) => l.name === 'pass')).toBe(false);
});
