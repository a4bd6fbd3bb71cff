// The body camera's wiring: a Seeed XIAO ESP32S3 Sense (Moddable subplatform
// esp32/xiao_esp32s3_sense: OV2640 camera, PDM microphone, 8 MB PSRAM, 8 MB flash) and the
// add-on parts a body camera needs. docs/HARDWARE.md explains each choice.
//
// The firmware takes pins and buses from here rather than from the host provider's
// `device.pin`, which on Moddable lists only the board's own LED and boot button.

export const BOARD = {
  subplatform: "esp32/xiao_esp32s3_sense",
  /** The board's I2C bus (Moddable's device.I2C.default on this board): RTC and secure element. */
  i2c: { port: 1, data: 5, clock: 6, hz: 400_000 },
  /** UART to the GNSS receiver (NMEA 0183, 9600 baud). */
  gnss: { port: 1, receive: 44, transmit: 43, baud: 9600 },
  /** PCF8563 real-time clock, with its own backup cell. */
  rtc: { address: 0x51 },
  /** ATECC608B secure element: the device key never leaves it. */
  secureElement: { address: 0x60 },
  /** MAX98357A I2S amplifier and speaker. */
  speaker: { bck: 7, lr: 8, dataOut: 9, sampleRate: 16000 },
  /** The Sense board's PDM microphone. */
  microphone: { pdmClock: 42, pdmData: 41, sampleRate: 16000 },
  /** Buttons to ground (internal pull-ups): record and mark. */
  buttons: { record: 1, mark: 2 },
  /** The board's user LED (active low) and a vibration motor behind a transistor. */
  led: { pin: 21, activeLow: true },
  vibration: { pin: 4 },
  /**
   * The maintenance link: the USB-C socket (the S3's USB-Serial-JTAG on GPIO19/20) as a
   * serial port at 460800 baud. See docs/HARDWARE.md: Moddable's Serial drives the UARTs,
   * so the device build needs a Serial over the USB peripheral with the same interface.
   */
  maintenance: { port: 0, receive: 20, transmit: 19, baud: 460800 },
  /** Battery through a 1:2 divider (two 100 kΩ) on an ADC1 pin. */
  battery: { pin: 3, dividerRatio: 2 },
} as const;

export type Board = typeof BOARD;
