/* An array index `x % 2^k` of an unknown x: the verifier bounds it only as
 * `x & (2^k - 1)` (clang's code), not as a BPF_MOD result. */
typedef unsigned int u32;
typedef unsigned long long u64;

#define SEC(name) __attribute__((section(name), used))

struct args {
	u64 a, b;
	u32 x;
};

const char table[4] = { 10, 20, 30, 40 };
const char pair[2] = { 1, 2 };

SEC("syscall")
int index_mod(struct args *c)
{
	return table[c->x % 4] * 10 + pair[(c->a + c->b) % 2];
}
