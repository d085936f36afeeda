/* Back-end test program: run as a socket filter, it must return what the
 * clang-19 -O2 build returns at every -mcpu (checked when this was written). */
// expect: 4294936951
#define SEC(x) __attribute__((section(x), used))
struct pt { int x, y; long z; char tag[6]; };
static __attribute__((noinline)) int sum(struct pt *p, int n) {
  int s = 0;
  for (int i = 0; i < n && i < 8; i++) s += p[i].x * 3 - p[i].y + (int)p[i].z + p[i].tag[i & 3];
  return s;
}
SEC("socket") int prog(void *ctx) {
  struct pt a[8];
  for (int i = 0; i < 8; i++) {
    a[i].x = i * i; a[i].y = 7 - i; a[i].z = -i * 1000;
    for (int j = 0; j < 6; j++) a[i].tag[j] = (char)(i * 40 + j * 20);
  }
  struct pt b = a[3];
  b.x += 11;
  a[0] = b;
  return sum(a, 8);
}
char _license[] SEC("license") = "GPL";
