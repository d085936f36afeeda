/* bpfcc freestanding <stddef.h> (C11 7.19).
 *
 * As with clang's and gcc's, a header that defines `__need_size_t` (or
 * `__need_ptrdiff_t`, `__need_wchar_t`, `__need_NULL`, `__need_max_align_t`,
 * `__need_offsetof`) before including it gets only those definitions; each
 * is made once however often it is asked for. */
#if !defined(__need_ptrdiff_t) && !defined(__need_size_t) && !defined(__need_wchar_t) && \
    !defined(__need_NULL) && !defined(__need_max_align_t) && !defined(__need_offsetof)
#define __need_ptrdiff_t
#define __need_size_t
#define __need_wchar_t
#define __need_NULL
#define __need_max_align_t
#define __need_offsetof
#if defined(__STDC_VERSION__) && __STDC_VERSION__ > 201710L
#define unreachable() __builtin_unreachable()
#endif
#endif

#if defined(__need_ptrdiff_t)
#ifndef __BPFCC_PTRDIFF_T
#define __BPFCC_PTRDIFF_T
typedef __PTRDIFF_TYPE__ ptrdiff_t;
#endif
#undef __need_ptrdiff_t
#endif

#if defined(__need_size_t)
#ifndef __BPFCC_SIZE_T
#define __BPFCC_SIZE_T
typedef __SIZE_TYPE__ size_t;
#endif
#undef __need_size_t
#endif

#if defined(__need_wchar_t)
#if !defined(__BPFCC_WCHAR_T) && !defined(__cplusplus)
#define __BPFCC_WCHAR_T
typedef __WCHAR_TYPE__ wchar_t;
#endif
#undef __need_wchar_t
#endif

#if defined(__need_max_align_t)
#ifndef __BPFCC_MAX_ALIGN_T
#define __BPFCC_MAX_ALIGN_T
typedef struct {
  long long __max_align_ll __attribute__((__aligned__(__alignof__(long long))));
  long double __max_align_ld __attribute__((__aligned__(__alignof__(long double))));
} max_align_t;
#endif
#undef __need_max_align_t
#endif

#if defined(__need_NULL)
#undef NULL
#define NULL ((void *)0)
#undef __need_NULL
#endif

#if defined(__need_offsetof)
#undef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#undef __need_offsetof
#endif
