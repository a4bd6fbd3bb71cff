// Device module specifier -> host implementation. One table for jest and esbuild,
// as a Moddable manifest maps the same specifiers per platform.
module.exports = {
  crypt: 'host-sim/crypt/digest.ts',
  'embedded:storage/files': 'host-sim/files/module.ts',
  timer: 'host-sim/time/timer-module.ts',
  time: 'host-sim/time/time-module.ts',
};
