/* Atomic builtins on counters in a stack struct reached through a pointer: every __sync and __atomic form, results used and unused, cmpxchg that succeeds and fails, 32- and 64-bit. */
typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;
typedef long long s64;

#define SEC(name) __attribute__((section(name), used))

struct args {
	u64 a;
	u64 b;
	u32 c;
	u32 d;
	u64 out64[6];
	u32 out32[6];
};

struct counters {
	u64 hits;
	u32 small;
	s32 signed_small;
	s64 total;
	u64 flags;
};

static __attribute__((noinline)) u64 bump(struct counters *k, u64 v, u32 w)
{
	u64 r = 0;

	/* Results unused: the forms without BPF_FETCH. */
	__sync_fetch_and_add(&k->hits, v);
	__sync_fetch_and_sub(&k->total, 3);
	__sync_fetch_and_or(&k->flags, v << 4);
	__sync_fetch_and_and(&k->flags, ~(u64)0xf00);
	__sync_fetch_and_xor(&k->flags, 0x5a);
	__sync_fetch_and_add(&k->small, w);
	__sync_fetch_and_sub(&k->signed_small, (s32)w);
	__sync_fetch_and_or(&k->small, 0x10000);
	__sync_fetch_and_and(&k->small, 0xfffff);
	__sync_fetch_and_xor(&k->small, w);
	__sync_add_and_fetch(&k->hits, 1);
	/* Results used: old values, and new ones for OP_and_fetch. */
	r += __sync_fetch_and_add(&k->hits, 2);
	r = r * 3 + __sync_fetch_and_sub(&k->total, v);
	r = r * 3 + __sync_fetch_and_or(&k->flags, 0x30000);
	r = r * 3 + __sync_fetch_and_and(&k->flags, ~(u64)1);
	r = r * 3 + __sync_fetch_and_xor(&k->flags, v);
	r = r * 3 + __sync_add_and_fetch(&k->hits, v);
	r = r * 3 + __sync_sub_and_fetch(&k->total, 1);
	r = r * 3 + __sync_or_and_fetch(&k->flags, 0x8000);
	r = r * 3 + __sync_and_and_fetch(&k->flags, 0xffff);
	r = r * 3 + __sync_xor_and_fetch(&k->flags, 0x11);
	r = r * 3 + __sync_fetch_and_add(&k->small, w);
	r = r * 3 + (u32)__sync_fetch_and_sub(&k->signed_small, 7);
	r = r * 3 + __sync_sub_and_fetch(&k->small, 2);
	r = r * 3 + __sync_xor_and_fetch(&k->small, 0xff);
	r = r * 3 + __sync_lock_test_and_set(&k->small, w + 5);
	r = r * 3 + __sync_lock_test_and_set(&k->hits, v * 7);
	return r;
}

SEC("syscall")
int sync_forms(struct args *ctx)
{
	struct counters k = { ctx->a, ctx->c, (s32)ctx->d, (s64)ctx->b, ctx->a ^ ctx->b };
	u64 r = bump(&k, ctx->b, ctx->c);

	ctx->out64[0] = k.hits;
	ctx->out64[1] = k.total;
	ctx->out64[2] = k.flags;
	ctx->out64[3] = r;
	ctx->out32[0] = k.small;
	ctx->out32[1] = k.signed_small;
	return (int)(r >> 3);
}

SEC("syscall")
int compare_and_swap(struct args *ctx)
{
	u64 x = ctx->a;
	u32 y = ctx->c;
	u64 old64;
	u32 old32;
	int swapped = 0;

	/* Succeeds when the expected value is right, fails otherwise. */
	old64 = __sync_val_compare_and_swap(&x, ctx->b, 100);
	old32 = __sync_val_compare_and_swap(&y, ctx->d, 200);
	swapped = __sync_bool_compare_and_swap(&x, 100, ctx->a + 1);
	swapped = swapped * 2 + __sync_bool_compare_and_swap(&y, ctx->c, 7);
	swapped = swapped * 2 + __sync_bool_compare_and_swap(&x, ctx->b, 9);
	/* Result unused. */
	__sync_val_compare_and_swap(&y, 200, ctx->d + 1);

	ctx->out64[0] = x;
	ctx->out64[1] = old64;
	ctx->out32[0] = y;
	ctx->out32[1] = old32;
	return swapped;
}

SEC("syscall")
int atomic_forms(struct args *ctx)
{
	u64 x = ctx->a;
	u32 y = ctx->c;
	u64 expected64 = ctx->b;
	u32 expected32 = ctx->d;
	u64 z = ctx->a;
	u64 expected_z = ctx->b;
	u64 r = 0;
	int ok;

	__atomic_fetch_add(&x, 5, __ATOMIC_RELAXED);
	r += __atomic_fetch_sub(&x, ctx->b, __ATOMIC_SEQ_CST);
	r = r * 5 + __atomic_fetch_or(&y, 0x300, __ATOMIC_ACQ_REL);
	r = r * 5 + __atomic_fetch_and(&x, 0xfffffff, __ATOMIC_SEQ_CST);
	r = r * 5 + __atomic_fetch_xor(&y, ctx->d, __ATOMIC_RELAXED);
	r = r * 5 + __atomic_add_fetch(&y, 1, __ATOMIC_SEQ_CST);
	r = r * 5 + __atomic_sub_fetch(&x, 2, __ATOMIC_SEQ_CST);
	r = r * 5 + __atomic_or_fetch(&x, 0x40, __ATOMIC_SEQ_CST);
	r = r * 5 + __atomic_and_fetch(&y, 0xff0f, __ATOMIC_SEQ_CST);
	r = r * 5 + __atomic_xor_fetch(&x, 3, __ATOMIC_SEQ_CST);
	r = r * 5 + __atomic_exchange_n(&y, ctx->c + 9, __ATOMIC_SEQ_CST);
	__atomic_exchange_n(&x, x + 11, __ATOMIC_SEQ_CST);
	/* On failure the current contents go to the expected variable. */
	ok = __atomic_compare_exchange_n(&x, &expected64, 77, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	ok = ok * 2 + __atomic_compare_exchange_n(&x, &expected64, 78, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	ok = ok * 2 + __atomic_compare_exchange_n(&y, &expected32, 79, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	/* Succeeds when a == b. */
	ok = ok * 2 + __atomic_compare_exchange_n(&z, &expected_z, 5, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);

	ctx->out64[0] = x;
	ctx->out64[1] = expected64;
	ctx->out64[2] = r;
	ctx->out64[3] = z;
	ctx->out64[4] = expected_z;
	ctx->out32[0] = y;
	ctx->out32[1] = expected32;
	return ok;
}

char _license[] SEC("license") = "GPL";
