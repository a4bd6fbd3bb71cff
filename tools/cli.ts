// The quancheng command line: dispatches to commands, maps errors to exit codes (DESIGN §6).
import { exportUsage, runExport } from './commands/export';
import { extractUsage, lsUsage, runExtract, runLs } from './commands/image-cmds';
import { flashUsage, runFlash } from './commands/flash';
import { keygenUsage, offloadUsage, provisionUsage, runKeygen, runOffload, runProvision, runStatus, runTime, statusUsage, timeUsage } from './commands/maintenance';
import { runSim, simUsage } from './commands/sim';
import { runStore, storeUsage } from './store/command';
import { accountsUsage, runAccounts, runServe, serveUsage } from './serve/command';
import { runVerify, verifyUsage } from './commands/verify';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError } from './errors';
import { processIo, type Io } from './io';

type Command = { usage: string; summary: string; run: (argv: readonly string[], io: Io) => number | Promise<number> };

const COMMANDS: Record<string, Command> = {
  sim: { usage: simUsage, summary: 'run a scenario on the simulated body camera; writes flash.img and report.json', run: runSim },
  verify: { usage: verifyUsage, summary: 'check an evidence chain (image or directory): hashes, links, signatures, compliance', run: runVerify },
  ls: { usage: lsUsage, summary: 'list the files of a storage partition image', run: runLs },
  extract: { usage: extractUsage, summary: 'copy the files of a storage partition image into a new directory', run: runExtract },
  store: { usage: storeUsage, summary: 'the designated store (art. 14): create one, list its devices, re-verify what it holds, add entries', run: runStore },
  serve: { usage: serveUsage, summary: 'the designated store as an HTTP service: offload API, accounts, pages, audit trail (loopback by default)', run: runServe },
  accounts: { usage: accountsUsage, summary: 'the service\'s accounts: add one (password on stdin) or list them', run: runAccounts },
  export: { usage: exportUsage, summary: 'evidence package: playable media, the article-15 note, verification report, original entries (--iso: disc image)', run: runExport },
  status: { usage: statusUsage, summary: 'a device\'s state over its maintenance port: battery, storage, chain head, clock, deadlines', run: runStatus },
  provision: { usage: provisionUsage, summary: 'set a device\'s identity, officer, technicians\' keys and designated store (journaled)', run: runProvision },
  time: { usage: timeUsage, summary: 'set a device\'s clock (journaled with the old and new time)', run: runTime },
  offload: { usage: offloadUsage, summary: 'move evidence to the designated store (art. 14); the device checks the store\'s receipt; --reclaim frees its space', run: runOffload },
  keygen: { usage: keygenUsage, summary: 'make a technician key (P-256); prints the public key for provisioning', run: runKeygen },
  flash: { usage: flashUsage, summary: 'assemble a unit\'s flash (partition table, provisioned storage volume, app) and write it with esptool', run: runFlash },
};

function help(): string {
  const lines = ['usage: quancheng COMMAND [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`, `             ${c.usage}`);
  return lines.join('\n') + '\n';
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(help());
    return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`quancheng: unknown command ${JSON.stringify(name)} (try quancheng help)\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`quancheng ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    // Anything else is a bug in quancheng, not bad input: say so on one line, still no stack trace unless asked.
    io.err(`quancheng ${name}: internal error: ${(e as Error).message ?? String(e)}${process.env.QUANCHENG_DEBUG ? '\n' + (e as Error).stack : ''}\n`);
    return 3;
  }
}
