/* A growable byte buffer with the few JSON writers the event stream needs.
 * Strings are byte strings: every byte >= 0x80 is written as \u00XX, so a reader recovers the
 * exact bytes from the char codes (latin-1), whatever the encoding of the traced program's data. */
#ifndef SECCOMP_RUN_JSON_H
#define SECCOMP_RUN_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct sbuf {
	char *p;
	size_t len, cap;
};

/* Out of memory: says so on stderr and exits 70 (events.c). */
void sb_oom(void);

static void sb_reserve(struct sbuf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		sb_oom();
	b->p = p;
	b->cap = cap;
}

static void sb_mem(struct sbuf *b, const void *s, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void sb_puts(struct sbuf *b, const char *s) { sb_mem(b, s, strlen(s)); }

static void sb_u64(struct sbuf *b, uint64_t v)
{
	char tmp[24];
	int i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_mem(b, tmp + i, sizeof tmp - (size_t)i);
}

static void sb_i64(struct sbuf *b, int64_t v)
{
	if (v < 0) {
		sb_mem(b, "-", 1);
		sb_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		sb_u64(b, (uint64_t)v);
	}
}

/* 0x1f, or "0x1f" quoted: 64-bit values do not fit a JSON number, so in JSON registers travel
 * as strings; the compact records (events.h) write them bare. */
static void sb_hex_q(struct sbuf *b, uint64_t v, int quoted)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[20];
	int i = sizeof tmp;
	if (quoted)
		tmp[--i] = '"';
	do {
		tmp[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	if (quoted)
		tmp[--i] = '"';
	sb_mem(b, tmp + i, sizeof tmp - (size_t)i);
}

static void sb_hex(struct sbuf *b, uint64_t v) { sb_hex_q(b, v, 1); }

/* The inside of a JSON string holding the bytes s[0..n), without the quotes. */
static void sb_strbody(struct sbuf *b, const void *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = s;
	sb_reserve(b, n * 6);
	char *o = b->p + b->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else if (c == '\r') {
			*o++ = '\\';
			*o++ = 'r';
		} else if (c < 0x20 || c >= 0x7f) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
		} else {
			*o++ = (char)c;
		}
	}
	b->len = (size_t)(o - b->p);
}

/* A JSON string holding the bytes s[0..n). */
static void sb_str(struct sbuf *b, const void *s, size_t n)
{
	sb_mem(b, "\"", 1);
	sb_strbody(b, s, n);
	sb_mem(b, "\"", 1);
}

static void sb_cstr(struct sbuf *b, const char *s) { sb_str(b, s, strlen(s)); }

#endif
