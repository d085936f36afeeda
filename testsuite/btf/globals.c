/* Global data: .data, .rodata, .bss, custom sections, static and global,
 * volatile const configuration, static locals. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct point { int x, y __attribute__((btf_decl_tag("y_coord"))); };
typedef struct point point_t;

int g_data = 5;
static long s_data = -3;
__u64 g_bss;
static __u32 s_bss;
const int g_ro = 17;
const char greeting[] = "hello";
const volatile __u32 cfg_mult = 2;
const volatile point_t cfg_origin = { 1, 2 };
point_t g_points[3] = { { 1, 2 }, { 3, 4 } };
int g_custom SEC(".data.custom") = 9;
unsigned char g_bytes[5];
_Bool g_flag;
short g_short = -2;

static __attribute__((noinline)) int bump(int by)
{
	static int calls;
	calls += by;
	return calls;
}

SEC("syscall")
int update(void *ctx)
{
	g_data += (int)cfg_mult;
	s_data *= 2;
	g_bss = s_data + g_ro + greeting[g_data & 3];
	s_bss += 0xabcd;
	g_points[2].x = cfg_origin.x + g_points[1].y;
	g_points[2].y = cfg_origin.y;
	g_custom++;
	g_bytes[4] = 0xfe;
	g_flag = 1;
	g_short = (short)(g_short * 3);
	return bump(3) + bump(4) + (int)s_bss;
}

char LICENSE[] SEC("license") = "GPL";
