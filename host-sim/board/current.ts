// The simulated board the host's device modules (timer, time, embedded:io/*,
// embedded:provider/builtin) act on. The simulator installs one before the firmware runs,
// as a device has exactly one board.
import type { SimBoard } from './sim-board';

let board: SimBoard | undefined;

export function useBoard(b: SimBoard | undefined): void {
  board = b;
}

export function currentBoard(): SimBoard {
  if (!board) throw new Error('no simulated board installed (host-sim/board/current.ts useBoard)');
  return board;
}
