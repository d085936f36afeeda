/* Back-end test program: run as a socket filter, it must return what the
 * clang-19 -O2 build returns at every -mcpu (checked when this was written). */
// expect: 54
#define SEC(x) __attribute__((section(x), used))
static __attribute__((noinline)) int classify(int v) {
  switch (v & 15) {
  case 0: return 10;
  case 1: case 2: return 20 + v;
  case 7: return -v;
  case 9: return v * v;
  case 12: return v >> 1;
  default: return v & 3 ? 5 : 6;
  }
}
SEC("socket") int prog(void *ctx) {
  int r = 0;
  for (int i = -40; i < 40; i += 7) {
    int c = classify(i);
    if (c > 10 && (i & 1) || c < -5) r += c; else if (!((unsigned)c % 3)) r -= 2 * c; else r ^= c;
    r = r > 100000 ? r - 100000 : r < -100000 ? r + 7 : r;
  }
  unsigned u = r;
  return (u < 5u) + (u >= 0x80000000u) * 3 + ((long)r < -3l) * 7 + r;
}
char _license[] SEC("license") = "GPL";
