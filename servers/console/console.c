/*
 * The console server (servers/console/console.cleave): multiplexes the one UART
 * between its clients. Output: each client's bytes are collected into lines and
 * printed as "<name>: <line>". Input: the server is the only holder of console
 * read; what arrives goes to the client with the focus, which Ctrl-A followed by a
 * digit moves. Clients are numbered 1.. in the order of their badges, which is the
 * order of their connections in the system description; until someone moves it, the
 * focus is on the first of them that has said hello.
 *
 * The focused client's unfinished line (a shell's prompt, the echo of a key) is
 * shown when the client asks (flush) and continued as more comes; when another
 * client's line must be printed first, the unfinished one is erased, the other line
 * printed, and the unfinished one drawn again below it.
 *
 * The server waits on its endpoint with the UART's interrupt notification bound
 * to its thread, so one receive hears both a client's call and new input.
 */
#include <cleave/bootinfo.h>
#include <cleave/runtime.h>
#include <string.h>

#include CL_GLUE_H

#define MAX_CLIENTS 8
#define LINE_MAX 160
#define INPUT_MAX 256
#define CTRL_A 0x01

struct client {
	uint64_t badge;
	char name[25];
	char line[LINE_MAX + 1]; /* NUL-terminated when printed */
	size_t len;
	bool visible; /* it asked for its unfinished line to be shown (flush) */
};

static struct client clients[MAX_CLIENTS];
static unsigned nclients;
static int focus = -1;
static bool focus_moved;      /* by Ctrl-A: then a later hello does not take it */
static char input[INPUT_MAX]; /* waiting for the client with the focus */
static size_t input_len;
static bool escape;	 /* the last byte was Ctrl-A */
static bool shown;	 /* the focused client's unfinished line is on the terminal */
static size_t shown_len; /* how much of it */

static struct client *caller(void)
{
	for (unsigned i = 0; i < nclients; i++)
		if (clients[i].badge == console__badge)
			return &clients[i];
	return NULL;
}

static const char *name_of(const struct client *c)
{
	return c->name[0] ? c->name : "?";
}

static struct client *focused(void)
{
	return focus < 0 ? NULL : &clients[focus];
}

/* Take the unfinished line off the terminal (CR, erase to end of line: ECMA-48 EL). */
static void erase_shown(void)
{
	if (shown)
		cl_printf("\r\x1b[K");
	shown = false;
}

/* Put the focused client's unfinished line back, after someone else's output. */
static void redraw(void)
{
	struct client *c = focused();

	if (shown || c == NULL || !c->visible || c->len == 0)
		return;
	c->line[c->len] = '\0';
	cl_printf("%s: %s", name_of(c), c->line);
	shown = true;
	shown_len = c->len;
}

static void flush_line(struct client *c)
{
	c->line[c->len] = '\0';
	if (shown && c == focused()) {
		cl_printf("%s\n", c->line + shown_len);
		shown = false;
	} else {
		erase_shown();
		cl_printf("%s: %s\n", name_of(c), c->line);
	}
	c->len = 0;
	c->visible = false;
	redraw();
}

/*
 * Only the focused client's unfinished line is shown (the prompt of the shell being
 * typed into); the others' wait for their newline, so their lines stay whole.
 */
void console_flush(void)
{
	struct client *c = caller();

	if (c == NULL)
		return;
	c->visible = true;
	if (c != focused() || c->len == 0 || (shown && shown_len == c->len))
		return;
	c->line[c->len] = '\0';
	if (shown)
		cl_printf("%s", c->line + shown_len);
	else
		cl_printf("%s: %s", name_of(c), c->line);
	shown = true;
	shown_len = c->len;
}

void console_hello(const char *name)
{
	struct client *c = caller();

	if (c == NULL) {
		unsigned at = 0;

		if (nclients == MAX_CLIENTS)
			return; /* no room: its output is dropped, its reads return nothing */
		/* Keep the clients in badge order: their numbers for Ctrl-A. */
		while (at < nclients && clients[at].badge < console__badge)
			at++;
		memmove(&clients[at + 1], &clients[at], (nclients - at) * sizeof(clients[0]));
		if (focus >= (int)at)
			focus++;
		nclients++;
		c = &clients[at];
		*c = (struct client){.badge = console__badge};
	}
	for (size_t i = 0; i + 1 < sizeof(c->name); i++)
		if ((c->name[i] = name[i]) == '\0')
			break;
	if (!focus_moved && (focus < 0 || c->badge < clients[focus].badge)) {
		erase_shown();
		focus = (int)(c - clients);
		/* More clients may still say hello: their count is not known yet. */
		cl_printf("console: input goes to %s (Ctrl-A then a client's number moves it)\n",
			  c->name);
		redraw();
	}
}

void console_write(const char *text)
{
	struct client *c = caller();

	if (c == NULL)
		return; /* said no hello: nothing to prefix with */
	for (size_t i = 0; i < 24 && text[i] != '\0'; i++) {
		if (text[i] == '\n' || text[i] == '\r') {
			if (c->len > 0 || text[i] == '\n')
				flush_line(c);
			continue;
		}
		c->line[c->len++] = text[i];
		if (c->len == LINE_MAX)
			flush_line(c);
	}
}

int32_t console_read(char *text)
{
	struct client *c = caller();
	size_t n = input_len < 24 ? input_len : 24;

	if (c == NULL || (int)(c - clients) != focus || n == 0)
		return 0;
	memcpy(text, input, n);
	memmove(input, input + n, input_len - n);
	input_len -= n;
	return (int32_t)n;
}

static void take(char ch)
{
	if (escape) {
		escape = false;
		if (ch >= '1' && ch < '1' + (int)nclients) {
			erase_shown();
			focus = ch - '1';
			focus_moved = true;
			/* What was typed for the previous client stays theirs: gone. */
			input_len = 0;
			cl_printf("console: input goes to %s\n", clients[focus].name);
			redraw(); /* its prompt, if it showed one */
			return;
		}
		if (ch != CTRL_A)
			return; /* an unknown escape: dropped */
	} else if (ch == CTRL_A) {
		escape = true;
		return;
	}
	if (input_len < INPUT_MAX)
		input[input_len++] = ch;
}

/* Drains the UART (which re-arms its interrupt) and tells the clients. */
static void handle_input(void)
{
	size_t before = input_len;
	struct cl_result r;

	do {
		r = cl_console_read(CL_SLOT_CONSOLE);
		for (uint64_t i = 0; r.err == CL_OK && i < r.mr[0]; i++)
			take((char)(r.mr[1 + i / 8] >> (8 * (i % 8))));
	} while (r.err == CL_OK && r.mr[0] == 24);
	cl_irq_handler_ack(CL_CONSOLE_INPUT_IRQ);
	if (input_len > before)
		input_emit();
}

int cl_component_main(void)
{
	uint64_t reply[4];
	struct cl_result m;

	if (cl_tcb_bind_notification(CL_SLOT_TCB, CL_CONSOLE_INPUT).err != CL_OK) {
		cl_printf("console: cannot bind the input notification\n");
		return 1;
	}
	handle_input(); /* arms the UART's receive interrupt */
	m = cl_sys_recv(console__slot, 0, 0, 0, 0, 0, 0);
	for (;;) {
		uint64_t info;

		if (m.err != CL_OK)
			return 1;
		if (cl_msginfo_label(m.info) == 0) {
			/* A signal of the bound notification: input, no caller to answer. */
			handle_input();
			m = cl_sys_recv(console__slot, 0, 0, 0, 0, 0, 0);
			continue;
		}
		console__badge = m.badge;
		info = console__dispatch(m.info, m.mr, reply);
		m = cl_sys_reply_recv(console__slot, info, reply[0], reply[1], reply[2], reply[3],
				      0);
	}
}
