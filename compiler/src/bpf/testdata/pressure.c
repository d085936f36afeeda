/* Back-end test program: run as a socket filter, it must return what the
 * clang-19 -O2 build returns at every -mcpu (checked when this was written). */
// expect: 179776169
#define SEC(x) __attribute__((section(x), used))
static __attribute__((noinline)) unsigned long g(unsigned long a, unsigned long b) { return a * 7 + b; }
SEC("socket") int prog(void *ctx) {
  volatile unsigned long seed = 12345;
  unsigned long a = seed, b = a * 3, c = b ^ 77, d = c + a, e = d * 5, f = e - b, h = f | 9, k = h >> 2, m = k + 100, n = m * m;
  unsigned long x1 = g(a, b);
  unsigned long x2 = g(c, d);
  unsigned long x3 = g(e, f);
  unsigned long x4 = g(h, k);
  unsigned long x5 = g(m, n);
  unsigned long r = a + b + c + d + e + f + h + k + m + n + x1 * 3 + x2 * 5 + x3 * 7 + x4 * 11 + x5 * 13;
  return (int)(r ^ (r >> 32));
}
char _license[] SEC("license") = "GPL";
