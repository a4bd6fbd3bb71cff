/* quancheng: the card's identity string from its CID fields (see card-platform.h). */
#include <stdio.h>

#include "card-platform.h"

static char printable(char c)
{
	return c >= 0x21 && c <= 0x7e ? c : '_';
}

void qc_card_format_serial(char out[32], unsigned manufacturer, const char oem[2], const char name[5], uint32_t serial)
{
	char o[3], n[6];
	for (int i = 0; i < 2; i++)
		o[i] = printable(oem[i]);
	o[2] = 0;
	for (int i = 0; i < 5; i++)
		n[i] = printable(name[i]);
	n[5] = 0;
	snprintf(out, 32, "%02x-%s-%s-%08lx", manufacturer & 0xFFu, o, n, (unsigned long)serial);
}
