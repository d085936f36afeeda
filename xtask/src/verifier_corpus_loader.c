// Loads each program of one BPF object on its own, the way the selftests'
// test_loader.c does (the program plus the object's `__auxiliary` programs,
// prog_flags from the `__flag(...)` tags plus BPF_F_TEST_REG_INVARIANTS), and
// prints one line per program:
//
//   name <TAB> section <TAB> expect <TAB> ok|fail <TAB> errno <TAB> reason
//
// `expect` is success, failure or "-" (from the `__success`/`__failure` BTF
// decl tags); `reason` is the verifier's (or libbpf's) last meaningful line.
// Auxiliary programs get no line of their own. Built and run by
// `cargo xtask verifier-corpus` (xtask/src/verifier_corpus.rs).
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BPF_F_TEST_REG_INVARIANTS
#define BPF_F_TEST_REG_INVARIANTS (1U << 7)
#endif

// Everything libbpf printed during the current load (warnings include the
// verifier log between "-- BEGIN PROG LOAD LOG --" and "-- END ...").
static char captured[1 << 20];
static size_t captured_len;

static int capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	// libbpf's debug chatter would bury the warnings that say what failed.
	if (level == LIBBPF_DEBUG)
		return 0;
	if (captured_len >= sizeof(captured) - 1)
		return 0;
	int n = vsnprintf(captured + captured_len, sizeof(captured) - captured_len, fmt, ap);
	if (n > 0)
		captured_len += (size_t)n;
	if (captured_len > sizeof(captured) - 1)
		captured_len = sizeof(captured) - 1;
	return 0;
}

struct prog_spec {
	char name[256];
	char section[256];
	const char *expect;
	int auxiliary;
	__u32 flags;
};

static int flag_value(const char *v, __u32 *out)
{
	static const struct {
		const char *name;
		__u32 value;
	} known[] = {
		{"BPF_F_STRICT_ALIGNMENT", BPF_F_STRICT_ALIGNMENT},
		{"BPF_F_ANY_ALIGNMENT", BPF_F_ANY_ALIGNMENT},
		{"BPF_F_TEST_RND_HI32", BPF_F_TEST_RND_HI32},
		{"BPF_F_TEST_STATE_FREQ", BPF_F_TEST_STATE_FREQ},
		{"BPF_F_SLEEPABLE", BPF_F_SLEEPABLE},
		{"BPF_F_XDP_HAS_FRAGS", BPF_F_XDP_HAS_FRAGS},
		{"BPF_F_TEST_REG_INVARIANTS", BPF_F_TEST_REG_INVARIANTS},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(v, known[i].name) == 0) {
			*out = known[i].value;
			return 0;
		}
	}
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 0);
	if (errno || *end)
		return -1;
	*out = (__u32)n;
	return 0;
}

// Reads the test tags of `spec->name` from the object's BTF decl tags.
static void read_tags(const struct btf *btf, struct prog_spec *spec)
{
	spec->expect = "-";
	spec->auxiliary = 0;
	spec->flags = BPF_F_TEST_REG_INVARIANTS;
	if (!btf)
		return;
	__u32 n = btf__type_cnt(btf);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (!btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1)
			continue;
		const struct btf_type *target = btf__type_by_id(btf, t->type);
		if (!target || !btf_is_func(target))
			continue;
		if (strcmp(btf__name_by_offset(btf, target->name_off), spec->name) != 0)
			continue;
		const char *tag = btf__name_by_offset(btf, t->name_off);
		const char *flags_pfx = "comment:test_prog_flags=";
		if (strcmp(tag, "comment:test_expect_failure") == 0)
			spec->expect = "failure";
		else if (strcmp(tag, "comment:test_expect_success") == 0)
			spec->expect = "success";
		else if (strcmp(tag, "comment:test_auxiliary") == 0)
			spec->auxiliary = 1;
		else if (strncmp(tag, flags_pfx, strlen(flags_pfx)) == 0) {
			const char *v = tag + strlen(flags_pfx);
			int clear = v[0] == '!';
			__u32 f;
			if (flag_value(v + clear, &f) == 0)
				spec->flags = clear ? spec->flags & ~f : spec->flags | f;
		}
	}
}

static int is_noise(const char *line, size_t len)
{
	static const char *prefixes[] = {
		"processed ", "verification time", "stack depth", "-- END", "-- BEGIN",
		"Validating ", "Func#", "mark_precise", "Global function",
	};
	if (len == 0)
		return 1;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (len >= strlen(prefixes[i]) && strncmp(line, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

// The verifier log's last meaningful line, else libbpf's first warning.
static void print_reason(void)
{
	captured[captured_len] = 0;
	const char *begin = strstr(captured, "-- BEGIN PROG LOAD LOG --");
	const char *end = begin ? strstr(begin, "-- END PROG LOAD LOG --") : NULL;
	const char *pick = NULL;
	size_t pick_len = 0;
	if (begin && end) {
		const char *p = strchr(begin, '\n');
		while (p && p < end) {
			p++;
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (!is_noise(p, len)) {
				pick = p;
				pick_len = len;
			}
			p = nl;
		}
	}
	if (!pick) {
		for (const char *p = captured; *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			if (len && !strstr(p, "-- BEGIN") && !strstr(p, "-- END")) {
				pick = p;
				pick_len = len;
				break;
			}
			if (!nl)
				break;
			p = nl + 1;
		}
	}
	for (size_t i = 0; pick && i < pick_len && i < 300; i++)
		putchar(pick[i] == '\t' ? ' ' : pick[i]);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJECT\n", argv[0]);
		return 2;
	}
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(capture);

	// A first open lists the programs and their tags.
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		captured[captured_len] = 0;
		fprintf(stderr, "cannot open %s: %s\n", argv[1], captured);
		return 1;
	}
	size_t count = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj) count++;
	struct prog_spec *specs = calloc(count ? count : 1, sizeof(*specs));
	size_t i = 0;
	bpf_object__for_each_program(prog, obj)
	{
		snprintf(specs[i].name, sizeof(specs[i].name), "%s", bpf_program__name(prog));
		snprintf(specs[i].section, sizeof(specs[i].section), "%s", bpf_program__section_name(prog));
		read_tags(bpf_object__btf(obj), &specs[i]);
		i++;
	}
	bpf_object__close(obj);

	for (size_t k = 0; k < count; k++) {
		if (specs[k].auxiliary)
			continue;
		captured_len = 0;
		obj = bpf_object__open_file(argv[1], NULL);
		int err;
		if (!obj) {
			err = -errno;
		} else {
			i = 0;
			bpf_object__for_each_program(prog, obj)
			{
				int load = i == k || specs[i].auxiliary;
				bpf_program__set_autoload(prog, load);
				if (load)
					bpf_program__set_flags(prog, specs[i].flags);
				i++;
			}
			err = bpf_object__load(obj);
		}
		printf("%s\t%s\t%s\t%s\t%d\t", specs[k].name, specs[k].section, specs[k].expect,
		       err ? "fail" : "ok", err < 0 ? -err : err);
		if (err)
			print_reason();
		putchar('\n');
		fflush(stdout);
		bpf_object__close(obj);
	}
	free(specs);
	return 0;
}
