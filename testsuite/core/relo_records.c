/* CO-RE relocation records compared with clang-19's (not loaded: `struct
 * flags` is no kernel type, so libbpf poisons the relocated instructions). */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* A local struct with bitfields, read and written through CO-RE. */
struct flags {
	unsigned int a : 3;
	int b : 5;
	unsigned int c : 20;
	char d;
} __attribute__((preserve_access_index));

SEC("syscall")
int bitfields(void *ctx)
{
	struct flags f = {};
	struct flags *fp = &f;

	/* Plain writes: relocated too, as the record preserves access indices. */
	fp->a = 5;
	fp->b = -3;
	fp->c = 0xabcde;
	fp->d = 7;
	return (BPF_CORE_READ_BITFIELD(fp, a) == 5) + (BPF_CORE_READ_BITFIELD(fp, b) == -3) * 2 +
	       (BPF_CORE_READ_BITFIELD(fp, c) == 0xabcde) * 4 + (f.d == 7) * 8 +
	       bpf_core_field_size(struct flags, c) * 16;
}


struct inner {
	int x;
	int arr[4];
};

struct outer {
	int a;
	union {
		long l;
		struct {
			int u1;
			int u2;
		};
	};
	struct inner in;
	struct inner *pin;
	int arr[3][2];
	struct nested {
		int y;
		int z;
	} nested;
	int : 3;
	int last;
} __attribute__((preserve_access_index));

typedef struct outer outer_t;

struct plain {
	int a;
	struct {
		int b;
		int c[4];
	} s;
};

enum color { RED = 1, GREEN = 5, BLUE = 9 };
typedef enum color color_t;

SEC("syscall")
int members(struct outer *p)
{
	return p->a + p->u2 + p->in.arr[2] + p->pin->x + p->arr[2][1] + p->nested.z + p[1].last;
}

SEC("syscall")
int stores(outer_t *p)
{
	p->l = 5;
	p->arr[1][0] = 3;
	return p->last;
}

SEC("syscall")
long addresses(struct outer *p, long i)
{
	return (long)&p->in.x + (long)&p->arr[i] + (long)&p->nested;
}

SEC("syscall")
int preserved(struct plain *q)
{
	return __builtin_preserve_access_index(q->s.c[3]) +
	       *__builtin_preserve_access_index(&q->s.b) + q->a;
}

SEC("syscall")
long types(void *ctx)
{
	return bpf_core_type_id_local(struct outer) + bpf_core_type_id_kernel(outer_t) +
	       bpf_core_type_size(struct plain) + bpf_core_type_exists(enum color) +
	       bpf_core_type_matches(struct inner) + bpf_core_enum_value(color_t, GREEN) +
	       bpf_core_enum_value_exists(enum color, BLUE);
}

SEC("syscall")
int fields(struct outer *p)
{
	return bpf_core_field_exists(p->nested.y) + bpf_core_field_size(p->arr[1]) +
	       bpf_core_field_offset(struct outer, last) + BPF_CORE_READ(p, pin, x);
}

/* Records defined inside a preserve_access_index record have it too. */
SEC("syscall")
int nested_alone(struct nested *np)
{
	return np->z;
}

/* Members of record objects, not only through pointers. */
struct outer global_outer;

SEC("syscall")
int objects(struct outer *p)
{
	struct outer copy = *p;

	return copy.nested.z + global_outer.a;
}

/* Braced initializers of local preserve_access_index records: the values
 * not known at compile time are stored through relocations, a constant
 * initializer stays one image. */
struct opts {
	unsigned int id;
	int link;
	long pad[2];
} __attribute__((preserve_access_index));

extern int take_opts(struct opts *o, struct opts *c) __ksym;
unsigned int opt_id;

SEC("syscall")
int initializers(void *ctx)
{
	struct opts o = { .id = opt_id };
	struct opts c = { .id = 1, .link = 2 };

	return take_opts(&o, &c);
}

char _license[] SEC("license") = "GPL";
