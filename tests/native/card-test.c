/*
 * Host test of native/card/'s portable C (card-queue.c, card-volume.c, card-serial.c) with
 * littlefs's own C, pthreads for the platform interface and a RAM card whose writes can stall
 * (250 ms, as an SD card busy in housekeeping) or fail (the card pulled out). One line per case;
 * exits non-zero on any failure.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lfs.h"
#include "card-platform.h"
#include "card-queue.h"
#include "card-volume.h"

/* --- the platform interface over pthreads --- */

struct qc_lock {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
};

qc_lock *qc_lock_create(void)
{
	qc_lock *l = calloc(1, sizeof(*l));
	pthread_mutex_init(&l->mutex, NULL);
	pthread_cond_init(&l->cond, NULL);
	return l;
}
void qc_lock_take(qc_lock *l) { pthread_mutex_lock(&l->mutex); }
void qc_lock_give(qc_lock *l) { pthread_mutex_unlock(&l->mutex); }
void qc_lock_wait(qc_lock *l) { pthread_cond_wait(&l->cond, &l->mutex); }
void qc_lock_wake(qc_lock *l) { pthread_cond_broadcast(&l->cond); }

typedef struct { void (*fn)(void *); void *arg; } start;
static void *run(void *p)
{
	start s = *(start *)p;
	free(p);
	s.fn(s.arg);
	return NULL;
}
int qc_task_start(void (*fn)(void *), void *arg)
{
	pthread_t t;
	start *s = malloc(sizeof(*s));
	s->fn = fn;
	s->arg = arg;
	if (pthread_create(&t, NULL, run, s))
		return -1;
	pthread_detach(t);
	return 0;
}
void *qc_card_alloc(size_t bytes) { return malloc(bytes); }
void qc_card_free(void *p) { free(p); }

/* --- a RAM card --- */

#define SECTORS 32768u  /* 16 MiB: 128 littlefs blocks */

typedef struct {
	uint8_t *image;
	volatile int stall_ms;  /* every write sleeps this long first */
	volatile int pulled;    /* reads and writes fail, present() says 0 */
	volatile unsigned writes, reads;
	volatile unsigned fail_after;  /* when nonzero: the write after this many fails (pulled mid-drain) */
} ram_card;

static ram_card card_mem;

static int ram_read(void *c, uint32_t sector, uint32_t count, void *buffer)
{
	ram_card *r = c;
	if (r->pulled || sector + count > SECTORS)
		return -1;
	r->reads++;
	memcpy(buffer, r->image + (size_t)sector * 512, (size_t)count * 512);
	return 0;
}

static int ram_write(void *c, uint32_t sector, uint32_t count, const void *buffer)
{
	ram_card *r = c;
	if (r->stall_ms)
		usleep(r->stall_ms * 1000);
	if (r->fail_after && r->writes >= r->fail_after)
		r->pulled = 1;
	if (r->pulled || sector + count > SECTORS)
		return -1;
	r->writes++;
	memcpy(r->image + (size_t)sector * 512, buffer, (size_t)count * 512);
	return 0;
}

static int ram_present(void *c)
{
	return !((ram_card *)c)->pulled;
}

static int open_ram(qc_card_io *io, void *context)
{
	ram_card *r = context;
	if (r->pulled)
		return -1;
	io->context = r;
	io->read = ram_read;
	io->write = ram_write;
	io->present = ram_present;
	io->sector_count = SECTORS;
	return 0;
}

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("  FAILED: %s (line %d)\n", #cond, __LINE__); failures++; } } while (0)

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void reset_card(int fill)
{
	memset(card_mem.image, fill, (size_t)SECTORS * 512);
	card_mem.stall_ms = 0;
	card_mem.pulled = 0;
	card_mem.writes = card_mem.reads = 0;
	card_mem.fail_after = 0;
}

/* A fresh module state over the RAM card, as at power-on. */
static qc_card *boot(uint32_t capacity)
{
	qc_card *card = calloc(1, sizeof(qc_card));
	void *memory = malloc(capacity);
	if (qc_card_start(card, qc_lock_create(), memory, capacity) != 0) {
		printf("  could not start the drain task\n");
		exit(2);
	}
	qc_card_poll(card, open_ram, &card_mem);
	return card;
}

/*
 * Reads `path` from a copy of the card image through a second, independent module state that
 * only mounts (the copy holds a volume, so the policy never formats it): what a reader would
 * find if the card were pulled out at this instant.
 */
static int read_back(const char *path, uint8_t *out, uint32_t length)
{
	static uint8_t copy[SECTORS * 512u];
	static qc_lock *lock;
	if (!lock)
		lock = qc_lock_create();
	memcpy(copy, card_mem.image, sizeof(copy));
	ram_card other = { .image = copy };
	qc_card_io io;
	open_ram(&io, &other);
	static qc_card probe;
	memset(&probe, 0, sizeof(probe));
	qc_queue_init(&probe.queue, lock, NULL, 0, NULL, NULL);  /* never drained: only read here */
	qc_card_state st = qc_card_mount(&probe, &io);
	if (st != QC_CARD_MOUNTED)
		return -100 - (int)st;
	lfs_file_t f;
	int r = lfs_file_open(&probe.lfs, &f, path, LFS_O_RDONLY);
	if (r < 0)
		return r;
	lfs_ssize_t n = lfs_file_read(&probe.lfs, &f, out, length);
	lfs_file_close(&probe.lfs, &f);
	lfs_unmount(&probe.lfs);
	return (int)n;
}

static void fill_pattern(uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)((i * 131u + seed * 7u) >> 3);
}

int main(void)
{
	card_mem.image = malloc((size_t)SECTORS * 512);

	printf("serial: CID fields formatted\n");
	{
		char s[32];
		qc_card_format_serial(s, 0x03, "SD", "SC32G", 0x8a1b2c3du);
		printf("  %s\n", s);
		CHECK(strcmp(s, "03-SD-SC32G-8a1b2c3d") == 0);
		qc_card_format_serial(s, 0x1b, "S\x01", "EB1QT", 0x1u);
		CHECK(strcmp(s, "1b-S_-EB1QT-00000001") == 0);
	}

	printf("no card: absent\n");
	{
		reset_card(0x00);
		card_mem.pulled = 1;
		qc_card *card = boot(1 << 20);
		printf("  state %s\n", qc_card_state_name(card->state));
		CHECK(card->state == QC_CARD_ABSENT);
		CHECK(qc_card_mkdir(card, "x") == QC_QUEUE_STOPPED);
	}

	static const int blanks[2] = { 0x00, 0xFF };
	for (int b = 0; b < 2; b++) {
		printf("blank card (all 0x%02X): formatted, then mounted\n", blanks[b]);
		reset_card(blanks[b]);
		qc_card *card = boot(1 << 20);
		printf("  state %s, block size %u, blocks %u, used at mount %u, generation %u\n", qc_card_state_name(card->state),
				(unsigned)card->config.block_size, (unsigned)card->config.block_count, (unsigned)card->blocks_used_at_mount, (unsigned)card->generation);
		CHECK(card->state == QC_CARD_FORMATTED);
		CHECK(card->config.block_size == 131072 && card->config.block_count == SECTORS / 256);
		CHECK(card->config.lookahead_size * 8 >= card->config.block_count);
		CHECK(card->generation == 1);
	}

	printf("FAT-like card (boot sector at 0): unreadable, not one byte written\n");
	{
		reset_card(0x00);
		uint8_t *s0 = card_mem.image;
		s0[0] = 0xEB; s0[1] = 0x3C; s0[2] = 0x90;
		memcpy(s0 + 3, "MSDOS5.0", 8);
		s0[11] = 0x00; s0[12] = 0x02;  /* 512 bytes per sector */
		memcpy(s0 + 0x36, "FAT16   ", 8);
		s0[510] = 0x55; s0[511] = 0xAA;
		uint8_t *before = malloc((size_t)SECTORS * 512);
		memcpy(before, card_mem.image, (size_t)SECTORS * 512);
		qc_card *card = boot(1 << 20);
		printf("  state %s, writes %u\n", qc_card_state_name(card->state), card_mem.writes);
		CHECK(card->state == QC_CARD_UNREADABLE);
		CHECK(card_mem.writes == 0);
		CHECK(memcmp(before, card_mem.image, (size_t)SECTORS * 512) == 0);
		CHECK(qc_card_mkdir(card, "ev") == QC_QUEUE_STOPPED);
		/* poll again with the same card in the slot: still left alone */
		CHECK(qc_card_poll(card, open_ram, &card_mem) == QC_CARD_UNREADABLE);
		CHECK(card_mem.writes == 0);
		free(before);
	}

	printf("blank except one byte in the last MiB: unreadable, not written\n");
	{
		reset_card(0xFF);
		card_mem.image[(size_t)SECTORS * 512 - 700] = 0x00;
		qc_card *card = boot(1 << 20);
		printf("  state %s, writes %u\n", qc_card_state_name(card->state), card_mem.writes);
		CHECK(card->state == QC_CARD_UNREADABLE && card_mem.writes == 0);
	}

	printf("littlefs card: mounted as it is, its files intact\n");
	{
		reset_card(0x00);
		qc_card *card = boot(1 << 20);
		CHECK(card->state == QC_CARD_FORMATTED);
		CHECK(qc_card_mkdir(card, "ev") == 0);
		int h = qc_card_open(card, "ev/a.qce", LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC);
		CHECK(h >= 1);
		CHECK(qc_card_write(card, h, 0, "evidence", 8) == 0);
		CHECK(qc_card_close(card, h) == 0);
		CHECK(qc_queue_wait_drained(&card->queue) == 0);
		unsigned writes = card_mem.writes;
		qc_card *again = boot(1 << 20);  /* a power cycle: a new module state over the same card */
		int dir = 0;
		printf("  state %s, writes during mount %u, size %d\n", qc_card_state_name(again->state), card_mem.writes - writes,
				(int)qc_card_stat(again, "ev/a.qce", &dir));
		CHECK(again->state == QC_CARD_MOUNTED);
		CHECK(card_mem.writes == writes);
		CHECK(qc_card_stat(again, "ev/a.qce", &dir) == 8 && dir == 0);
		CHECK(qc_card_stat(again, "ev", &dir) == 0 && dir == 1);
		int r = qc_card_open(again, "ev/a.qce", LFS_O_RDONLY);
		char back[8] = { 0 };
		CHECK(r >= 1 && qc_card_read(again, r, 0, back, 8) == 8 && memcmp(back, "evidence", 8) == 0);
		CHECK(qc_card_stat(again, "nothing", &dir) == LFS_ERR_NOENT);
	}

	printf("queue: fills to full while the card stalls; the full push queues nothing; drains; counters\n");
	{
		reset_card(0x00);
		const uint32_t capacity = 256 * 1024;
		qc_card *card = boot(capacity);
		CHECK(qc_card_usable(card));
		int h = qc_card_open(card, "big.bin", LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC);
		CHECK(qc_queue_wait_drained(&card->queue) == 0);
		card_mem.stall_ms = 250;
		static uint8_t chunk[32768];
		uint32_t position = 0, pushed = 0;
		double worst = 0;
		int r;
		for (;;) {
			fill_pattern(chunk, sizeof(chunk), pushed);
			double t0 = now_ms();
			r = qc_card_write(card, h, position, chunk, sizeof(chunk));
			double dt = now_ms() - t0;
			if (dt > worst)
				worst = dt;
			if (r != 0)
				break;
			position += sizeof(chunk);
			pushed++;
		}
		qc_queue_stats s;
		qc_queue_read_stats(&card->queue, &s);
		printf("  %u writes of 32 KiB queued, then %d (full); used %u of %u, peak %u; slowest push %.1f ms\n",
				pushed, r, s.used, s.capacity, s.peak, worst);
		CHECK(r == QC_QUEUE_FULL);
		CHECK(pushed >= 6 && pushed <= 8);
		CHECK(worst < 50.0);  /* the card's 250 ms stalls never reached the pusher */
		uint32_t used_full = s.used;
		CHECK(qc_card_write(card, h, position, chunk, sizeof(chunk)) == QC_QUEUE_FULL);
		qc_queue_read_stats(&card->queue, &s);
		CHECK(s.used <= used_full);
		CHECK(s.capacity == capacity && s.peak >= used_full);
		card_mem.stall_ms = 0;
		CHECK(qc_queue_wait_drained(&card->queue) == 0);
		qc_queue_read_stats(&card->queue, &s);
		printf("  drained: used %u, peak %u\n", s.used, s.peak);
		CHECK(s.used == 0);
		CHECK(qc_card_write(card, h, position, chunk, sizeof(chunk)) == 0);  /* room again */
		CHECK(qc_card_close(card, h) == 0);
		int dir;
		CHECK(qc_card_stat(card, "big.bin", &dir) == (int32_t)(position + sizeof(chunk)));
	}

	printf("flush ordering: flushesDone advances only once the data before the flush is on the card\n");
	{
		reset_card(0x00);
		qc_card *card = boot(1 << 20);
		int h = qc_card_open(card, "seg.qce", LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC);
		CHECK(qc_queue_wait_drained(&card->queue) == 0);
		qc_queue_stats s0, s;
		qc_queue_read_stats(&card->queue, &s0);
		static uint8_t data[65536], back[65536];
		fill_pattern(data, sizeof(data), 42);
		card_mem.stall_ms = 250;
		double t0 = now_ms();
		CHECK(qc_card_write(card, h, 0, data, sizeof(data)) == 0);
		CHECK(qc_card_flush(card, h) == 0);
		double dt = now_ms() - t0;
		qc_queue_read_stats(&card->queue, &s);
		printf("  queued write + flush in %.1f ms; flushes queued %u, done %u\n", dt, s.flushes_queued - s0.flushes_queued, s.flushes_done - s0.flushes_done);
		CHECK(dt < 50.0);
		CHECK(s.flushes_queued == s0.flushes_queued + 1);
		CHECK(s.flushes_done == s0.flushes_done);
		/* Before the flush is done the data is not committed: a second mount of the image does not see it. */
		CHECK(read_back("seg.qce", back, sizeof(back)) != (int)sizeof(data));
		int seen_done = 0;
		for (int i = 0; i < 400 && !seen_done; i++) {
			qc_queue_read_stats(&card->queue, &s);
			if (s.flushes_done == s0.flushes_done + 1) {
				seen_done = 1;
				/* The moment it reads done, an independent mount of the card finds every byte. */
				int n = read_back("seg.qce", back, sizeof(back));
				printf("  flush done: an independent mount reads %d bytes back\n", n);
				CHECK(n == (int)sizeof(data) && memcmp(back, data, sizeof(data)) == 0);
			} else
				usleep(10 * 1000);
		}
		CHECK(seen_done);
		card_mem.stall_ms = 0;
		CHECK(qc_card_close(card, h) == 0);
		CHECK(qc_queue_wait_drained(&card->queue) == 0);
		qc_queue_read_stats(&card->queue, &s);
		CHECK(s.flushes_done == s.flushes_queued);
	}

	printf("pulled out during a drain: removed, fault says why, later calls fail; a card put back mounts again\n");
	{
		reset_card(0x00);
		qc_card *card = boot(1 << 20);
		int h = qc_card_open(card, "cut.qce", LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC);
		CHECK(qc_queue_wait_drained(&card->queue) == 0);
		static uint8_t chunk[32768];
		card_mem.stall_ms = 20;
		card_mem.fail_after = card_mem.writes + 3;  /* the fourth sector write from now fails: pulled */
		for (int i = 0; i < 8; i++)
			CHECK(qc_card_write(card, h, (uint32_t)i * sizeof(chunk), chunk, sizeof(chunk)) == 0);
		CHECK(qc_card_flush(card, h) == 0);
		CHECK(qc_queue_wait_drained(&card->queue) == QC_QUEUE_STOPPED);
		qc_card_state st = qc_card_poll(card, open_ram, &card_mem);
		printf("  state %s, fault \"%s\"\n", qc_card_state_name(st), card->fault);
		CHECK(st == QC_CARD_REMOVED);
		CHECK(strstr(card->fault, "write failed") != NULL);
		int dir;
		CHECK(qc_card_write(card, h, 0, chunk, 16) == QC_QUEUE_STOPPED);
		CHECK(qc_card_flush(card, h) == QC_QUEUE_STOPPED);
		CHECK(qc_card_mkdir(card, "d") == QC_QUEUE_STOPPED);
		CHECK(qc_card_stat(card, "cut.qce", &dir) == QC_QUEUE_STOPPED);
		CHECK(qc_card_open(card, "cut.qce", LFS_O_RDONLY) == QC_QUEUE_STOPPED);
		qc_queue_stats s;
		qc_queue_read_stats(&card->queue, &s);
		CHECK(s.used == 0);
		/* still out: poll keeps "removed" */
		CHECK(qc_card_poll(card, open_ram, &card_mem) == QC_CARD_REMOVED);
		uint32_t generation = card->generation;
		card_mem.pulled = 0;
		card_mem.fail_after = 0;
		card_mem.stall_ms = 0;
		st = qc_card_poll(card, open_ram, &card_mem);
		printf("  put back: state %s, generation %u -> %u\n", qc_card_state_name(st), (unsigned)generation, (unsigned)card->generation);
		CHECK(st == QC_CARD_MOUNTED);
		CHECK(card->generation == generation + 1);
		CHECK(qc_card_mkdir(card, "after") == 0);
		CHECK(qc_card_stat(card, "after", &dir) == 0 && dir == 1);
	}

	printf("pulled out while the drain task is inside a stalled write: poll waits for it, then frees the files\n");
	{
		reset_card(0x00);
		qc_card *card = boot(1 << 20);
		int h = qc_card_open(card, "stall.qce", LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC);
		CHECK(qc_queue_wait_drained(&card->queue) == 0);
		static uint8_t chunk[32768];
		card_mem.stall_ms = 200;
		for (int i = 0; i < 3; i++)
			CHECK(qc_card_write(card, h, (uint32_t)i * sizeof(chunk), chunk, sizeof(chunk)) == 0);
		CHECK(qc_card_flush(card, h) == 0);
		usleep(50 * 1000);  /* the drain task is now sleeping inside a card write */
		card_mem.pulled = 1;
		double t0 = now_ms();
		qc_card_state st = qc_card_poll(card, open_ram, &card_mem);
		double dt = now_ms() - t0;
		printf("  state %s after %.0f ms, fault \"%s\"\n", qc_card_state_name(st), dt, card->fault);
		CHECK(st == QC_CARD_REMOVED);
		CHECK(dt >= 100.0);  /* it waited for the write in progress rather than freeing under it */
		CHECK(card->files[h - 1] == NULL);
		CHECK(qc_queue_wait_drained(&card->queue) == QC_QUEUE_STOPPED);
		CHECK(qc_card_close(card, h) == 0);  /* idempotent on a removed card */
		card_mem.stall_ms = 0;
	}

	printf("pulled out while idle: poll notices it (no write needed)\n");
	{
		reset_card(0x00);
		qc_card *card = boot(1 << 20);
		CHECK(qc_card_usable(card));
		card_mem.pulled = 1;
		CHECK(qc_card_poll(card, open_ram, &card_mem) == QC_CARD_REMOVED);
		CHECK(strstr(card->fault, "removed") != NULL);
		CHECK(qc_card_delete(card, "x") == QC_QUEUE_STOPPED);
	}

	printf(failures ? "FAIL: %d check(s)\n" : "PASS\n", failures);
	return failures ? 1 : 0;
}
