/* Back-end test program: run as a socket filter, it must return what the
 * clang-19 -O2 build returns at every -mcpu (checked when this was written). */
// expect: 286306932
#define SEC(x) __attribute__((section(x), used))
typedef unsigned long long u64;
SEC("socket") int prog(void *ctx) {
  volatile u64 v = 0x0102030405060708ULL;
  u64 x = v;
  unsigned r = __builtin_bswap32((unsigned)x) + __builtin_bswap16((unsigned short)(x >> 16));
  u64 y = __builtin_bswap64(x);
  signed char sc = (signed char)(y >> 8);
  short ss = (short)(y >> 40);
  r += sc + ss + (unsigned char)(y >> 3) + (unsigned short)(x * 3);
  r += (int)(y >> 33) + (long)(int)x;
  return r;
}
char _license[] SEC("license") = "GPL";
