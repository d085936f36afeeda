/* Back-end test program: run as a socket filter, it must return what the
 * clang-19 -O2 build returns at every -mcpu (checked when this was written). */
// expect: 2757195069
#define SEC(x) __attribute__((section(x), used))
typedef unsigned int u32;
struct st { u32 a[4]; unsigned char b; short c; long d; };
static __attribute__((noinline)) u32 upd(struct st *s, u32 k, u32 m, u32 n, u32 o) {
  for (u32 i = 0; i < 4; i++) {
    s->a[i] = s->a[i] * k + (m ^ i);
    if (s->a[i] > n) s->a[i] -= o; else if (s->a[i] == n) s->a[i] = 0;
  }
  s->b += (unsigned char)k;
  s->c -= (short)m;
  s->d = (s->d << 3) - (long)n;
  return s->a[0] + s->a[3];
}
SEC("socket") int prog(void *ctx) {
  struct st s = { { 1, 2, 3, 4 }, 250, -3, -77 };
  u32 total = 0;
  for (u32 i = 0; i < 10; i++) {
    for (u32 j = 0; j < 3; j++) {
      u32 x = upd(&s, i + 3, j * 7, 1000 + i, 13);
      switch (x % 5) {
      case 0: total += x; break;
      case 1: total ^= x << 3;
      case 2: total -= 9; break;
      default: total = total * 5 + 1;
      }
    }
  }
  return total + s.b + s.c + (int)s.d;
}
char _license[] SEC("license") = "GPL";
