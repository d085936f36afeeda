/* Pointers to stack structs passed to static functions, pointer differences, and byte-wise views through char pointers. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct rec {
	u16 id;
	u16 score;
	u32 payload;
};

struct args {
	struct rec recs[4];
	u32 best_id;
	u32 checksum;
};

/* Returns an index: the verifier refuses stack pointers returned to the caller. */
static __attribute__((noinline)) int best(const struct rec *r, int n)
{
	const struct rec *b = r;
	int i;

	for (i = 1; i < 4; i++) {
		if (i >= n)
			break;
		if (r[i].score > b->score)
			b = &r[i];
	}
	return b - r;
}

SEC("syscall")
int ptr_struct_walk(struct args *ctx)
{
	struct rec recs[4];
	struct rec *b;
	u8 *bytes = (u8 *)recs;
	u32 sum = 0;
	int i;

	__builtin_memcpy(recs, ctx->recs, sizeof(recs));
	b = recs + (best(recs, 4) & 3);
	for (i = 0; i < (int)sizeof(recs); i++)
		sum = (sum << 1 | sum >> 31) ^ bytes[i];
	ctx->best_id = b->id;
	ctx->checksum = sum;
	return b - recs;
}

char _license[] SEC("license") = "GPL";
