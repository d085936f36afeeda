/* Back-end test program: run as a socket filter, it must return what the
 * clang-19 -O2 build returns at every -mcpu (checked when this was written). */
// expect: 2849457982
#define SEC(x) __attribute__((section(x), used))
typedef unsigned long long u64; typedef long long s64; typedef unsigned int u32; typedef int s32;
typedef unsigned short u16; typedef signed char s8; typedef unsigned char u8;
static __attribute__((noinline)) u64 f5(u64 a, u32 b, s32 c, u16 d, s8 e) {
  u64 r = a * 3 + b;
  r ^= (u64)(s64)c << 7;
  r += d * e;
  r = (r >> 13) | (r << 51);
  return r;
}
SEC("socket") int prog(void *ctx) {
  volatile u64 seed = 0x123456789abcdefULL;
  u64 s = seed;
  u32 h = 0;
  for (int i = 0; i < 16; i++) {
    s = f5(s, (u32)s + i, (s32)(s >> 3) - 100, (u16)(s >> 20), (s8)(s >> 5));
    h = h * 33 + (u32)(s ^ (s >> 32));
    if ((s32)h < 0) h ^= 0x5bd1e995;
    h += (u32)(s % 1000003) + (u32)(s / 77);
  }
  return h;
}
char _license[] SEC("license") = "GPL";
