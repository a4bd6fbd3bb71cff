// A simulated body camera with the media parts attached, installed as the current board.
import { useBoard } from '../../../host-sim/board/current';
import { SimBoard } from '../../../host-sim/board/sim-board';
import { SceneCamera } from '../../../host-sim/models/camera';
import { AmbientMicrophone } from '../../../host-sim/models/microphone';
import { RecordingSpeaker } from '../../../host-sim/models/speaker';

export interface MediaSim {
  board: SimBoard;
  camera: SceneCamera;
  microphone: AmbientMicrophone;
  speaker: RecordingSpeaker;
  run(ms: number): void;
  now(): number;
}

export function mediaSim(seed = 7): MediaSim {
  const board = new SimBoard();
  const camera = new SceneCamera({ seed });
  const speaker = new RecordingSpeaker();
  const microphone = new AmbientMicrophone({ seed, hears: speaker });
  board.camera = camera;
  board.speaker = speaker;
  board.microphone = microphone;
  useBoard(board);
  return { board, camera, microphone, speaker, run: (ms) => board.scheduler.runFor(ms), now: () => board.scheduler.now() };
}

afterEach(() => useBoard(undefined));
