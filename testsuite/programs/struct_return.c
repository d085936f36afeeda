/* Structs returned by value and passed by value through always-inline functions, and by pointer to noinline ones. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct vec3 {
	s32 x, y, z;
};

static __attribute__((always_inline)) inline struct vec3 add(struct vec3 a, struct vec3 b)
{
	return (struct vec3){ a.x + b.x, a.y + b.y, a.z + b.z };
}

static __attribute__((always_inline)) inline struct vec3 cross(struct vec3 a, struct vec3 b)
{
	struct vec3 r;

	r.x = a.y * b.z - a.z * b.y;
	r.y = a.z * b.x - a.x * b.z;
	r.z = a.x * b.y - a.y * b.x;
	return r;
}

static __attribute__((noinline)) s32 dot(const struct vec3 *a, const struct vec3 *b)
{
	return a->x * b->x + a->y * b->y + a->z * b->z;
}

struct args {
	struct vec3 a, b;
	struct vec3 sum, cr;
};

SEC("syscall")
int struct_return(struct args *ctx)
{
	struct vec3 a = ctx->a, b = ctx->b;
	struct vec3 s = add(a, b), c = cross(a, b);

	ctx->sum = s;
	ctx->cr = c;
	return dot(&c, &a) + dot(&s, &s);
}

char _license[] SEC("license") = "GPL";
