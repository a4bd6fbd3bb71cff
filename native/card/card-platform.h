/*
 * quancheng: what the card module needs from the platform, and nothing more.
 *
 * The queue (card-queue.c) and the volume (card-volume.c) are portable C: they include no
 * ESP-IDF header, so the host test (tests/native/card-test.c) runs them over pthreads and a
 * RAM card. card-platform-esp32.c implements this on the unit (SDMMC host, FreeRTOS, PSRAM).
 */
#ifndef QC_CARD_PLATFORM_H
#define QC_CARD_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#define QC_CARD_SECTOR 512u

/* The card as a run of 512-byte sectors. Every function returns 0, or a negative number on failure. */
typedef struct {
	void *context;
	int (*read)(void *context, uint32_t sector, uint32_t count, void *buffer);
	int (*write)(void *context, uint32_t sector, uint32_t count, const void *buffer);
	/* 1 while the card answers (CMD13 on the unit), 0 when it does not. Cheap: poll() calls it. */
	int (*present)(void *context);
	uint32_t sector_count;
	/* "03-SD-SC32G-8a1b2c3d", from the CID (qc_card_format_serial). */
	char serial[32];
} qc_card_io;

/*
 * The unit's slot (card-platform-esp32.c): initialises the card in the slot and fills io;
 * negative when no card answers. The form of qc_card_poll's open_io.
 */
int qc_card_open_slot(qc_card_io *io, void *context);

/* One mutex with one condition: enough for a single producer (the XS thread) and one drain task. */
typedef struct qc_lock qc_lock;
qc_lock *qc_lock_create(void);
void qc_lock_take(qc_lock *lock);
void qc_lock_give(qc_lock *lock);
/* Releases the lock, sleeps until qc_lock_wake, takes it again. Spurious wake-ups are allowed. */
void qc_lock_wait(qc_lock *lock);
void qc_lock_wake(qc_lock *lock);

/* Starts fn(argument) on a task of its own, for the life of the program. 0 or negative. */
int qc_task_start(void (*fn)(void *argument), void *argument);

/*
 * Memory for the queue, littlefs's caches and the lookahead bitmap: PSRAM on the unit (the queue
 * alone is hundreds of KB). NULL if there is not that much.
 */
void *qc_card_alloc(size_t bytes);
void qc_card_free(void *memory);

/*
 * The serial string from the CID fields (SD spec: MID 8 bits, OID 2 ASCII, PNM 5 ASCII, PSN 32 bits),
 * e.g. "03-SD-SC32G-8a1b2c3d". Characters outside printable ASCII become '_'.
 */
void qc_card_format_serial(char out[32], unsigned manufacturer, const char oem[2], const char name[5], uint32_t serial);

#endif
