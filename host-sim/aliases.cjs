// Device module specifier -> host implementation. One table for jest and esbuild,
// as a Moddable manifest maps the same specifiers per platform.
module.exports = {
  crypt: 'host-sim/crypt/module.ts',
  'embedded:storage/files': 'host-sim/files/module.ts',
  timer: 'host-sim/time/timer-module.ts',
  time: 'host-sim/time/time-module.ts',
  'embedded:io/digital': 'host-sim/io/digital.ts',
  'embedded:io/analog': 'host-sim/io/analog.ts',
  'embedded:io/i2c': 'host-sim/io/i2c.ts',
  'embedded:io/serial': 'host-sim/io/serial.ts',
  'embedded:io/audio/in': 'host-sim/io/audio-in.ts',
  'embedded:io/audio/out': 'host-sim/io/audio-out.ts',
  'embedded:io/image/in/camera': 'host-sim/io/camera.ts',
  'embedded:provider/builtin': 'host-sim/io/provider.ts',
  'mc/config': 'host-sim/device/mc-config.ts',
  Resource: 'host-sim/device/resource.ts',
};
