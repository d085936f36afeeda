/* bpfcc freestanding <stddef.h> (C11 7.19). */
#ifndef __BPFCC_STDDEF_H
#define __BPFCC_STDDEF_H

typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __SIZE_TYPE__ size_t;
#ifndef __cplusplus
typedef __WCHAR_TYPE__ wchar_t;
#endif

typedef struct {
  long long __max_align_ll __attribute__((__aligned__(__alignof__(long long))));
  long double __max_align_ld __attribute__((__aligned__(__alignof__(long double))));
} max_align_t;

#undef NULL
#define NULL ((void *)0)

#undef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)

#if defined(__STDC_VERSION__) && __STDC_VERSION__ > 201710L
#define unreachable() __builtin_unreachable()
#endif

#endif /* __BPFCC_STDDEF_H */
