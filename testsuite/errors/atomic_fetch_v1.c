/* Without ALU32 (-mcpu=v1, v2), BPF has only the 32-bit atomic add whose result is unused: clang's messages. */
// CPU 1
typedef unsigned int u32;
typedef unsigned long long u64;

u32 counter_add(u32 *p, u32 v)
{
	__sync_fetch_and_add(p, v);
	return __sync_fetch_and_add(p, v); // ERROR 9: Invalid usage of the XADD return value
}

void counter_or(u32 *p, u32 v)
{
	__sync_fetch_and_or(p, v); // ERROR 14: unsupported atomic operation, please use 64 bit version
}

u32 counter_swap(u32 *p, u32 v)
{
	return __sync_val_compare_and_swap(p, v, 1); // ERROR 19: unsupported atomic operation, please use 64 bit version
}

/* The 64-bit forms all exist at v1. */
u64 wide(u64 *p, u64 v)
{
	return __sync_fetch_and_xor(p, v) + __sync_lock_test_and_set(p, v) + __sync_val_compare_and_swap(p, v, 2);
}
