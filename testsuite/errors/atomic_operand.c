/* Atomic builtins on objects of 4 or 8 bytes only, through a pointer to a non-const integer. */
typedef unsigned char u8;
typedef unsigned short u16;

struct s {
	int a;
};

int f(u8 *b, u16 *h, const int *c, struct s *s, int **pp)
{
	int i = 0;

	__sync_fetch_and_add(b, 1); // ERROR 13:23: unsupported atomic operation, please use 32/64 bit version
	__sync_lock_test_and_set(h, 1); // ERROR 14:27: unsupported atomic operation, please use 32/64 bit version
	__sync_fetch_and_add(c, 1); // ERROR 15:23: cannot be const-qualified
	__sync_fetch_and_add(s, 1); // ERROR 16:23: must be a pointer to integer
	__sync_fetch_and_or(pp, 1); // ERROR 17:22: must be a pointer to integer
	__atomic_load_n(&i, __ATOMIC_ACQUIRE); // ERROR 18:2: supported only with __ATOMIC_RELAXED
	return __sync_fetch_and_add(i, 1); // ERROR 19:30: must be a pointer ('int' invalid)
}
