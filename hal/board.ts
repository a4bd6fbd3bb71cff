// The body camera's wiring: a Seeed XIAO ESP32S3 Sense (Moddable subplatform
// esp32/xiao_esp32s3_sense: OV2640 camera, PDM microphone, 8 MB PSRAM, 8 MB flash) and the
// add-on parts a body camera needs. docs/HARDWARE.md explains each choice.
//
// The firmware takes pins and buses from here rather than from the host provider's
// `device.pin`, which on Moddable lists only the board's own LED and boot button.

export const BOARD = {
  subplatform: "esp32/xiao_esp32s3_sense",
  /**
   * The board's I2C bus (Moddable's device.I2C.default on this board): GNSS receiver, I/O
   * expander, RTC and secure element.
   */
  i2c: { port: 1, data: 5, clock: 6, hz: 400_000 },
  /**
   * u-blox M10 GNSS receiver (GPS + BeiDou, NMEA 0183) on its DDC (I2C) port, not a UART:
   * that frees GPIO43/44 for the speaker. The driver polls the byte count every pollMs
   * (hal/gnss/ddc-source.ts says why 250 ms).
   */
  gnss: { address: 0x42, pollMs: 250 },
  /** PCA9554 8-bit I/O expander (A2-A0 to ground): drives the vibration motor, frees GPIO4. */
  expander: { address: 0x20 },
  /** PCF8563 real-time clock, with its own backup cell. */
  rtc: { address: 0x51 },
  /** ATECC608B secure element: the device key never leaves it. */
  secureElement: { address: 0x60 },
  /**
   * MAX98357A I2S amplifier and speaker, on the pins the GNSS UART and the vibration motor
   * gave up (docs/HARDWARE.md "Pin budget"): none is a strapping, PSRAM or USB pin.
   */
  speaker: { bck: 43, lr: 44, dataOut: 4, sampleRate: 16000 },
  /**
   * The Sense board's microSD slot, driven by the SDMMC host in 1-bit SD mode (native/card/).
   * d3 is the card's DAT3/CS line, on the same net as the user LED (led.pin): it must read high
   * whenever the card receives CMD0, or the card enters SPI mode, so native/card drives it high
   * around every card initialisation. docs/HARDWARE.md gives the evidence for GPIO21.
   */
  card: { clock: 7, command: 9, data0: 8, d3: 21, width: 1 },
  /** The Sense board's PDM microphone. */
  microphone: { pdmClock: 42, pdmData: 41, sampleRate: 16000 },
  /** Buttons to ground (internal pull-ups): record and mark. */
  buttons: { record: 1, mark: 2 },
  /**
   * The board's user LED (active low). GPIO21 is also the card's DAT3 (card.d3): the LED goes
   * dark while a card is being initialised.
   */
  led: { pin: 21, activeLow: true },
  /**
   * The vibration motor behind a P-channel MOSFET on expander pin P0, on when the pin is low:
   * the expander's pins come up as inputs with pull-ups, so the motor stays off from power-on
   * until the firmware drives it.
   */
  vibration: { expanderPin: 0, activeLow: true },
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
