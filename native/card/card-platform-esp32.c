/*
 * quancheng: card-platform.h on the unit: ESP-IDF's SDMMC host in 1-bit SD mode on the Sense
 * board's slot (hal/board.ts BOARD.card), FreeRTOS for the lock and the drain task, PSRAM for
 * the memory.
 *
 * Written against the ESP-IDF v5/v6 documentation (SDMMC Host driver, SD/SDIO/MMC protocol
 * layer, heap_caps, FreeRTOS); compiled on a unit's build only: this machine has no ESP-IDF,
 * so it has not been compiled here (docs/DEVICE-BUILD.md says what is not verified).
 */
#include <string.h>

#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "driver/gpio.h"
#include "driver/sdmmc_host.h"
#include "esp_heap_caps.h"
#include "sdmmc_cmd.h"

#include "mc.defines.h"
#include "card-platform.h"

#if !defined(MODDEF_CARD_CLOCK) || !defined(MODDEF_CARD_COMMAND) || !defined(MODDEF_CARD_DATA0) || !defined(MODDEF_CARD_D3)
	#error "manifest defines.card must set clock, command, data0 and d3 (hal/board.ts BOARD.card)"
#endif
#ifndef MODDEF_CARD_DRAIN_PRIORITY
	#define MODDEF_CARD_DRAIN_PRIORITY 5
#endif

/*
	Lock: a FreeRTOS mutex and a counting "something changed" semaphore. qc_lock_wait gives
	the mutex, blocks on the semaphore, takes the mutex again; callers re-check their condition.
*/
struct qc_lock {
	SemaphoreHandle_t mutex;
	SemaphoreHandle_t changed;
	int waiters;
};

qc_lock *qc_lock_create(void)
{
	qc_lock *lock = heap_caps_calloc(1, sizeof(qc_lock), MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT);
	if (!lock)
		return NULL;
	lock->mutex = xSemaphoreCreateMutex();
	lock->changed = xSemaphoreCreateCounting(8, 0);
	return lock;
}

void qc_lock_take(qc_lock *lock)
{
	xSemaphoreTake(lock->mutex, portMAX_DELAY);
}

void qc_lock_give(qc_lock *lock)
{
	xSemaphoreGive(lock->mutex);
}

void qc_lock_wait(qc_lock *lock)
{
	lock->waiters++;
	xSemaphoreGive(lock->mutex);
	xSemaphoreTake(lock->changed, portMAX_DELAY);
	xSemaphoreTake(lock->mutex, portMAX_DELAY);
}

/* Called with the mutex held: one give per waiter, so both the XS task and the drain task wake. */
void qc_lock_wake(qc_lock *lock)
{
	while (lock->waiters > 0) {
		lock->waiters--;
		xSemaphoreGive(lock->changed);
	}
}

int qc_task_start(void (*fn)(void *), void *argument)
{
	/* 6 KB stack: littlefs's traversal recursion is shallow; the caches live in PSRAM. */
	BaseType_t ok = xTaskCreatePinnedToCore(fn, "qc-card", 6144, argument, MODDEF_CARD_DRAIN_PRIORITY, NULL, tskNO_AFFINITY);
	return ok == pdPASS ? 0 : -1;
}

void *qc_card_alloc(size_t bytes)
{
	return heap_caps_malloc(bytes, MALLOC_CAP_SPIRAM | MALLOC_CAP_8BIT);
}

void qc_card_free(void *memory)
{
	heap_caps_free(memory);
}

/*
	The slot
*/

static sdmmc_host_t gHost;
static sdmmc_card_t gCard;
static int gHostReady;

static int sector_read(void *context, uint32_t sector, uint32_t count, void *buffer)
{
	return sdmmc_read_sectors(context, buffer, sector, count) == ESP_OK ? 0 : -1;
}

/* Returns once the card has left busy: the SD spec allows 250 ms; that is why a queue sits above. */
static int sector_write(void *context, uint32_t sector, uint32_t count, const void *buffer)
{
	return sdmmc_write_sectors(context, buffer, sector, count) == ESP_OK ? 0 : -1;
}

/* CMD13 (SEND_STATUS): a card pulled out does not answer. */
static int card_present(void *context)
{
	return sdmmc_get_status(context) == ESP_OK;
}

/*
 * Looks for a card in the slot and initialises it; fills io. The card's DAT3 (GPIO21) is the
 * user LED's net: it is driven high across sdmmc_card_init, whose CMD0 would otherwise put a
 * card that sees DAT3 low into SPI mode, then handed back to the LED (docs/HARDWARE.md).
 */
int qc_card_open_slot(qc_card_io *io, void *context)
{
	(void)context;
	if (!gHostReady) {
		if (sdmmc_host_init() != ESP_OK)
			return -1;
		sdmmc_slot_config_t slot = SDMMC_SLOT_CONFIG_DEFAULT();
		slot.width = 1;
		slot.clk = MODDEF_CARD_CLOCK;
		slot.cmd = MODDEF_CARD_COMMAND;
		slot.d0 = MODDEF_CARD_DATA0;
		slot.cd = SDMMC_SLOT_NO_CD;
		slot.wp = SDMMC_SLOT_NO_WP;
		/* The Sense board's pull-ups on CMD/D0 are not documented; the internal ones do no harm. */
		slot.flags |= SDMMC_SLOT_FLAG_INTERNAL_PULLUP;
		if (sdmmc_host_init_slot(SDMMC_HOST_SLOT_1, &slot) != ESP_OK)
			return -1;
		sdmmc_host_t host = SDMMC_HOST_DEFAULT();
		host.slot = SDMMC_HOST_SLOT_1;
		host.flags = SDMMC_HOST_FLAG_1BIT;
		gHost = host;
		gHostReady = 1;
	}

	gpio_set_direction(MODDEF_CARD_D3, GPIO_MODE_OUTPUT);
	gpio_set_level(MODDEF_CARD_D3, 1);
	memset(&gCard, 0, sizeof(gCard));
	esp_err_t result = sdmmc_card_init(&gHost, &gCard);
	/* Digital (the LED) drives the pin again at its next write. */
	if (result != ESP_OK)
		return -1;
	if (gCard.csd.sector_size != QC_CARD_SECTOR)
		return -1;

	memset(io, 0, sizeof(*io));
	io->context = &gCard;
	io->read = sector_read;
	io->write = sector_write;
	io->present = card_present;
	io->sector_count = (uint32_t)gCard.csd.capacity;
	char oem[2] = { (char)((gCard.cid.oem_id >> 8) & 0xFF), (char)(gCard.cid.oem_id & 0xFF) };
	qc_card_format_serial(io->serial, (unsigned)gCard.cid.mfg_id, oem, gCard.cid.name, (uint32_t)gCard.cid.serial);
	return 0;
}
