/* Back-end test program: run as a socket filter, it must return what the
 * clang-19 -O2 build returns at every -mcpu (checked when this was written). */
// expect: 2591350380
#define SEC(x) __attribute__((section(x), used))
typedef unsigned long long u64;
static const unsigned short table[16] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3 };
int counter = 17;
u64 big;
static __attribute__((noinline)) u64 mixer(u64 a, u64 b, u64 c, u64 d, u64 e) {
  u64 r = a;
  for (int i = 0; i < 5; i++) {
    r = r * 6364136223846793005ULL + (b ^ (c << i));
    r ^= (d >> (i + 1)) + e * table[(r >> 7) & 15];
  }
  return r;
}
SEC("socket") int prog(void *ctx) {
  u64 acc = 0;
  for (int i = 0; i < 12; i++) {
    u64 t = mixer(acc, i, table[i], counter + i, big);
    big += t & 0xff;
    counter ^= (int)(t >> 40);
    acc += t;
    if (t & 0x10) acc = ~acc;
  }
  return (int)(acc ^ (acc >> 29)) + counter + (int)big;
}
char _license[] SEC("license") = "GPL";
