/* Kernel idioms built from typeof, offsetof and statement expressions: container_of, READ_ONCE/WRITE_ONCE, ARRAY_SIZE. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#define offsetof(T, m) __builtin_offsetof(T, m)
#define container_of(ptr, type, member) ({                      \
	const typeof(((type *)0)->member) *__mptr = (ptr);      \
	(type *)((char *)__mptr - offsetof(type, member)); })
#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct list_node {
	u64 next_id;
};

struct item {
	u32 id;
	u16 weight;
	struct list_node node;
	u32 tail[3];
};

struct args {
	u32 id;
	u16 weight;
	u16 pad;
	u64 out_id, out_weight, size, off;
};

static __attribute__((noinline)) u32 weight_of(struct list_node *n)
{
	struct item *it = container_of(n, struct item, node);

	return it->weight * 10 + it->id;
}

SEC("syscall")
int kernel_idioms(struct args *ctx)
{
	struct item it = { .id = ctx->id, .weight = ctx->weight, .node = { 7 } };
	struct item *back = container_of(&it.node, struct item, node);
	u32 w;

	WRITE_ONCE(it.tail[2], READ_ONCE(it.id) + 1);
	w = weight_of(&it.node);
	ctx->out_id = back->id + back->tail[2];
	ctx->out_weight = w;
	ctx->size = ARRAY_SIZE(it.tail);
	ctx->off = offsetof(struct item, node);
	return back == &it;
}

char _license[] SEC("license") = "GPL";
