/* More simultaneously live values than BPF has registers, in straight-line code and in a loop. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct args {
	u32 v[12];
	u32 out;
};

SEC("syscall")
int register_pressure(struct args *ctx)
{
	u32 a = ctx->v[0], b = ctx->v[1], c = ctx->v[2], d = ctx->v[3];
	u32 e = ctx->v[4], f = ctx->v[5], g = ctx->v[6], h = ctx->v[7];
	u32 i = ctx->v[8], j = ctx->v[9], k = ctx->v[10], l = ctx->v[11];
	int n;

	for (n = 0; n < 4; n++) {
		u32 t = a + b * c - d;
		a = b ^ e;
		b = c + f;
		c = d * g;
		d = e - h;
		e = f ^ i;
		f = g + j;
		g = h * k;
		h = i - l;
		i = j + t;
		j = k ^ t;
		k = l + n;
		l = t * 7;
	}
	ctx->out = a ^ b ^ c ^ d ^ e ^ f ^ g ^ h ^ i ^ j ^ k ^ l;
	return (a + b + c + d + e + f) - (g + h + i + j + k + l);
}

char _license[] SEC("license") = "GPL";
