/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bpf_helpers.h: the BPF program API of libbpf (same names, same meaning),
 * written to compile with clang, gcc and bpfcc alike.
 *
 * Helpers are declared by bpf_helper_defs.h: prototypes carrying
 * __attribute__((kernel_helper(N))) where the compiler has that attribute,
 * the function-pointer constants clang understands elsewhere. Packet loads
 * (load_byte/half/word) are __builtin_bpf_load_* where the compiler has them,
 * clang's "llvm.bpf.load.*" intrinsics otherwise.
 */
#ifndef __BPF_HELPERS__
#define __BPF_HELPERS__

#ifndef __has_attribute
#define __has_attribute(x) 0
#endif
#ifndef __has_builtin
#define __has_builtin(x) 0
#endif

#include "bpf_helper_defs.h"

/* ---- Map definitions in the BTF-described ".maps" section ---- */

#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name
#define __array(name, val) __typeof__(val) *name[]
/* A value wider than int (e.g. map_extra): an enumerator of its own type. */
#define __ulong(name, val) enum { ___bpf_concat(__unique_value, __COUNTER__) = val } name

/* ---- Sections and linkage ---- */

/*
 * SEC("xdp") puts a program, map or variable into an ELF section; `used`
 * keeps it even when nothing references it.
 */
#define SEC(name) __attribute__((section(name), used))

/* linux/stddef.h defines it as plain `__inline__`: libbpf's replaces it too. */
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif
#ifndef __weak
#define __weak __attribute__((weak))
#endif
/* Global but not exported to other objects (static linking by libbpf). */
#define __hidden __attribute__((visibility("hidden")))

/* Externs resolved by libbpf at load time. */
#define __kconfig __attribute__((section(".kconfig")))
#define __ksym __attribute__((section(".ksyms")))

/* BTF type tags: only compilers that emit them into BTF. */
#if __has_attribute(btf_type_tag)
#define __kptr_untrusted __attribute__((btf_type_tag("kptr_untrusted")))
#define __kptr __attribute__((btf_type_tag("kptr")))
#define __percpu_kptr __attribute__((btf_type_tag("percpu_kptr")))
#else
#define __kptr_untrusted
#define __kptr
#define __percpu_kptr
#endif

/* Tags on global function arguments, read by the verifier from BTF. */
#if __has_attribute(btf_decl_tag)
#define __arg_ctx __attribute__((btf_decl_tag("arg:ctx")))
#define __arg_nonnull __attribute__((btf_decl_tag("arg:nonnull")))
#define __arg_nullable __attribute__((btf_decl_tag("arg:nullable")))
#define __arg_trusted __attribute__((btf_decl_tag("arg:trusted")))
#define __arg_arena __attribute__((btf_decl_tag("arg:arena")))
#else
#define __arg_ctx
#define __arg_nonnull
#define __arg_nullable
#define __arg_trusted
#define __arg_arena
#endif

/* ---- Common C helpers ---- */

#ifndef NULL
#define NULL ((void *)0)
#endif

#ifndef KERNEL_VERSION
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#endif

#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif

#ifndef container_of
#define container_of(ptr, type, member)                                  \
	({                                                               \
		void *__mptr = (void *)(ptr);                            \
		((type *)(__mptr - offsetof(type, member)));             \
	})
#endif

/* A compiler barrier: no memory access moves across it. */
#ifndef barrier
#define barrier() __asm__ __volatile__("" : : : "memory")
#endif

/*
 * The compiler forgets what it knew about `var` (its range, that it is a
 * constant), e.g. to keep a bounds check the verifier needs.
 */
#ifndef barrier_var
#define barrier_var(var) __asm__ __volatile__("" : "+r"(var))
#endif

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#ifndef __bpf_unreachable
#define __bpf_unreachable() __builtin_trap()
#endif

/*
 * bpf_tail_call_static(ctx, map, slot): a tail call with a constant slot,
 * pinned into r3 right before the call, which lets the kernel patch it into
 * a direct jump (libbpf's code); gcc makes an ordinary bpf_tail_call, which
 * behaves the same.
 */
#if defined(__clang__)
static __always_inline void
bpf_tail_call_static(void *ctx, const void *map, const __u32 slot)
{
	if (!__builtin_constant_p(slot))
		__bpf_unreachable();
	__asm__ __volatile__("r1 = %[ctx]\n\t"
			     "r2 = %[map]\n\t"
			     "r3 = %[slot]\n\t"
			     "call 12"
			     :: [ctx]"r"(ctx), [map]"r"(map), [slot]"i"(slot)
			     : "r0", "r1", "r2", "r3", "r4", "r5");
}
#else
#define bpf_tail_call_static(ctx, map, slot) ((void)bpf_tail_call((ctx), (void *)(map), (slot)))
#endif

/* Whether a __ksym __weak extern was found in the running kernel. */
#if defined(__clang__)
#define bpf_ksym_exists(sym)                                                     \
	({                                                                       \
		_Static_assert(!__builtin_constant_p(!!sym),                     \
			       #sym " should be marked as __weak");              \
		!!sym;                                                           \
	})
#else
#define bpf_ksym_exists(sym) (!!(sym))
#endif

/* ---- Packet loads (LD_ABS/LD_IND) in socket filters and tc programs ---- */

/*
 * load_byte/load_half/load_word(skb, off): the value at `off` in the packet,
 * in host order. The skb must be the program's context.
 */
#if __has_builtin(__builtin_bpf_load_byte)
/* The builtins take the skb implicitly (the context, in r6); `skb` is only evaluated. */
#define load_byte(skb, off) ((void)(skb), __builtin_bpf_load_byte(off))
#define load_half(skb, off) ((void)(skb), __builtin_bpf_load_half(off))
#define load_word(skb, off) ((void)(skb), __builtin_bpf_load_word(off))
#else
unsigned long long load_byte(void *skb, unsigned long long off) __asm__("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) __asm__("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) __asm__("llvm.bpf.load.word");
#endif

/* ---- libbpf enums for map definitions and externs ---- */

enum libbpf_pin_type {
	LIBBPF_PIN_NONE,
	/* Pinned under the pin root path, by map name. */
	LIBBPF_PIN_BY_NAME,
};

enum libbpf_tristate {
	TRI_NO = 0,
	TRI_YES = 1,
	TRI_MODULE = 2,
};

/* ---- Variadic macro machinery ---- */

#define ___bpf_concat(a, b) a ## b
#define ___bpf_apply(fn, n) ___bpf_concat(fn, n)
#define ___bpf_nth(_, _1, _2, _3, _4, _5, _6, _7, _8, _9, _a, _b, _c, N, ...) N
/* The number of arguments, 0 to 12. */
#define ___bpf_narg(...) ___bpf_nth(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

/* ___bpf_fill(arr, args...) stores each argument into arr[i] as a u64. */
#define ___bpf_fill0(arr, p, x) do {} while (0)
#define ___bpf_fill1(arr, p, x) arr[p] = x
#define ___bpf_fill2(arr, p, x, args...) arr[p] = x; ___bpf_fill1(arr, p + 1, args)
#define ___bpf_fill3(arr, p, x, args...) arr[p] = x; ___bpf_fill2(arr, p + 1, args)
#define ___bpf_fill4(arr, p, x, args...) arr[p] = x; ___bpf_fill3(arr, p + 1, args)
#define ___bpf_fill5(arr, p, x, args...) arr[p] = x; ___bpf_fill4(arr, p + 1, args)
#define ___bpf_fill6(arr, p, x, args...) arr[p] = x; ___bpf_fill5(arr, p + 1, args)
#define ___bpf_fill7(arr, p, x, args...) arr[p] = x; ___bpf_fill6(arr, p + 1, args)
#define ___bpf_fill8(arr, p, x, args...) arr[p] = x; ___bpf_fill7(arr, p + 1, args)
#define ___bpf_fill9(arr, p, x, args...) arr[p] = x; ___bpf_fill8(arr, p + 1, args)
#define ___bpf_fill10(arr, p, x, args...) arr[p] = x; ___bpf_fill9(arr, p + 1, args)
#define ___bpf_fill11(arr, p, x, args...) arr[p] = x; ___bpf_fill10(arr, p + 1, args)
#define ___bpf_fill12(arr, p, x, args...) arr[p] = x; ___bpf_fill11(arr, p + 1, args)
#define ___bpf_fill(arr, args...) ___bpf_apply(___bpf_fill, ___bpf_narg(args))(arr, 0, args)

/* ---- Formatted output ---- */

/* Formats go to .rodata: read-only for the program, as the helpers need. */
#define ___bpf_fmt_decl(fmt) static const char ___fmt[] = fmt

/* BPF_SEQ_PRINTF(seq, fmt, args...): bpf_seq_printf in iterator programs. */
#define BPF_SEQ_PRINTF(seq, fmt, args...)                                   \
	({                                                                  \
		___bpf_fmt_decl(fmt);                                       \
		unsigned long long ___param[___bpf_narg(args)];             \
		_Pragma("GCC diagnostic push")                              \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")      \
		___bpf_fill(___param, args);                                \
		_Pragma("GCC diagnostic pop")                               \
		bpf_seq_printf(seq, ___fmt, sizeof(___fmt), ___param,       \
			       sizeof(___param));                           \
	})

/* BPF_SNPRINTF(out, out_size, fmt, args...): bpf_snprintf into a buffer. */
#define BPF_SNPRINTF(out, out_size, fmt, args...)                           \
	({                                                                  \
		___bpf_fmt_decl(fmt);                                       \
		unsigned long long ___param[___bpf_narg(args)];             \
		_Pragma("GCC diagnostic push")                              \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")      \
		___bpf_fill(___param, args);                                \
		_Pragma("GCC diagnostic pop")                               \
		bpf_snprintf(out, out_size, ___fmt, ___param,               \
			     sizeof(___param));                             \
	})

/*
 * bpf_printk(fmt, args...): bpf_trace_printk for up to 3 arguments (every
 * kernel has it), bpf_trace_vprintk (5.16+) for more. The format is a local
 * array unless BPF_NO_GLOBAL_DATA is defined, for kernels without .rodata.
 */
#ifdef BPF_NO_GLOBAL_DATA
#define BPF_PRINTK_FMT_MOD
#else
#define BPF_PRINTK_FMT_MOD static const
#endif

#define __bpf_printk(fmt, ...)                                              \
	({                                                                  \
		BPF_PRINTK_FMT_MOD char ____fmt[] = fmt;                    \
		bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__);  \
	})

#define __bpf_vprintk(fmt, args...)                                         \
	({                                                                  \
		static const char ___fmt[] = fmt;                           \
		unsigned long long ___param[___bpf_narg(args)];             \
		_Pragma("GCC diagnostic push")                              \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")      \
		___bpf_fill(___param, args);                                \
		_Pragma("GCC diagnostic pop")                               \
		bpf_trace_vprintk(___fmt, sizeof(___fmt), ___param,         \
				  sizeof(___param));                        \
	})

/* Picks by argument count: 0..3 → __bpf_printk, 4..12 → __bpf_vprintk. */
#define ___bpf_pick_printk(...)                                             \
	___bpf_nth(_, ##__VA_ARGS__, __bpf_vprintk, __bpf_vprintk,          \
		   __bpf_vprintk, __bpf_vprintk, __bpf_vprintk,             \
		   __bpf_vprintk, __bpf_vprintk, __bpf_vprintk,             \
		   __bpf_vprintk, __bpf_printk, __bpf_printk,               \
		   __bpf_printk, __bpf_printk)

#define bpf_printk(fmt, args...) ___bpf_pick_printk(args)(fmt, ##args)

/* bpf_vprintk(fmt, args...): always through bpf_trace_vprintk (up to 12 arguments). */
#define bpf_vprintk(fmt, args...) __bpf_vprintk(fmt, ##args)

/* ---- Open-coded iterators (kfuncs, kernel 6.4+) ---- */

struct bpf_iter_num;

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __weak __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __weak __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __weak __ksym;

#ifndef bpf_for_each
/*
 * bpf_for_each(type, cur, args...): iterates `cur` over bpf_iter_<type>;
 * the iterator is destroyed when the loop's scope ends.
 */
#define bpf_for_each(type, cur, args...)                                            \
	for (struct bpf_iter_##type ___it_##type                                    \
		__attribute__((aligned(8), cleanup(bpf_iter_##type##_destroy))),    \
	     *___p __attribute__((unused)) =                                        \
		(bpf_iter_##type##_new(&___it_##type, ##args),                      \
		 (void)bpf_iter_##type##_destroy, (void *)0);                       \
	     (((cur) = bpf_iter_##type##_next(&___it_##type)));)
#endif

#ifndef bpf_for
/* bpf_for(i, start, end): i from start to end - 1, with bounds the verifier knows. */
#define bpf_for(i, start, end)                                                      \
	for (struct bpf_iter_num ___it                                              \
		__attribute__((aligned(8), cleanup(bpf_iter_num_destroy))),         \
	     *___p __attribute__((unused)) =                                        \
		(bpf_iter_num_new(&___it, (start), (end)),                          \
		 (void)bpf_iter_num_destroy, (void *)0);                            \
	     ({                                                                     \
		int *___t = bpf_iter_num_next(&___it);                              \
		(___t && ((i) = *___t, (i) >= (start) && (i) < (end)));             \
	     });)
#endif

#ifndef bpf_repeat
/* bpf_repeat(n): runs the body n times. */
#define bpf_repeat(N)                                                               \
	for (struct bpf_iter_num ___it                                              \
		__attribute__((aligned(8), cleanup(bpf_iter_num_destroy))),         \
	     *___p __attribute__((unused)) =                                        \
		(bpf_iter_num_new(&___it, 0, (N)),                                  \
		 (void)bpf_iter_num_destroy, (void *)0);                            \
	     bpf_iter_num_next(&___it);)
#endif

#endif /* __BPF_HELPERS__ */
