// The host's "embedded:provider/builtin" (the global `device` on Moddable ESP32), for the
// simulated XIAO ESP32S3 Sense, in Moddable's spelling: upper-case bus names whose
// defaults carry their IO class, and the board's own pins. The firmware takes its wiring
// from hal/board.ts; this is here for code that asks the host provider, as ECMA-419 allows.
import Analog from './analog';
import AudioIn from './audio-in';
import AudioOut from './audio-out';
import Camera from './camera';
import Digital from './digital';
import I2C from './i2c';
import Serial from './serial';

const device = Object.freeze({
  io: Object.freeze({ Analog, AudioIn, AudioOut, Camera, Digital, I2C, Serial }),
  I2C: Object.freeze({ default: Object.freeze({ io: I2C, data: 5, clock: 6, port: 1 }) }),
  Serial: Object.freeze({ default: Object.freeze({ io: Serial, port: 0, receive: 44, transmit: 43 }) }),
  Analog: Object.freeze({ default: Object.freeze({ io: Analog, pin: 1 }) }),
  pin: Object.freeze({ button: 0, led: 21 }),
});

export default device;
