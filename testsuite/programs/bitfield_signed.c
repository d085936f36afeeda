/* Signed bitfields: sign extension of narrow fields, including 1-bit signed fields. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct sfields {
	s32 one : 1;
	s32 three : 3;
	s32 nine : 9;
	u32 unsigned_nine : 9;
	s32 ten : 10;
	s64 big : 33;
	s64 rest : 31;
};

struct args {
	struct sfields s;
	s64 one, three, nine, unsigned_nine, ten, big, rest;
};

SEC("syscall")
int bitfield_signed(struct args *ctx)
{
	struct sfields s = ctx->s;

	ctx->one = s.one;
	ctx->three = s.three;
	ctx->nine = s.nine;
	ctx->unsigned_nine = s.unsigned_nine;
	ctx->ten = s.ten;
	ctx->big = s.big;
	ctx->rest = s.rest;
	return s.three < 0 ? -s.three : s.three + 100;
}

char _license[] SEC("license") = "GPL";
