/* Back-end test program: run as a socket filter, it must return what the
 * clang-19 -O2 build returns at every -mcpu (checked when this was written). */
// expect: 3240637575
#define SEC(x) __attribute__((section(x), used))
static __attribute__((noinline)) unsigned mix(unsigned a, unsigned b) { return (a * 31) ^ (b >> 3); }
SEC("socket") int prog(void *ctx) {
  unsigned acc = 7;
  for (int i = 0; i < 20; i++) {
    acc = mix(acc, i * 17);
    if (acc & 1) acc += 3; else acc -= 5;
  }
  return acc;
}
char _license[] SEC("license") = "GPL";
